import { afterAll, describe, expect, it } from 'vitest';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { Em } from '../../server/db/orm.js';
import type { EmailAccount } from '../../server/db/entities/email-account.entity.js';
import type { Settings } from '../../server/db/entities/settings.entity.js';
import type { ClaimedRecipient } from '../../server/db/repositories/ledger.repository.js';
import { DEFAULT_SETTINGS } from '../../server/db/repositories/settings.repository.js';
import type { DomainEvent } from '../../server/domain/events.js';
import type { SmtpOutcome } from '../../server/domain/smtp-outcome.js';
import { retryDelayMs } from '../../server/domain/smtp-outcome.js';
import { deliverBatch, type MailingContent } from '../../server/engine/delivery.js';
import type { EngineContext } from '../../server/engine/ports.js';
import { closeRenderPool } from '../../server/mail/render-pool.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { OAuthGrantError } from '../../server/domain/oauth-providers.js';
import { memoryLedger, type MemoryRow } from '../support/memory-ledger.js';

const NOW = new Date('2026-03-02T10:00:00Z');
const CLAIM = 'test-run';
const secrets = new SecretBox(Buffer.alloc(32, 7));
// The memory ledger never touches the unit of work; the engine only passes it along.
const em = {} as Em;
// Only the fields composing and sending read.
const account = { id: 10, fromName: 'Sales', fromEmail: 'sales@example.test', smtpPasswordEnc: secrets.encrypt('secret'), department: { id: 1 }, owner: { id: 1 } } as unknown as EmailAccount;
const settings = { ...DEFAULT_SETTINGS, publicBaseUrl: 'https://mailroom.example.test' } as Settings;
const head = { id: 5, status: 'active' as const, ownerId: 1, departmentId: 1, recipientType: 'company', messageId: 1, signatureId: null };
const mailing: MailingContent = { head, content: { subject: 'Hello {{ name }}', html: '<p>Hello {{ name }}</p>', text: null }, signature: null, attachments: [], locale: 'en' };

afterAll(closeRenderPool);

/** A run that claimed one row per SMTP reply, sent through a transport that answers with them in turn. */
function runWith(replies: SmtpOutcome[], smtp: EngineContext['credentials']['smtp'] = async (_em, a) => ({ kind: 'password', password: secrets.decrypt(a.smtpPasswordEnc!) })) {
  const rows: MemoryRow[] = replies.map((_, i) => ({ id: i + 1, mailingId: head.id, vip: false, accountId: account.id, state: 'sending', claim: CLAIM }));
  const records = new Map(rows.map((r) => [r.id, { mailable: true, fields: { email: `c${r.id}@example.test`, country: null, name: `Company ${r.id}`, website: null } }]));
  const data = { mailings: [{ ...head }], rows, accounts: [{ id: account.id, ownerId: 1, main: false, massMailEnabled: true, health: 'ok' as const }], records };
  const { ledger, notes } = memoryLedger(data);
  const events: DomainEvent[] = [];
  const sent: Mail.Options[] = [];
  const ctx: EngineContext = {
    ledger, secrets, now: () => NOW, wallClock: () => NOW.getTime(), random: () => 0, leaseMs: 60_000, unitOfWork: () => em,
    events: { emit: (e) => events.push(e) },
    transport: { send: async (_a, _p, message) => (sent.push(message), replies[sent.length - 1]), close: () => undefined },
    credentials: { smtp, inbox: () => Promise.reject(new Error('a send reads no inbox')) },
  };
  const claimed: ClaimedRecipient[] = rows.map((r) => ({ id: r.id, mailingId: head.id, recipientId: r.id, email: `c${r.id}@example.test`, name: null, vip: false, attempts: 1, round: 1, accountId: account.id, claim: CLAIM }));
  return { ...data, notes, events, sent, run: () => deliverBatch(ctx, em, account, settings, claimed, mailing, () => false) };
}

