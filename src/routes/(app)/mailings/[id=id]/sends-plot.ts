/** The geometry of the sends chart, from the send times alone: a pure function, so the component only draws. */

export interface SendsInput {
  /** When each recipient was sent (ms). */
  times: number[];
  start: number;
  eta: number | null;
  target: number;
  now: number;
}

export interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Plot {
  count: number;
  spanMs: number;
  /** Cumulative sends, as a line and as the area under it; null before the first send. */
  line: string | null;
  area: string | null;
  /** The planned pace: from the start to the ETA at the full count; null without an ETA. */
  plan: string | null;
  nowX: number;
  xTicks: { time: number; x: number }[];
  yTicks: { value: number; y: number }[];
}

const BUCKETS = 60;
const MIN_SPAN_MS = 60_000;

export function plotSends({ times, start, eta, target, now }: SendsInput, box: Box): Plot {
  const sorted = [...times].sort((a, b) => a - b);
  const last = sorted.at(-1) ?? start;
  const t0 = Math.min(start, sorted[0] ?? start);
  const t1 = Math.max(now, eta ?? t0, last, t0 + MIN_SPAN_MS);
  const yMax = Math.max(target, sorted.length, 1);
  const x = (t: number) => box.left + ((t - t0) / (t1 - t0)) * (box.width - box.left - box.right);
  const y = (v: number) => box.top + (1 - v / yMax) * (box.height - box.top - box.bottom);
  const f = (n: number) => n.toFixed(1);

  let line: string | null = null;
  let area: string | null = null;
  if (sorted.length) {
    // The curve runs to now while sending goes on, or to the last send when that is later.
    const end = Math.max(last, Math.min(now, t1));
    const points: string[] = [];
    let seen = 0;
    for (let b = 0; b <= BUCKETS; b++) {
      const t = t0 + ((end - t0) * b) / BUCKETS;
      while (seen < sorted.length && sorted[seen] <= t) seen++;
      points.push(`${f(x(t))},${f(y(seen))}`);
    }
    line = `M${points.join('L')}`;
    area = `${line}L${f(x(end))},${f(y(0))}L${f(x(t0))},${f(y(0))}Z`;
  }

  const plan = eta === null ? null : `M${f(x(start))},${f(y(0))}L${f(x(eta))},${f(y(target))}`;
  const xTicks = [0, 1 / 3, 2 / 3, 1].map((k) => {
    const time = t0 + (t1 - t0) * k;
    return { time, x: x(time) };
  });
  const yTicks = [...new Set([0, Math.round(yMax / 2), yMax])].map((value) => ({ value, y: y(value) }));
  return { count: sorted.length, spanMs: t1 - t0, line, area, plan, nowX: x(Math.min(now, t1)), xTicks, yTicks };
}
