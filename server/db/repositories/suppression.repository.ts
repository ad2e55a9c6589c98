import type { Em } from '../orm.js';
import { MailingEventSchema, MailingRecipientSchema, SuppressionSchema } from '../entities/index.js';
import { recorded } from '../../domain/mailing-notes.js';
import type { Suppression } from '../entities/suppression.entity.js';
import { anyRecipientSchema } from './recipient.repository.js';
import { knexOf } from '../knex.js';
import { locked } from './locked.js';

/**
 * The suppression list (addresses no mailing may mail again) and the unsubscribe that feeds it.
 * Addresses are kept lower-case, the form the CRM stores them in, so one person is one row.
 */

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** What an unsubscribe link points at: the ledger row's address and mailing. */
export interface UnsubscribeTarget {
  rowId: number;
  email: string;
  mailingId: number;
  departmentId: number;
  ownerId: number;
  /** True when the address is already on the suppression list. */
  suppressed: boolean;
}

export interface UnsubscribeResult extends UnsubscribeTarget {
  /** The address was added to the suppression list by this call. */
  newlySuppressed: boolean;
  /** The CRM record's mass-mailing opt-in was switched off by this call. */
  optInCleared: boolean;
}

export const suppressionRepository = {
  /** Adds the address unless it is already there (the first reason stays). True when this call added it. */
  async suppress(em: Em, email: string, reason: string, source: string | null, now: Date): Promise<boolean> {
    // The unique key decides, so two concurrent unsubscribes of one address leave one row.
    const result = await em
      .createQueryBuilder(SuppressionSchema)
      .insert({ email: normaliseEmail(email), reason, source, createdAt: now })
      .onConflict('email')
      .ignore()
      .execute('run');
    return result.affectedRows > 0;
  },

  /**
   * Adds the addresses not there yet (the first reason stays, of the list's too); returns the ones
   * it added. The addresses are read locked first, so an address two transactions add at once is
   * added by one of them.
   */
  async suppressAll(em: Em, entries: { email: string; reason: string; source: string | null }[], now: Date): Promise<Set<string>> {
    const knex = knexOf(em);
    const distinct = new Map<string, { reason: string; source: string | null }>();
    for (const e of entries) if (!distinct.has(normaliseEmail(e.email))) distinct.set(normaliseEmail(e.email), e);
    if (!distinct.size) return new Set();
    const known = new Set((await locked(knex, knex('suppressions').whereIn('email', [...distinct.keys()]).select('email'))).map((r: { email: string }) => normaliseEmail(r.email)));
    const fresh = [...distinct].filter(([email]) => !known.has(email));
    if (fresh.length) await knex('suppressions').insert(fresh.map(([email, e]) => ({ email, reason: e.reason, source: e.source, created_at: now })));
    return new Set(fresh.map(([email]) => email));
  },

  /** Which of these (already normalised) addresses are on the list, in one query. */
  async suppressedAmong(em: Em, emails: string[]): Promise<Set<string>> {
    if (!emails.length) return new Set();
    return new Set(await knexOf(em)('suppressions').whereIn('email', emails).pluck('email'));
  },

  /** The entries of these (already normalised) addresses, by address, in one query on the unique key: a page of the ledger shows why each is suppressed. */
  async entriesOf(em: Em, emails: string[]): Promise<Map<string, Suppression>> {
    if (!emails.length) return new Map();
    return new Map((await em.find(SuppressionSchema, { email: { $in: [...new Set(emails)] } })).map((s) => [s.email, s]));
  },

  async isSuppressed(em: Em, email: string): Promise<boolean> {
    return Boolean(await em.findOne(SuppressionSchema, { email: normaliseEmail(email) }, { fields: ['id'] }));
  },

  /** The ledger row an unsubscribe token names, or null when there is none. */
  async target(em: Em, rowId: number): Promise<UnsubscribeTarget | null> {
    const row = await em.findOne(MailingRecipientSchema, { id: rowId }, { populate: ['mailing'] });
    if (!row) return null;
    const mailing = row.mailing.getEntity();
    return {
      rowId,
      email: normaliseEmail(row.email),
      mailingId: mailing.id,
      departmentId: mailing.department.id,
      ownerId: mailing.owner.id,
      suppressed: await suppressionRepository.isSuppressed(em, row.email),
    };
  },

  /**
   * Unsubscribes the recipient of one ledger row, in one transaction: suppresses the address
   * (source `mailing:<id>`), switches off the opt-in of the CRM record the row was made from, and
   * notes it on the mailing. Idempotent: a repeated call changes nothing and writes no event.
   * Pending rows are left alone; the engine skips suppressed addresses when it claims them.
   */
  async unsubscribeLedgerRow(em: Em, rowId: number, now: Date): Promise<UnsubscribeResult | null> {
    return em.transactional(async (tx) => {
      const row = await tx.findOne(MailingRecipientSchema, { id: rowId }, { populate: ['mailing'] });
      if (!row) return null;
      const mailing = row.mailing.getEntity();
      const email = normaliseEmail(row.email);
      const newlySuppressed = await suppressionRepository.suppress(tx, email, 'unsubscribed', `mailing:${mailing.id}`, now);
      const cleared = await tx.nativeUpdate(anyRecipientSchema(mailing.recipientType), { id: row.recipientId, massMailing: true }, { massMailing: false });
      const optInCleared = cleared > 0;
      if (newlySuppressed || optInCleared) {
        await tx.insert(MailingEventSchema, {
          mailing: mailing.id, at: now, level: 'info', ...recorded({ kind: 'unsubscribed', params: { email } }), recipientEmail: email,
        });
      }
      return { rowId, email, mailingId: mailing.id, departmentId: mailing.department.id, ownerId: mailing.owner.id, suppressed: true, newlySuppressed, optInCleared };
    });
  },
};
