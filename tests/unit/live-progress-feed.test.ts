import { describe, expect, it, vi } from 'vitest';
import { ProgressFeed } from '../../server/live/progress-feed.js';

/** Reads the test answers one by one, and the pushes they led to. */
function harness() {
  const reads: { resolve: (v: string | null) => void; reject: (e: Error) => void }[] = [];
  const pushes: [string, string][] = [];
  let inFlight = 0;
  let overlapped = false;
  const feed = new ProgressFeed<string>(
    () =>
      new Promise((resolve, reject) => {
        overlapped ||= inFlight > 0;
        inFlight++;
        const done = () => inFlight--;
        reads.push({ resolve: (v) => (done(), resolve(v)), reject: (e) => (done(), reject(e)) });
      }),
    (progress, at) => pushes.push([progress, at]),
  );
  const tick = () => new Promise((ok) => setTimeout(ok, 0));
  return { feed, reads, pushes, tick, overlapped: () => overlapped };
}

describe('ProgressFeed', () => {
  // A batch of changes starts one read at once; when the push is due the counters are ready and
  // leave with the newest change's time, without another read.
  it('reads ahead of the push and pushes what covers its changes', async () => {
    const { feed, reads, pushes, tick } = harness();
    feed.changed(1, 't1');
    feed.changed(1, 't2');
    await tick();
    expect(reads).toHaveLength(1);
    reads[0].resolve('sent=2');
    await tick();
    expect(pushes).toEqual([]);
    feed.due(1);
    expect(pushes).toEqual([['sent=2', 't2']]);
    expect(reads).toHaveLength(1);
  });

  // A read started before a change cannot be trusted to count it: the push waits for a new read.
  it('reads again for changes that came after the read started', async () => {
    const { feed, reads, pushes, tick } = harness();
    feed.changed(1, 't1');
    await tick();
    feed.changed(1, 't2');
    reads[0].resolve('sent=1');
    await tick();
    feed.due(1);
    await tick();
    expect(pushes).toEqual([]);
    expect(reads).toHaveLength(2);
    reads[1].resolve('sent=2');
    await tick();
    expect(pushes).toEqual([['sent=2', 't2']]);
  });

  // Reads of one mailing never overlap, so progress pushes leave in the order of their counters.
  it('waits for the running read instead of starting another', async () => {
    const { feed, reads, pushes, tick, overlapped } = harness();
    feed.changed(1, 't1');
    await tick();
    feed.due(1);
    feed.changed(1, 't2');
    feed.due(1);
    await tick();
    expect(reads).toHaveLength(1);
    reads[0].resolve('sent=1');
    await tick();
    reads[1].resolve('sent=2');
    await tick();
    expect(pushes).toEqual([['sent=2', 't2']]);
    expect(overlapped()).toBe(false);
  });

  it('keeps mailings apart and recovers from a failed read', async () => {
    const { feed, reads, pushes, tick } = harness();
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    feed.changed(1, 'a1');
    feed.changed(2, 'b1');
    await tick();
    reads[0].reject(new Error('connection lost'));
    reads[1].resolve('b');
    await tick();
    feed.due(1);
    feed.due(2);
    await tick();
    expect(pushes).toEqual([['b', 'b1']]);
    reads[2].resolve('a');
    await tick();
    expect(pushes).toEqual([['b', 'b1'], ['a', 'a1']]);
    quiet.mockRestore();
  });
});
