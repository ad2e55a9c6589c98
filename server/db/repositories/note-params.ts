import type { NoteParams, StatusDetail } from '../../domain/mailing-notes.js';
import type { HealthDetail } from '../../domain/health-detail.js';

/** A JSON column as a raw query reads it: text on MariaDB and SQLite, parsed where the driver did. */
const jsonOf = <T>(raw: unknown): T | null => (typeof raw === 'string' ? (JSON.parse(raw) as T) : ((raw ?? null) as T | null));

/** A notification's params. */
export const noteParamsOf = (raw: unknown) => jsonOf<NoteParams>(raw);
/** A mailing's `status_detail`. */
export const statusDetailOf = (raw: unknown) => jsonOf<StatusDetail>(raw);
/** An account's `health_detail`. */
export const healthDetailOf = (raw: unknown) => jsonOf<HealthDetail>(raw);
