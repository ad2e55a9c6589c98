import type { MemorySummary } from './memory.js';

/** What one round of one variant reports to the coordinator (the last line of its output). */
export interface RoundResult {
  variant: 'baseline' | 'intake';
  messages: number;
  /** Wall time from connecting to the last message done. */
  seconds: number;
  perSecond: number;
  memory: MemorySummary;
  /** Milliseconds by stage: `fetchMs` waiting for the server; the baseline's `parseMs`; the intake's `classifyMs` and `transactionMs` (overlapping). */
  stages: Record<string, number>;
  /** The intake: messages that changed something, and after how many messages the account's breaker stopped it (null: it did not). */
  acted?: number;
  breakerAt?: number | null;
}
