// What the benchmark's mailbox holds and which ledger row each answer is about. Pure and seeded,
// so the process that fills the mailbox and the one that seeds the database agree on every row
// without passing anything but the anchor time between them.
import { createHash } from 'node:crypto';
import { seededRandom } from '../../server/domain/seeded-random.js';

/** The mailbox's share of each kind (issue #13). */
export const MIX = { unrelated: 0.4, hard_bounce: 0.25, soft_bounce: 0.1, reply: 0.1, auto_reply: 0.1, complaint: 0.05 } as const;
export type PlannedKind = keyof typeof MIX;

/**
 * The ledger the answers are about: the account sent the same 10,000 companies four mailings a
 * week apart, one message every 30 s; the last one is still running (its first 8,000 sent, the
 * rest queued), so a reply also stops what is queued for its sender.
 */
export const LEDGER = { companies: 10_000, mailings: 4, sentOfLast: 8_000, everyMs: 30_000, weekMs: 7 * 86_400_000 } as const;
/** The account whose inbox is read: the first one bench/lib/fixtures.ts seedSender makes. */
export const SENDER = { email: 'sender1@bench.test', password: 'bench-imap', domain: 'bench.test' } as const;
export const COMPANY_DOMAIN = 'customers.bench.test';

export interface Row {
  /** Database ids: the scratch database numbers mailings and companies from 1. */
  mailingId: number;
  companyId: number;
}

export interface Planned {
  kind: PlannedKind;
  /** The ledger row the message answers; null for unrelated mail. */
  row: Row | null;
}

export const companyEmail = (companyId: number) => `c${companyId - 1}@${COMPANY_DOMAIN}`;

/** The Message-ID the engine gave the row when it sent it (its shape: 32 hex digits at the sender's domain). */
export const messageIdOf = (row: Row) => `<${createHash('md5').update(`${row.mailingId}.${row.companyId}`).digest('hex')}@${SENDER.domain}>`;

/** When the row was sent: mailing 1 four weeks before the anchor, each next one a week later. */
export const sentAt = (anchor: number, row: Row) => new Date(anchor - (LEDGER.mailings + 1 - row.mailingId) * LEDGER.weekMs + row.companyId * LEDGER.everyMs);

/** When its answer was written: two hours after the send (always before the anchor). */
export const answeredAt = (anchor: number, row: Row) => new Date(sentAt(anchor, row).getTime() + 2 * 3_600_000);

export const isSent = (row: Row) => row.mailingId < LEDGER.mailings || row.companyId <= LEDGER.sentOfLast;

/**
 * `count` messages in a seeded random order, with exactly each kind's share. Each answer is about
 * a different company (so every one must change a row), in one of the four mailings; an answer
 * drawn for a row of the last mailing that is still queued goes to the third one instead.
 */
export function planMailbox(count: number): Planned[] {
  const kinds = (Object.entries(MIX) as [PlannedKind, number][]).flatMap(([kind, share]) => Array<PlannedKind>(Math.round(share * count)).fill(kind));
  if (kinds.length !== count) throw new Error(`the mix does not divide ${count} messages evenly`);
  const random = seededRandom(13);
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  let answers = 0;
  return kinds.map((kind) => {
    if (kind === 'unrelated') return { kind, row: null };
    if (answers >= LEDGER.companies) throw new Error(`more answers than the ${LEDGER.companies} companies`);
    // 7919 is prime to 10,000: every answer gets a company of its own, spread over the ledger.
    const companyId = 1 + ((answers * 7919) % LEDGER.companies);
    const drawn = { mailingId: 1 + (answers++ % LEDGER.mailings), companyId };
    return { kind, row: isSent(drawn) ? drawn : { mailingId: LEDGER.mailings - 1, companyId } };
  });
}
