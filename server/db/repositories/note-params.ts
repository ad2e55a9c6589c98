import type { NoteParams } from '../../domain/mailing-notes.js';

/** A notification's params as a raw query reads them: JSON text on MariaDB and SQLite, parsed where the driver did. */
export const noteParamsOf = (raw: unknown): NoteParams | null => (typeof raw === 'string' ? (JSON.parse(raw) as NoteParams) : ((raw ?? null) as NoteParams | null));
