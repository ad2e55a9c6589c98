import type { MailingStatus } from './mailing-status.js';
import type { Refusal } from './refusals.js';

export interface Combinable {
  id: number;
  messageId: number | null;
  recipientType: string;
  ownerId: number;
  status: MailingStatus;
}

/**
 * Why these mailings cannot be merged into one, or [] when they can: the seed's rules (same
 * message, same recipient type, same owner) plus what merging needs (two or more, none finished).
 */
export function combineProblems(mailings: readonly Combinable[]): Refusal[] {
  const problems: Refusal[] = [];
  if (mailings.length < 2) problems.push({ reason: 'combine_too_few', params: {} });
  if (new Set(mailings.map((m) => m.messageId)).size > 1 || mailings.some((m) => m.messageId === null)) problems.push({ reason: 'combine_other_message', params: {} });
  if (new Set(mailings.map((m) => m.recipientType)).size > 1) problems.push({ reason: 'combine_other_type', params: {} });
  if (new Set(mailings.map((m) => m.ownerId)).size > 1) problems.push({ reason: 'combine_other_owner', params: {} });
  const finished = mailings.filter((m) => m.status === 'done' || m.status === 'cancelled');
  if (finished.length) problems.push({ reason: 'combine_finished', params: { ids: finished.map((m) => m.id) } });
  return problems;
}
