import { DepartmentSchema } from './department.entity.js';
import { UserSchema } from './user.entity.js';
import { SessionSchema } from './session.entity.js';
import { CompanySchema } from './company.entity.js';
import { ContactSchema } from './contact.entity.js';
import { LeadSchema } from './lead.entity.js';
import { EmailAccountSchema } from './email-account.entity.js';
import { SignatureSchema } from './signature.entity.js';
import { MessageSchema } from './message.entity.js';
import { MailingSchema } from './mailing.entity.js';
import { MailingRecipientSchema } from './mailing-recipient.entity.js';
import { MailingEventSchema } from './mailing-event.entity.js';
import { SuppressionSchema } from './suppression.entity.js';
import { SettingsSchema } from './settings.entity.js';

export const entities = [
  DepartmentSchema,
  UserSchema,
  SessionSchema,
  CompanySchema,
  ContactSchema,
  LeadSchema,
  EmailAccountSchema,
  SignatureSchema,
  MessageSchema,
  MailingSchema,
  MailingRecipientSchema,
  MailingEventSchema,
  SuppressionSchema,
  SettingsSchema,
];

export {
  DepartmentSchema,
  UserSchema,
  SessionSchema,
  CompanySchema,
  ContactSchema,
  LeadSchema,
  EmailAccountSchema,
  SignatureSchema,
  MessageSchema,
  MailingSchema,
  MailingRecipientSchema,
  MailingEventSchema,
  SuppressionSchema,
  SettingsSchema,
};
