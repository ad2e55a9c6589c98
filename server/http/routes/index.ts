import { createRouter } from '../router.js';
import { sessionRoutes } from './session.js';
import { healthRoutes } from './health.js';
import { KINDS, recipientRoutes } from './recipients.js';

/** Every resource under /api, one router per resource. */
export function apiRoutes() {
  return createRouter()
    .route('/session', sessionRoutes())
    .route('/health', healthRoutes())
    .route('/companies', recipientRoutes(KINDS.company))
    .route('/contacts', recipientRoutes(KINDS.contact))
    .route('/leads', recipientRoutes(KINDS.lead));
}