describe('deliverBatch', () => {
  // Each SMTP outcome has its own handling: accepted is recorded as sent, a refused recipient
  // fails alone (the mailing goes on, marked with an error), a temporary refusal waits for its
  // backoff, and a reply after DATA that never came is uncertain, never resent.
  it('records each outcome of a run as its own class says', async () => {
    const t = runWith([
      { kind: 'sent', messageId: '<a@x>', reply: '250 OK' },
      { kind: 'recipient', code: 550, reply: '550 No such user' },
      { kind: 'temporary', code: 451, reply: '451 Try later' },
      { kind: 'uncertain', code: null, reply: 'Connection lost' },
    ]);
    const result = await t.run();
    expect(result).toEqual({ sent: 1, stopped: null });
    expect(t.sent.map((m) => m.subject)).toEqual(['Hello Company 1', 'Hello Company 2', 'Hello Company 3', 'Hello Company 4']);
    expect(t.rows.map((r) => r.state)).toEqual(['sent', 'failed', 'pending', 'uncertain']);
    expect(t.rows[2].dueAt).toEqual(new Date(NOW.getTime() + retryDelayMs(1)));
    expect(t.events.map((e) => e.type)).toEqual(['recipient.failed', 'mailing.notification', 'mailing.status', 'recipient.retrying', 'recipient.uncertain', 'recipient.sent']);
    expect(t.notes.map((n) => n.kind)).toEqual(['recipient_failed', 'uncertain']);
  });

  // A refused mailbox is the account's fault, not the recipients': this row and the rest go back
  // to the queue (never failed, never uncertain), the account turns red and the run stops; with
  // no other account to take them, the mailing is interrupted.
  it('gives the rest back to the queue and switches the account off when the server refuses it', async () => {
    const t = runWith([
      { kind: 'sent', messageId: '<a@x>', reply: '250 OK' },
      { kind: 'account', health: 'auth_failed', code: 535, reply: '535 Authentication failed' },
      { kind: 'sent', messageId: '<c@x>', reply: '250 OK' },
    ]);
    expect(await t.run()).toEqual({ sent: 1, stopped: 'account' });
    expect(t.rows.map((r) => r.state)).toEqual(['sent', 'pending', 'pending']);
    expect(t.sent).toHaveLength(2);
    expect(t.accounts[0].health).toBe('auth_failed');
    expect(t.mailings[0].status).toBe('interrupted');
    expect(t.events.filter((e) => e.type === 'account.health')).toMatchObject([{ accountId: account.id, health: 'auth_failed', reason: '535 Authentication failed' }]);
  });

  // An OAuth mailbox whose grant was revoked (or lacks a scope) is refused before any SMTP: never a
  // silent failure. Nothing is sent, every claim goes back, the account turns red with the reason.
  it('switches the account off when its OAuth grant is revoked, and sends nothing', async () => {
    const revoked = () => Promise.reject(new OAuthGrantError('revoked', { cause: 'refused', reply: 'invalid_grant' }));
    const t = runWith([{ kind: 'sent', messageId: '<a@x>', reply: '250 OK' }, { kind: 'sent', messageId: '<b@x>', reply: '250 OK' }], revoked);
    expect(await t.run()).toEqual({ sent: 0, stopped: 'account' });
    expect(t.sent).toHaveLength(0);
    expect(t.rows.map((r) => r.state)).toEqual(['pending', 'pending']);
    expect(t.accounts[0].health).toBe('auth_failed');
    expect(t.events.filter((e) => e.type === 'account.health')).toMatchObject([
      { accountId: account.id, health: 'auth_failed', reason: expect.stringContaining('reconnect the account'), detail: { code: 'oauth_refused', grant: { cause: 'refused', reply: 'invalid_grant' } } },
    ]);
  });

  // A provider out of reach is no verdict on the account: the claims go back, its health stays.
  it('gives the claims back without a verdict when the provider cannot be reached', async () => {
    const down = () => Promise.reject(new OAuthGrantError('unavailable', { cause: 'unreachable', reply: 'fetch failed' }));
    const t = runWith([{ kind: 'sent', messageId: '<a@x>', reply: '250 OK' }], down);
    expect(await t.run()).toEqual({ sent: 0, stopped: 'account' });
    expect(t.rows.map((r) => r.state)).toEqual(['pending']);
    expect(t.accounts[0].health).toBe('ok');
  });
});
