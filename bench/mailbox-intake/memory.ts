import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { round, slope } from '../lib/stats.js';

export interface MemorySample {
  /** Messages read so far. */
  messages: number;
  rssMb: number;
  heapMb: number;
}

/** The heap after a full collection: what is still alive once this many messages were read. */
export interface LiveHeap {
  messages: number;
  liveHeapMb: number;
}

export interface MemoryRecord {
  samples: MemorySample[];
  live: LiveHeap[];
  /** Time spent in the forced collections before stop(), to be left out of the variant's wall time. */
  collectingMs: number;
}

export interface MemorySummary {
  startRssMb: number;
  peakRssMb: number;
  endRssMb: number;
  startHeapMb: number;
  peakHeapMb: number;
  endHeapMb: number;
  /** MB per 1,000 messages over the second half of the messages (the first fill caches, pools and the JIT). */
  rssSlope: number;
  /** The same over every sample, warm-up included. */
  rssSlopeWhole: number;
  /** The live heap at each checkpoint. */
  live: LiveHeap[];
  /** MB per 1,000 messages of the live heap, from the second checkpoint on: a leak of 1 KB a message reads 1. */
  liveHeapSlope: number;
}

const MB = 2 ** 20;

// A full collection on demand, without starting Node with --expose-gc (the variants run under tsx).
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * Samples this process's RSS and V8 heap every `everyMs` beside the count of messages read: the
 * reading is asynchronous, so the timer runs between its awaits. Each time another `liveEvery`
 * messages are read it forces a full collection and notes the heap left: the heap used otherwise
 * rises with garbage and falls at each collection, whether anything leaks or not.
 */
export function sampleMemory(messages: () => number, opts: { everyMs?: number; liveEvery?: number } = {}): { stop(): MemoryRecord } {
  const liveEvery = opts.liveEvery ?? 1000;
  const record: MemoryRecord = { samples: [], live: [], collectingMs: 0 };
  let checkpoint = liveEvery;
  const take = () => {
    const m = process.memoryUsage();
    const read = messages();
    record.samples.push({ messages: read, rssMb: m.rss / MB, heapMb: m.heapUsed / MB });
    if (read < checkpoint) return;
    const started = performance.now();
    collect();
    record.collectingMs += performance.now() - started;
    record.live.push({ messages: read, liveHeapMb: process.memoryUsage().heapUsed / MB });
    checkpoint = (Math.floor(read / liveEvery) + 1) * liveEvery;
  };
  take();
  const timer = setInterval(take, opts.everyMs ?? 100);
  return {
    stop() {
      clearInterval(timer);
      const during = record.collectingMs;
      take();
      return { ...record, collectingMs: during };
    },
  };
}

/** Start, peak, end, and the growth per 1,000 messages: flat memory grows by about 0 however many are read. */
export function summarizeMemory({ samples, live }: MemoryRecord): MemorySummary {
  const total = samples[samples.length - 1].messages;
  const per1000 = (points: { messages: number; mb: number }[]) => round(slope(points.map((p) => ({ x: p.messages / 1000, y: p.mb }))), 2);
  const [first, last] = [samples[0], samples[samples.length - 1]];
  return {
    startRssMb: round(first.rssMb), peakRssMb: round(Math.max(...samples.map((s) => s.rssMb))), endRssMb: round(last.rssMb),
    startHeapMb: round(first.heapMb), peakHeapMb: round(Math.max(...samples.map((s) => s.heapMb))), endHeapMb: round(last.heapMb),
    rssSlope: per1000(samples.filter((s) => s.messages >= total / 2).map((s) => ({ messages: s.messages, mb: s.rssMb }))),
    rssSlopeWhole: per1000(samples.map((s) => ({ messages: s.messages, mb: s.rssMb }))),
    live: live.map((l) => ({ messages: l.messages, liveHeapMb: round(l.liveHeapMb) })),
    liveHeapSlope: per1000(live.slice(1).map((l) => ({ messages: l.messages, mb: l.liveHeapMb }))),
  };
}
