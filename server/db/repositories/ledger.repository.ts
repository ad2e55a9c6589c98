import { ledgerClaims } from './ledger/claims.js';
import { ledgerOutcomes } from './ledger/outcomes.js';
import { ledgerCounts } from './ledger/counts.js';
import { ledgerBulkChanges } from './ledger/bulk-changes.js';

export type { NewLedgerRow, ClaimedRecipient, HeldRow, Unsuccessful } from './ledger/rows.js';

/**
 * The recipients ledger's queries, one object assembled from its parts split by lifetime (in
 * `./ledger/`): claims, outcomes, counts and bulk changes. Every state change is one guarded
 * UPDATE (`where state = …`) and every counter moves by an SQL expression, so concurrent writers
 * never undo each other and a stale copy can never overwrite a newer state.
 */
export const ledgerRepository = { ...ledgerClaims, ...ledgerOutcomes, ...ledgerCounts, ...ledgerBulkChanges };
