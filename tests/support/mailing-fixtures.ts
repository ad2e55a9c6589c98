import type { User } from '../../server/db/entities/user.entity.js';
import { MailingSchema, type Mailing } from '../../server/db/entities/mailing.entity.js';
import { MailingRecipientSchema } from '../../server/db/entities/mailing-recipient.entity.js';
import { settingsRepository } from '../../server/db/repositories/settings.repository.js';
import { createMailings } from '../../server/engine/create-mailings.js';
import type { TestApp } from './test-app.js';
import type { Knex } from '@mikro-orm/knex';

/**
 * Mailings in a given state, made as Make Massmail makes them and then moved as the engine would
 * have moved them, for tests of what users may do to them. The owner needs an account that can send.
 */

/**
 * - `active`: every recipient pending.
 * - `failing`: Active but error, the first recipient failed, the others pending (it can restart).
 * - `paused`, `interrupted`: every recipient pending.
 * - `done`: every recipient sent.
 * - `cancelled`: every recipient skipped.
 */
export type MailingFixtureState = 'active' | 'failing' | 'paused' | 'interrupted' | 'done' | 'cancelled';

export interface MailingFixture {
  owner: User;
  messageId: number;
  /** Companies of the owner with an address; the mailing goes to all of them. */
  companyIds: number[];
  state: MailingFixtureState;
}

export async function makeMailing(t: TestApp, f: MailingFixture): Promise<number> {
  const em = t.services.orm.em.fork();
  const actor = { id: f.owner.id, role: f.owner.role, departmentId: f.owner.department!.id };
  const settings = await settingsRepository.get(em, t.services.config.publicUrl);
  const request = { messageId: f.messageId, selections: { company: { ids: f.companyIds } }, start: f.state === 'paused' ? ('paused' as const) : ('active' as const) };
  const { mailings, reports } = await createMailings(em, actor, request, settings, new Date());
  if (!mailings.length) throw new Error(`the fixture mailing was refused: ${reports.flatMap((r) => r.errors).join('; ')}`);
  const id = mailings[0].id;
  const total = mailings[0].total;
  /** Moves the recipients (or only the first) to `state`, and the mailing's status and counters with them. */
  const ledger = async (state: 'failed' | 'sent' | 'skipped', mailing: Partial<Pick<Mailing, 'status' | 'failedCount' | 'sentCount' | 'skippedCount' | 'finishedAt'>>, first = false) => {
    const rows = await em.find(MailingRecipientSchema, { mailing: id }, { orderBy: { id: 'asc' }, limit: first ? 1 : undefined });
    await em.nativeUpdate(MailingRecipientSchema, { id: { $in: rows.map((r) => r.id) } }, { state });
    await em.nativeUpdate(MailingSchema, { id }, mailing);
  };
  switch (f.state) {
    case 'failing':
      if (total < 2) throw new Error('a failing fixture mailing needs two recipients: one failed, one pending');
      await ledger('failed', { status: 'active_error', failedCount: 1 }, true);
      break;
    case 'interrupted':
      await em.nativeUpdate(MailingSchema, { id }, { status: 'interrupted', statusReason: 'No account of the owner can send' });
      break;
    case 'done':
      await ledger('sent', { status: 'done', sentCount: total, finishedAt: new Date() });
      break;
    case 'cancelled':
      await ledger('skipped', { status: 'cancelled', skippedCount: total, finishedAt: new Date() });
      break;
  }
  return id;
}

/** The mailing's status and its recipients' states: equal before and after means nothing was done to it. */
export async function mailingState(t: TestApp, id: number): Promise<{ status: string | null; recipients: string[] }> {
  const em = t.services.orm.em.fork();
  const mailing = await em.findOne(MailingSchema, { id });
  const rows = await em.find(MailingRecipientSchema, { mailing: id }, { orderBy: { id: 'asc' } });
  return { status: mailing?.status ?? null, recipients: rows.map((r) => `${r.email}:${r.state}`) };
}

/** A mailing's ledger rows as sending leaves them: sent at `sentAt`, each with its own Message-ID (which answers quote). */
export async function markSent(knex: Knex, mailingId: number, sentAt: Date): Promise<void> {
  for (const id of await knex('mailing_recipients').where({ mailing_id: mailingId }).pluck('id')) {
    await knex('mailing_recipients').where({ id }).update({ state: 'sent', sent_at: sentAt, attempts: 1, message_id: `<sent-${id}@fixtures.test>` });
  }
}
