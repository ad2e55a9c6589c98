import type { Ledger } from '../../engine/ports.js';
import { ledgerRepository } from './ledger.repository.js';
import { mailingRepository } from './mailing.repository.js';
import { accountRepository } from './account.repository.js';
import { settingsRepository } from './settings.repository.js';
import { loadRecipientFields } from './recipient-fields.js';
import { messageOriginRepository } from './message-origin.repository.js';

const { claimBatch, release, startAttempt, finishSent, finish, retryLater, expireLeases, sentSince, stranded, rebind, requeue, skipQueued, mergeInto, pendingByAccount, accountsWithWork } = ledgerRepository;
const { head, transition, finishIfDone, cancelAll, note, notes, liveIds, liveMailingsOfAccount, content, createCombined } = mailingRepository;
const { byId: account, ofOwner: accountsOf, nextSends, setNextSend, setHealth } = accountRepository;

/** The engine's ledger port on the database: the repositories' named queries. */
export const dbLedger: Ledger = {
  claimBatch, release, startAttempt, finishSent, finish, retryLater, expireLeases, sentSince, stranded, rebind, requeue, skipQueued, mergeInto, pendingByAccount, accountsWithWork,
  head, transition, finishIfDone, cancelAll, note, notes, liveIds, liveMailingsOfAccount, content, createCombined,
  transaction: (em, work) => em.transactional(work),
  recipientRecords: loadRecipientFields,
  recordTestSend: (em, send, now) => messageOriginRepository.recordTestSend(em, send, now),
  // Created with the defaults on first start (boot.ts), so the base URL given here is never used.
  settings: (em) => settingsRepository.get(em, ''),
  account, accountsOf, nextSends, setNextSend, setHealth,
};
