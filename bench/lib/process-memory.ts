import { readFileSync } from 'node:fs';
import { slope } from '../lib/stats.js';

export interface Memory {
  /** Resident set size now, MB. */
  rss: number;
  /** The highest resident set size the process has had since it started (VmHWM), MB. */
  peak: number;
}

/** The kernel's own account of a process's memory (Linux /proc), so nothing runs inside the process measured. */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Samples a process's RSS every `everyMs` until stopped; answers the highest sample seen. */
export function sampleRss(pid: number, everyMs: number): { stop(): number } {
  let max = memoryOf(pid).rss;
  const timer = setInterval(() => (max = Math.max(max, memoryOf(pid).rss)), everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, memoryOf(pid).rss);
    },
  };
}

/** Least-squares slope of (seconds, MB) samples, in MB per minute: about 0 when memory is flat. */
export function slopePerMinute(samples: { seconds: number; rss: number }[]): number {
  return slope(samples.map((s) => ({ x: s.seconds / 60, y: s.rss })));
}
