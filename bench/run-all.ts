// `npm run bench`: every benchmark, one after the other, each in its own process; a summary
// table at the end and, with --record, bench/RESULTS.md written from the figures.
//   npm run bench [-- --only engine-throughput,list-at-scale] [-- --record]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { finalJson, machine, table } from './lib/report.js';

const BENCHES = ['engine-throughput', 'live-latency', 'list-at-scale', 'million-recipients', 'mailbox-intake', 'mailing-attachment'] as const;

const { values: args } = parseArgs({ options: { only: { type: 'string' }, record: { type: 'boolean', default: false } } });
const chosen = args.only ? args.only.split(',').filter((b): b is (typeof BENCHES)[number] => (BENCHES as readonly string[]).includes(b)) : [...BENCHES];
const root = resolve(import.meta.dirname, '..');
const resultsDir = resolve(root, 'bench/results');

interface Figures {
  bench: string;
  pass: boolean;
  [figure: string]: unknown;
}

/** Runs one benchmark with its output shown as it comes, and returns its last line as JSON. */
async function run(bench: string): Promise<{ figures: Figures | null; seconds: number; error?: string }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', `bench/${bench}/index.ts`], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    process.stdout.write(d);
  });
  const code = await new Promise<number | null>((ok) => child.once('exit', ok));
  const seconds = Math.round((Date.now() - started) / 1000);
  const last = out.trimEnd().split('\n').at(-1) ?? '';
  try {
    if (code !== 0) throw new Error(`exited with ${code}`);
    return { figures: JSON.parse(last) as Figures, seconds };
  } catch (err) {
    return { figures: null, seconds, error: (err as Error).message };
  }
}

const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
for (const bench of chosen) {
  console.log(`\n=== ${bench} ===`);
  results[bench] = await run(bench);
}

const about = await machine();
const headline = (f: Figures | null) => (f ? Object.entries(f).filter(([k, v]) => !['bench', 'machine', 'pass', 'rounds', 'targets', 'recordedAt'].includes(k) && typeof v !== 'object').map(([k, v]) => `${k} ${v}`).join(', ') : '');
table('Summary', ['benchmark', 'pass', 'seconds', 'figures'], chosen.map((b) => [b, results[b].figures ? (results[b].figures!.pass ? 'yes' : 'NO') : `error: ${results[b].error}`, results[b].seconds, headline(results[b].figures)]));

if (args.record) {
  // Each benchmark's last figures are kept in bench/results/<name>.json, so running some of them
  // updates theirs and RESULTS.md still shows every benchmark.
  mkdirSync(resultsDir, { recursive: true });
  for (const b of chosen) if (results[b].figures) writeFileSync(resolve(resultsDir, `${b}.json`), `${JSON.stringify({ recordedAt: new Date().toISOString(), ...results[b].figures }, null, 2)}\n`);
  writeFileSync(resolve(root, 'bench/RESULTS.md'), resultsMarkdown());
  console.log('\nWrote bench/results/ and bench/RESULTS.md');
}

/** RESULTS.md from every recorded benchmark: a summary table, then each one's figures as JSON. */
function resultsMarkdown(): string {
  const recorded = BENCHES.filter((b) => existsSync(resolve(resultsDir, `${b}.json`))).map((b) => JSON.parse(readFileSync(resolve(resultsDir, `${b}.json`), 'utf8')) as Figures & { recordedAt: string; machine: Record<string, unknown> });
  return [
    '# Benchmark results',
    '',
    'Written by `npm run bench -- --record` from `bench/results/*.json`, the last line of JSON each',
    'benchmark printed. What each one measures, and its baseline, is in its own README.',
    '',
    '| benchmark | recorded (UTC) | meets its target | figures |',
    '|---|---|---|---|',
    ...recorded.map((f) => `| ${f.bench} | ${f.recordedAt.slice(0, 16).replace('T', ' ')} | ${f.pass ? 'yes' : 'no'} | ${headline(f)} |`),
    '',
    ...recorded.flatMap((f) => [`## ${f.bench}`, '', `Machine: ${Object.entries(f.machine).map(([k, v]) => `${k} ${v}`).join(', ')}.`, '', '```json', JSON.stringify(f, null, 2), '```', '']),
  ].join('\n');
}
finalJson({ machine: about, results: Object.fromEntries(chosen.map((b) => [b, results[b].figures])) });
