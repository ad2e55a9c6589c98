/** How long an id passed over is looked for: a transaction open longer is rare, and a rolled-back insert leaves its id unused for good. */
const GAP_MS = 30_000;
/** The most ids below a new one that are looked for again (a jump of the counter leaves many unused). */
const MAX_GAP = 100;

/**
 * Follows a table's new rows by id. Ids are taken at insert and committed in any order (the
 * intake of several inboxes, several engine runs), so a row that commits after a higher id was
 * read would be passed over by "after the last id read": the ids skipped are asked for again until
 * they turn up or GAP_MS passes.
 */
export function committedRows(clock: () => number) {
  let last: number | null = null;
  /** Ids passed over, with when, oldest first. */
  const gaps = new Map<number, number>();
  return {
    started: () => last !== null,
    start(id: number) {
      last = id;
    },
    /** Read the rows after `after`, and those of `missing`. */
    query(): { after: number; missing: number[] } {
      const expired = clock() - GAP_MS;
      for (const [id, since] of gaps) if (since < expired) gaps.delete(id);
      return { after: last!, missing: [...gaps.keys()] };
    },
    /** Of the rows read (by id, oldest first), those not seen before. */
    fresh<R extends { id: unknown }>(rows: R[]): R[] {
      const out: R[] = [];
      for (const row of rows) {
        const id = Number(row.id);
        if (id > last!) {
          for (let skipped = Math.max(last! + 1, id - MAX_GAP); skipped < id; skipped++) gaps.set(skipped, clock());
          last = id;
          out.push(row);
        } else if (gaps.delete(id)) out.push(row);
      }
      for (const id of gaps.keys()) {
        if (gaps.size <= MAX_GAP) break;
        gaps.delete(id);
      }
      return out;
    },
  };
}
