import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

function describeViolation(v: IViolation): string {
  const via = v.cycle?.length ? ` (cycle: ${v.cycle.map((c) => c.name).join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${via}`;
}

describe('layer boundaries', () => {
  // Invariant: no layer imports what the architecture forbids it (README.md, "Architecture"):
  // domain does no I/O, http and live reach the engine only through its front door, live never
  // imports http, the UI takes no server value but the domain's, and server/ has no cycle.
  it('server/ and src/ keep to the rules of .dependency-cruiser.cjs', async () => {
    // The layer rules live in .dependency-cruiser.cjs, one comment each saying why.
    const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
    // The aliases src/ imports by ($lib, and $server from svelte.config.js), as svelte-kit sync
    // writes them; the cruiser's own tsconfig-paths resolver misses them (they carry no baseUrl).
    const { paths } = JSON.parse(readFileSync('.svelte-kit/tsconfig.json', 'utf8')).compilerOptions as { paths: Record<string, string[]> };
    const alias = Object.fromEntries(
      Object.entries(paths).filter(([name]) => !name.endsWith('/*')).map(([name, [dir]]) => [name, resolve('.svelte-kit', dir)]),
    );
    const result = await cruise(['server', 'src'], options, { alias });
    const output = result.output as ICruiseResult;
    // The cruise must have read the code, .svelte files included, or an empty list proves nothing.
    expect(output.modules.some((m) => m.source.startsWith('src/') && m.source.endsWith('.svelte'))).toBe(true);
    expect(output.modules.some((m) => m.source.startsWith('server/domain/'))).toBe(true);
    expect(output.summary.violations.map(describeViolation)).toEqual([]);
  });
});
