/**
 * Blocks of header-style fields (`Name: value`, a line starting with white space continues the
 * previous field): a message's header section, and the blocks of a delivery-status or
 * feedback-report part (RFC 3464 §2, RFC 5965 §3).
 */

/** Lowercased field name → its values in order, unfolded. */
export type Fields = Map<string, string[]>;

const MAX_VALUE = 64 * 1024; // a longer field is cut: nothing this module reads needs more
const MAX_HEAD = 256 * 1024; // larger than any real header section

export const field = (fields: Fields, name: string): string | undefined => fields.get(name)?.[0];

/** The text's lines, split at LF or CRLF. */
export const linesOf = (text: string) => text.split(/\r?\n/);

/** Reads the fields of consecutive lines; a line that is not a field and continues none is skipped. */
export function readFields(lines: readonly string[]): Fields {
  const fields: Fields = new Map();
  let current: { name: string; index: number } | null = null;
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && current) {
      const values = fields.get(current.name)!;
      if (values[current.index].length < MAX_VALUE) values[current.index] = `${values[current.index]} ${line.trim()}`.slice(0, MAX_VALUE);
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    // Field names are printable ASCII without spaces (RFC 5322 §2.2); anything else ends the field.
    if (!name || name.length > 100 || !/^[!-9;-~]+$/.test(name)) {
      current = null;
      continue;
    }
    const values = fields.get(name) ?? [];
    values.push(line.slice(colon + 1).trim().slice(0, MAX_VALUE));
    fields.set(name, values);
    current = { name, index: values.length - 1 };
  }
  return fields;
}

/** The blocks of fields in `text`, separated by blank lines; empty blocks are skipped. Lazy, so a caller can stop early. */
export function* fieldBlocks(text: string): Generator<Fields> {
  let block: string[] = [];
  for (const line of linesOf(text)) {
    if (line.trim() !== '') {
      block.push(line);
      continue;
    }
    if (block.length) yield readFields(block);
    block = [];
  }
  if (block.length) yield readFields(block);
}

/** The header section of a message (everything before the first blank line), read as fields. */
export function headerSection(message: Buffer | string): Fields {
  const head = (typeof message === 'string' ? message.slice(0, MAX_HEAD) : message.subarray(0, MAX_HEAD).toString('utf8'));
  const blank = /\r?\n\r?\n/.exec(head);
  return readFields(linesOf(blank ? head.slice(0, blank.index) : head));
}
