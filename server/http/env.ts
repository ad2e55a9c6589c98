import type { Services } from '../services.js';
import type { Em } from '../db/orm.js';
import type { Actor } from '../domain/visibility.js';
import type { RateLimits } from './rate-limits.js';

/** The signed-in user as every route sees it. */
export interface AuthUser extends Actor {
  email: string;
  name: string;
  timeZone: string;
}

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
