import type { Services } from '../services.js';
import type { Em } from '../db/orm.js';
import type { AuthUser } from '../security/session.js';
import type { RateLimits } from './rate-limits.js';

export interface AppEnv {
  Variables: {
    services: Services;
    /** The API's rate limits, counted in the database. */
    limits: RateLimits;
    em: Em;
    user: AuthUser | null;
    sessionToken: string | null;
  };
}

/** The env of a route behind `requireUser`: the user is always there. */
export interface AuthedEnv {
  Variables: AppEnv['Variables'] & { user: AuthUser };
}
