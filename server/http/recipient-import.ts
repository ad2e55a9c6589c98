import { z } from '@hono/zod-openapi';
import type { ZodObject, ZodType } from 'zod';
import type { Em } from '../db/orm.js';
import type { User } from '../db/entities/user.entity.js';
import { userRepository } from '../db/repositories/user.repository.js';
import type { AuthUser } from '../security/session.js';
import { ApiError, inputIssue } from './errors.js';
import { refusalMessage } from '../domain/errors.js';
import type { RowProblem } from './schemas/recipients.js';
import { resolveOwner } from './owned.js';
import { csvRecords, TooManyColumns } from './csv-records.js';

/**
 * A CSV import of companies, contacts or leads: a header row of snake_case field names
 * (owner_email optional), each row checked as the create route checks its body. All rows or none:
 * any bad row refuses the file (import_rejected, every bad line with its reasons).
 */

const MAX_IMPORT_ROWS = 10_000;
/** Far more than any import knows (unknown ones are refused by name below). */
const MAX_IMPORT_COLUMNS = 100;

/** What an import needs of a recipient kind: its create input, and how its references resolve. */
export interface ImportKind {
  input: ZodObject;
  resolveRefs(em: Em, input: Record<string, unknown>, actor: AuthUser, owner: User): Promise<Record<string, unknown>>;
}

const CSV_BOOLEAN: Record<string, boolean> = { true: true, yes: true, y: true, '1': true, false: false, no: false, n: false, '0': false };
const camel = (s: string) => s.trim().toLowerCase().replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());

/** A problem in the API's English: "column: reason", as the rows have always said it. */
const problemText = (p: RowProblem) => ('issue' in p ? `${p.issue.path || 'row'}: ${p.issue.message}` : refusalMessage(p.refusal, p.field));

/** One CSV record → the JSON shape the create route accepts (strings typed by the target schema). */
function csvRecordToInput(record: Record<string, string>, input: ZodObject): { value: Record<string, unknown>; errors: RowProblem[] } {
  const value: Record<string, unknown> = {};
  const errors: RowProblem[] = [];
  for (const [column, raw] of Object.entries(record)) {
    const key = camel(column);
    const cell = raw.trim();
    if (key === 'ownerEmail' || cell === '') {
      if (key === 'ownerEmail' && cell) value.ownerEmail = cell.toLowerCase();
      continue;
    }
    const field = input.shape[key] as ZodType | undefined;
    const kind = field ? JSON.stringify(z.toJSONSchema(field, { unrepresentable: 'any', io: 'input' })) : '';
    if (kind.includes('"boolean"')) {
      if (!(cell.toLowerCase() in CSV_BOOLEAN)) errors.push({ field: column, refusal: { reason: 'csv_not_yes_no', params: { value: cell } } });
      else value[key] = CSV_BOOLEAN[cell.toLowerCase()];
    } else if (kind.includes('"integer"') || kind.includes('"number"')) {
      if (!/^\d+$/.test(cell)) errors.push({ field: column, refusal: { reason: 'csv_not_a_number', params: { value: cell } } });
      else value[key] = Number(cell);
    } else value[key] = cell;
  }
  return { value, errors };
}

/** The entity data of every row of `text`, owners and references resolved; throws ApiError when any row is bad. */
export async function readImport(em: Em, actor: AuthUser, text: string, spec: ImportKind): Promise<Record<string, unknown>[]> {
  let records: Record<string, string>[];
  try {
    records = await csvRecords(text, { maxRecords: MAX_IMPORT_ROWS, maxColumns: MAX_IMPORT_COLUMNS });
  } catch (err) {
    if (err instanceof TooManyColumns) throw new ApiError('bad_request', { reason: 'csv_too_many_columns', params: { count: err.count, max: err.max } });
    // csv-parse's own words, shown as written.
    throw new ApiError('bad_request', { reason: 'csv_invalid', params: { error: (err as Error).message } });
  }
  if (records.length === 0) throw new ApiError('bad_request', { reason: 'csv_empty', params: {} });
  if (records.length > MAX_IMPORT_ROWS) throw new ApiError('bad_request', { reason: 'csv_too_many_rows', params: { max: MAX_IMPORT_ROWS } });
  const known = new Set([...Object.keys(spec.input.shape).filter((k) => k !== 'ownerId'), 'ownerEmail']);
  const unknown = Object.keys(records[0]).filter((col) => !known.has(camel(col)));
  if (unknown.length) throw new ApiError('bad_request', { reason: 'csv_unknown_columns', params: { columns: unknown } }, { details: { allowed: [...known] } });

  const owners = new Map<string, User>();
  const rows: { line: number; errors: string[]; problems: RowProblem[] }[] = [];
  const reject = (line: number, problems: RowProblem[]) => rows.push({ line, errors: problems.map(problemText), problems });
  const ready: Record<string, unknown>[] = [];
  for (const [i, record] of records.entries()) {
    const line = i + 2; // header is line 1
    const { value, errors } = csvRecordToInput(record, spec.input);
    const ownerEmail = value.ownerEmail as string | undefined;
    delete value.ownerEmail;
    const parsed = spec.input.safeParse(value);
    if (!parsed.success) errors.push(...parsed.error.issues.map((issue) => ({ issue: inputIssue(issue) })));
    if (errors.length) {
      reject(line, errors);
      continue;
    }
    try {
      const data = parsed.data as Record<string, unknown>;
      let owner: User;
      if (ownerEmail) {
        const cached = owners.get(ownerEmail) ?? (await userRepository.byEmail(em, ownerEmail));
        if (!cached) throw new ApiError('precondition', { reason: 'csv_unknown_owner', params: { email: ownerEmail } }, { field: 'owner_email' });
        owners.set(ownerEmail, cached);
        owner = await resolveOwner(em, actor, cached.id);
      } else owner = await resolveOwner(em, actor, undefined);
      const refs = await spec.resolveRefs(em, data, actor, owner);
      const { ownerId: _o, companyId: _c, ...fields } = data;
      ready.push({ ...fields, ...refs, owner, department: owner.department! });
    } catch (err) {
      if (!(err instanceof ApiError) || !err.refusal) throw err;
      reject(line, [{ field: err.field, refusal: err.refusal }]);
    }
  }
  if (rows.length) {
    throw new ApiError('import_rejected', { reason: 'csv_rows_invalid', params: { bad: rows.length, total: records.length } }, { details: { rows } });
  }
  return ready;
}
