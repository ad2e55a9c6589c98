import { defineEntity, type InferEntity, type Opt } from '@mikro-orm/core';
import { UserSchema } from './user.entity.js';
import { DepartmentSchema } from './department.entity.js';
import { MessageSchema } from './message.entity.js';
import { SignatureSchema } from './signature.entity.js';
import { MAILING_STATUSES } from '../../domain/mailing-status.js';
import { RECIPIENT_TYPES } from '../../domain/recipient-types.js';
import type { StatusDetail } from '../../domain/mailing-notes.js';
import { PortableJsonType } from '../portable-json-type.js';

/**
 * One message to one recipient type, owned by one sales manager. The counters mirror the
 * recipients ledger and are only ever changed by SQL expressions (never read-modify-write).
 */
export const MailingSchema = defineEntity({
  name: 'Mailing',
  tableName: 'mailings',
  indexes: [
    { properties: ['department', 'status'] },
    { properties: ['owner', 'status'] },
    // The list's filters, counts and sorts at 100,000 mailings (bench/list-at-scale), alone and
    // within a department (what most users see). These columns change rarely; last_sent_at once per
    // batch of sends, and it finds the mailings that sent today.
    { properties: ['department', 'owner'] },
    { properties: ['department', 'recipientType'] },
    { properties: ['department', 'vip'] },
    { properties: ['department', 'name'] },
    { properties: ['recipientType'] },
    { properties: ['vip'] },
    { properties: ['total'] },
    { properties: ['lastSentAt'] },
    { properties: ['completion'] },
    { properties: ['department', 'completion'] },
  ],
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    name: p.string().length(200).index(),
    recipientType: p.enum([...RECIPIENT_TYPES]),
    status: p.enum([...MAILING_STATUSES]).index(),
    /** The English copy of `statusDetail`, for API clients and logs. */
    statusReason: p.string().length(500).nullable(),
    /** Why it is in its status, as values the UI words (server/domain/mailing-notes.ts). */
    statusDetail: p.json<StatusDetail>().type(PortableJsonType).nullable(),
    message: p.manyToOne(MessageSchema).ref().nullable().deleteRule('set null'),
    signature: p.manyToOne(SignatureSchema).ref().nullable().deleteRule('set null'),
    owner: p.manyToOne(UserSchema).ref(),
    department: p.manyToOne(DepartmentSchema).ref(),
    vip: p.boolean().default(false),
    total: p.integer().default(0),
    sentCount: p.integer().default(0),
    failedCount: p.integer().default(0),
    skippedCount: p.integer().default(0),
    uncertainCount: p.integer().default(0),
    /** Rows with mailbox feedback: hard and soft bounces, complaints, replies (server/domain/recipient-states.ts). */
    bouncedCount: p.integer().default(0),
    complainedCount: p.integer().default(0),
    repliedCount: p.integer().default(0),
    /** A reply from one recipient stops the owner's mailings to everyone at the same company. */
    stopCompanyOnReply: p.boolean().default(false),
    /**
     * `completion()` of the domain, worked out by the database so the list can sort by it through an
     * index. Integer division spelled so that MariaDB (decimal division) and SQLite agree exactly.
     */
    completion: p.integer().$type<Opt<number>>().generated((cols) => {
      const mailable = `(${cols.total} - ${cols.skippedCount})`;
      return `(case when ${mailable} > 0 then (100 * ${cols.sentCount} - (100 * ${cols.sentCount}) % ${mailable}) / ${mailable} else 100 end) virtual`;
    }),
    combinedInto: p.integer().nullable(),
    /** When this mailing last sent through any account: the owner's mailings take turns by it. */
    lastSentAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()).index(),
    finishedAt: p.datetime().nullable(),
  }),
});

export type Mailing = InferEntity<typeof MailingSchema>;
