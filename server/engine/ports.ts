import type Mail from 'nodemailer/lib/mailer/index.js';
import type { SmtpOutcome } from '../domain/smtp-outcome.js';
import type { DomainEvent } from '../domain/events.js';
import type { Orm } from '../db/orm.js';
import type { SecretBox } from '../security/secret-box.js';

/**
 * What the engine needs from the outside world, declared by the engine (the consumer), as
 * listmonk's manager declares Store and Messenger. server/boot.ts wires the real ones.
 */

/** Sends one built message through one account's SMTP server. */
export interface Transport {
  send(account: SmtpAccount, password: string, message: Mail.Options): Promise<SmtpOutcome>;
  close(accountId?: number): Promise<void> | void;
}

export interface SmtpAccount {
  id: number;
  smtpHost: string;
  smtpPort: number;
  smtpSecurity: 'tls' | 'starttls' | 'none';
  smtpUser: string;
  smtpPasswordEnc: string;
}

/** Where domain events go (the live hub, a test's recorder). */
export interface EventSink {
  emit(event: DomainEvent): void;
}

export type Clock = () => Date;

/** Everything the engine's modules share, built once by the composition root. */
export interface EngineContext {
  orm: Orm;
  secrets: SecretBox;
  transport: Transport;
  events: EventSink;
  now: Clock;
  random: () => number;
  /** How long a claimed row may stay `sending` before recovery calls it uncertain. */
  leaseMs: number;
}
