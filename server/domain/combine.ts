import type { MailingStatus } from './mailing-status.js';

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
export function combineProblems(mailings: readonly Combinable[]): string[] {
  const problems: string[] = [];
  if (mailings.length < 2) problems.push('Select at least two mailings');
  if (new Set(mailings.map((m) => m.messageId)).size > 1 || mailings.some((m) => m.messageId === null)) problems.push('The mailings must have the same newsletter message');
  if (new Set(mailings.map((m) => m.recipientType)).size > 1) problems.push('The mailings must have the same recipient type');
  if (new Set(mailings.map((m) => m.ownerId)).size > 1) problems.push('The mailings must have the same owner (sales manager)');
  const finished = mailings.filter((m) => m.status === 'done' || m.status === 'cancelled');
  if (finished.length) problems.push(`Finished mailings cannot be combined: #${finished.map((m) => m.id).join(', #')}`);
  return problems;
}
