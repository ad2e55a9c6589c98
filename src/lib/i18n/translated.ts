/**
 * A record of display names whose values are read from the catalogue each time they are used, so
 * `LABELS[key]` in markup follows a change of language like any `m.key()` call.
 */
export function translated<K extends string>(messages: Record<K, () => string>): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const key of Object.keys(messages) as K[]) Object.defineProperty(out, key, { get: () => messages[key](), enumerable: true });
  return out;
}
