// Written by scripts/migration-create.ts: the migrations of this dialect, oldest first.
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127043522_initial } from './Migration20261127043522_initial.js';
import { Migration20261127044301_engine } from './Migration20261127044301_engine.js';
import { Migration20261127045435_next_send_at } from './Migration20261127045435_next_send_at.js';
import { Migration20261127045956_business_days_text } from './Migration20261127045956_business_days_text.js';
import { Migration20261127054015_ledger_sent_index } from './Migration20261127054015_ledger_sent_index.js';
import { Migration20261127074208_claim_indexes } from './Migration20261127074208_claim_indexes.js';
import { Migration20261127081456_list_indexes } from './Migration20261127081456_list_indexes.js';
import { Migration20261127103415_completion } from './Migration20261127103415_completion.js';
import { Migration20261206015143_ledger_claimed_by } from './Migration20261206015143_ledger_claimed_by.js';
import { Migration20261206015419_rate_limits } from './Migration20261206015419_rate_limits.js';
import { Migration20261206015627_outbox_attribution } from './Migration20261206015627_outbox_attribution.js';
import { Migration20261206020426_keep_attempts_on_restart } from './Migration20261206020426_keep_attempts_on_restart.js';
import { Migration20261206022250_live_revocations } from './Migration20261206022250_live_revocations.js';
import { Migration20261206043743_mailbox_feedback } from './Migration20261206043743_mailbox_feedback.js';
import { Migration20261206045257_ledger_recipient_index } from './Migration20261206045257_ledger_recipient_index.js';
import { Migration20261206054436_oauth_mailboxes } from './Migration20261206054436_oauth_mailboxes.js';
import { Migration20261206054848_message_attachments } from './Migration20261206054848_message_attachments.js';
import { Migration20261206072224_oauth_password_optional } from './Migration20261206072224_oauth_password_optional.js';
import { Migration20261206072341_user_locale } from './Migration20261206072341_user_locale.js';
import { Migration20261206083524_notification_params } from './Migration20261206083524_notification_params.js';
import { Migration20261206090416_mailing_status_detail } from './Migration20261206090416_mailing_status_detail.js';
import { Migration20261206091513_account_health_detail } from './Migration20261206091513_account_health_detail.js';
import { Migration20261206091841_inbox_health_detail } from './Migration20261206091841_inbox_health_detail.js';
import { Migration20261206113500_recipient_outcome } from './Migration20261206113500_recipient_outcome.js';

export const migrations: MigrationObject[] = [{ name: 'Migration20261127043522_initial', class: Migration20261127043522_initial }, { name: 'Migration20261127044301_engine', class: Migration20261127044301_engine }, { name: 'Migration20261127045435_next_send_at', class: Migration20261127045435_next_send_at }, { name: 'Migration20261127045956_business_days_text', class: Migration20261127045956_business_days_text }, { name: 'Migration20261127054015_ledger_sent_index', class: Migration20261127054015_ledger_sent_index }, { name: 'Migration20261127074208_claim_indexes', class: Migration20261127074208_claim_indexes }, { name: 'Migration20261127081456_list_indexes', class: Migration20261127081456_list_indexes }, { name: 'Migration20261127103415_completion', class: Migration20261127103415_completion }, { name: 'Migration20261206015143_ledger_claimed_by', class: Migration20261206015143_ledger_claimed_by }, { name: 'Migration20261206015419_rate_limits', class: Migration20261206015419_rate_limits }, { name: 'Migration20261206015627_outbox_attribution', class: Migration20261206015627_outbox_attribution }, { name: 'Migration20261206020426_keep_attempts_on_restart', class: Migration20261206020426_keep_attempts_on_restart }, { name: 'Migration20261206022250_live_revocations', class: Migration20261206022250_live_revocations }, { name: 'Migration20261206043743_mailbox_feedback', class: Migration20261206043743_mailbox_feedback }, { name: 'Migration20261206045257_ledger_recipient_index', class: Migration20261206045257_ledger_recipient_index }, { name: 'Migration20261206054436_oauth_mailboxes', class: Migration20261206054436_oauth_mailboxes }, { name: 'Migration20261206054848_message_attachments', class: Migration20261206054848_message_attachments }, { name: 'Migration20261206072224_oauth_password_optional', class: Migration20261206072224_oauth_password_optional }, { name: 'Migration20261206072341_user_locale', class: Migration20261206072341_user_locale }, { name: 'Migration20261206083524_notification_params', class: Migration20261206083524_notification_params }, { name: 'Migration20261206090416_mailing_status_detail', class: Migration20261206090416_mailing_status_detail }, { name: 'Migration20261206091513_account_health_detail', class: Migration20261206091513_account_health_detail }, { name: 'Migration20261206091841_inbox_health_detail', class: Migration20261206091841_inbox_health_detail }, { name: 'Migration20261206113500_recipient_outcome', class: Migration20261206113500_recipient_outcome }];
