import { createRouter } from '../router.js';
import { sessionRoutes } from './session.js';
import { healthRoutes } from './health.js';
import { KINDS, recipientRoutes } from './recipients.js';
import { mailingRoutes } from './mailings.js';
import { userRoutes } from './users.js';
import { departmentRoutes } from './departments.js';
import { accountRoutes } from './accounts.js';
import { inboxRoutes } from './inboxes.js';
import { signatureRoutes } from './signatures.js';
import { messageRoutes } from './messages.js';
import { messageAttachmentRoutes } from './message-attachments.js';
import { settingsRoutes } from './settings.js';
import { outboxRoutes } from './outbox.js';
import { oauthCallbackRoutes, oauthClientRoutes, oauthConnectRoutes } from './oauth.js';

/** Every resource under /api, one router per resource. */
export function apiRoutes() {
  return createRouter()
    .route('/session', sessionRoutes())
    .route('/health', healthRoutes())
    .route('/companies', recipientRoutes(KINDS.company))
    .route('/contacts', recipientRoutes(KINDS.contact))
    .route('/leads', recipientRoutes(KINDS.lead))
    .route('/mailings', mailingRoutes())
    .route('/users', userRoutes())
    .route('/departments', departmentRoutes())
    .route('/accounts', accountRoutes())
    .route('/accounts', inboxRoutes())
    .route('/accounts', oauthConnectRoutes())
    .route('/oauth', oauthCallbackRoutes())
    .route('/signatures', signatureRoutes())
    .route('/messages', messageRoutes())
    .route('/settings/oauth', oauthClientRoutes())
    .route('/messages', messageAttachmentRoutes())
    .route('/settings', settingsRoutes())
    .route('/outbox', outboxRoutes());
}
