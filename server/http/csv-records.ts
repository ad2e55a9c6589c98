import { parse } from 'csv-parse';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Characters the parser gets at a time. Each slice is parsed in its own turn of the event loop,
 * so a large or hostile file (millions of fields on one line) never holds up other requests for
 * longer than a slice takes.
 */
const SLICE = 64 * 1024;

async function* slices(text: string) {
  for (let i = 0; i < text.length; i += SLICE) {
    yield text.slice(i, i + SLICE);
    await nextTurn();
  }
}

export interface CsvLimits {
  /** Records beyond this are not read: the result holds at most `maxRecords` + 1, so "too many" shows. */
  maxRecords: number;
  /** A header naming more columns than this is refused before any record is read. */
  maxColumns: number;
}

/** A header naming more columns than allowed: its count and the limit, for the refusal's values. */
export class TooManyColumns extends Error {
  constructor(
    readonly count: number,
    readonly max: number,
  ) {
    super(`the first line names ${count} columns; at most ${max} are allowed`);
  }
}

/**
 * The records of a CSV file whose first line names the columns (blank lines skipped, values
 * trimmed). Rejects with csv-parse's error for malformed CSV, and TooManyColumns for a header of too many.
 */
export async function csvRecords(text: string, { maxRecords, maxColumns }: CsvLimits): Promise<Record<string, string>[]> {
  const records: Record<string, string>[] = [];
  const columns = (header: string[]) => {
    if (header.length > maxColumns) throw new TooManyColumns(header.length, maxColumns);
    return header;
  };
  try {
    await pipeline(slices(text), parse({ columns, skip_empty_lines: true, bom: true, trim: true }), async (parsed: AsyncIterable<Record<string, string>>) => {
      for await (const record of parsed) {
        if (records.push(record) > maxRecords) return;
      }
    });
  } catch (err) {
    // Stopping after maxRecords + 1 aborts the parse: that is the result, not an error.
    if (records.length <= maxRecords) throw err;
  }
  return records;
}
