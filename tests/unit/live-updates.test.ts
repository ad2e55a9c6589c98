import { describe, expect, it } from 'vitest';
import { withRecipientChange, type RecipientRow } from '../../src/lib/mailings/live-updates.js';

const sentRow: RecipientRow = {
  id: 7, recipientId: 3, email: 'a@x.test', name: null, vip: false, accountId: 2, state: 'sent', attempts: 1, dueAt: null, lastReply: '250 OK queued',
  messageId: '<m@x>', sentAt: '2026-03-01T10:00:00.000Z', claimedBy: null, feedback: null, feedbackAt: null, feedbackStatus: null, feedbackNote: null, suppression: null, outcome: null,
};

describe('withRecipientChange', () => {
  // A mailbox's answer arrives days after the send: it adds the answer and leaves the send as it
  // was (its time, account and SMTP reply), though the push carries the answer's own time.
  it('adds a mailbox answer without touching the send', () => {
    const at = '2026-03-03T08:00:00.000Z';
    const row = withRecipientChange(sentRow, { rowId: 7, email: 'a@x.test', state: 'sent', accountId: null, reply: null, feedback: { feedback: 'bounced', status: '5.1.1', note: 'User unknown' }, at });
    expect(row).toEqual({ ...sentRow, feedback: 'bounced', feedbackStatus: '5.1.1', feedbackNote: 'User unknown', feedbackAt: at });
  });

  // A state change still moves the state, the account, the reply and (when sent) the send time.
  it('applies a state change as before', () => {
    const pending = { ...sentRow, state: 'pending' as const, sentAt: null, lastReply: null };
    expect(withRecipientChange(pending, { rowId: 7, email: 'a@x.test', state: 'retrying', accountId: 4, reply: '451 later', at: '2026-03-01T09:00:00.000Z' })).toMatchObject({ state: 'pending', retrying: true, accountId: 4, lastReply: '451 later', sentAt: null });
    expect(withRecipientChange(pending, { rowId: 7, email: 'a@x.test', state: 'sent', accountId: 4, reply: null, at: '2026-03-01T09:05:00.000Z' })).toMatchObject({ state: 'sent', retrying: false, sentAt: '2026-03-01T09:05:00.000Z' });
  });

  // Mailroom's own outcome and a server's reply each replace the other: the row says one reason.
  it('takes a pushed outcome in place of the reply, and a later reply in place of the outcome', () => {
    const sending = { ...sentRow, state: 'sending' as const, sentAt: null, lastReply: '451 later' };
    const lost = withRecipientChange(sending, { rowId: 7, email: 'a@x.test', state: 'uncertain', accountId: null, reply: null, outcome: { code: 'worker_stopped' }, at: '2026-03-01T09:00:00.000Z' });
    expect(lost).toMatchObject({ state: 'uncertain', outcome: { code: 'worker_stopped' }, lastReply: null });
    expect(withRecipientChange(lost, { rowId: 7, email: 'a@x.test', state: 'failed', accountId: 4, reply: '550 no such user', at: '2026-03-01T10:00:00.000Z' })).toMatchObject({ state: 'failed', outcome: null, lastReply: '550 no such user' });
  });
});
