import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/**
 * Runs `script --variant <name>` in a fresh Node process and returns the JSON object on the last
 * line of its output; everything else it prints is passed through, indented.
 */
export async function runVariant<T>(script: string, variant: string, env: Record<string, string> = {}): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--variant', variant], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((ok) => child.once('exit', ok));
  const lines = out.trimEnd().split('\n');
  for (const l of lines.slice(0, -1)) console.log(`    ${l}`);
  if (code !== 0) throw new Error(`${script} --variant ${variant} exited with ${code}:\n${out}`);
  return JSON.parse(lines[lines.length - 1]) as T;
}

/**
 * Alternates the variants over `rounds` rounds (A B, B A, A B…), each in a fresh process, so
 * neither always runs on a warmer or a busier machine. Returns every round's result by variant.
 */
export async function alternate<T>(script: string, variants: string[], rounds: number, env: Record<string, string> = {}): Promise<Map<string, T[]>> {
  const results = new Map<string, T[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      console.log(`  round ${round + 1}/${rounds}: ${variant}`);
      results.get(variant)!.push(await runVariant<T>(script, variant, env));
    }
  }
  return results;
}

/** The value of `--variant`, or null when the script runs as the coordinator. */
export function variantArg(): string | null {
  const i = process.argv.indexOf('--variant');
  return i === -1 ? null : (process.argv[i + 1] ?? null);
}
