// `npm run bench`: every benchmark, one after the other, each in its own process; a summary
// table at the end and, with --record, bench/RESULTS.md written from the figures.
//   npm run bench [-- --only engine-throughput,list-at-scale] [-- --record]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { finalJson, machine, table } from './lib/report.js';

const BENCHES = ['engine-throughput', 'live-latency', 'list-at-scale', 'million-recipients'] as const;

const { values: args } = parseArgs({ options: { only: { type: 'string' }, record: { type: 'boolean', default: false } } });
const chosen = args.only ? args.only.split(',').filter((b): b is (typeof BENCHES)[number] => (BENCHES as readonly string[]).includes(b)) : [...BENCHES];
const root = resolve(import.meta.dirname, '..');

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
const headline = (f: Figures | null) => (f ? Object.entries(f).filter(([k, v]) => !['bench', 'machine', 'pass', 'rounds', 'targets'].includes(k) && typeof v !== 'object').map(([k, v]) => `${k} ${v}`).join(', ') : '');
table('Summary', ['benchmark', 'pass', 'seconds', 'figures'], chosen.map((b) => [b, results[b].figures ? (results[b].figures!.pass ? 'yes' : 'NO') : `error: ${results[b].error}`, results[b].seconds, headline(results[b].figures)]));

if (args.record) {
  const lines = [
    '# Benchmark results',
    '',
    'Written by `npm run bench -- --record`; each section is the last line of JSON its benchmark printed.',
    'What each one measures, and its baseline, is in its own README.',
    '',
    `Recorded ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on: ${Object.entries(about).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    ...chosen.flatMap((b) => [`## ${b}: ${results[b].figures ? (results[b].figures!.pass ? 'meets its target' : 'misses its target') : 'failed to run'}`, '', '```json', JSON.stringify(results[b].figures ?? { error: results[b].error }, null, 2), '```', '']),
  ];
  writeFileSync(resolve(root, 'bench/RESULTS.md'), lines.join('\n'));
  console.log('\nWrote bench/RESULTS.md');
}
finalJson({ machine: about, results: Object.fromEntries(chosen.map((b) => [b, results[b].figures])) });
