/** Short relative times for things a few seconds to hours away ("in 25 s", "3 min ago"). */
export function relativeTime(iso: string | null, now: number): string {
  if (!iso) return '—';
  const diff = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(diff);
  const amount = abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : abs < 172_800 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86_400)} days`;
  if (abs < 2) return 'now';
  return diff > 0 ? `in ${amount}` : `${amount} ago`;
}
