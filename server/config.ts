import proxyAddr from 'proxy-addr';
import { z } from 'zod';

/** Everything the process reads from its environment, parsed once at start. */
export type Config = ReturnType<typeof loadConfig>;

export type DatabaseTarget =
  | { kind: 'sqlite'; path: string }
  | { kind: 'mysql'; url: string };

export type JobStoreTarget =
  | { kind: 'embedded'; dir: string }
  | { kind: 'mongodb'; url: string }
  | { kind: 'postgres'; url: string };

export class ConfigError extends Error {}

const roles = ['all', 'web', 'worker'] as const;

function parseDatabase(raw: string | undefined, dataDir: string): DatabaseTarget {
  if (!raw) return { kind: 'sqlite', path: `${dataDir}/mailroom.sqlite` };
  if (/^(mysql|mariadb):\/\/[^/]+/.test(raw)) return { kind: 'mysql', url: raw.replace(/^mariadb:/, 'mysql:') };
  if (raw.startsWith('sqlite:')) return { kind: 'sqlite', path: raw.slice('sqlite:'.length).replace(/^\/\//, '') };
  throw new ConfigError(`DATABASE_URL must be mysql://user:pass@host:port/db or sqlite:path, got "${raw}"`);
}

function parseJobStore(raw: string | undefined, dataDir: string): JobStoreTarget {
  if (!raw) return { kind: 'embedded', dir: `${dataDir}/jobs` };
  if (/^mongodb(\+srv)?:\/\/[^/]+/.test(raw)) return { kind: 'mongodb', url: raw };
  if (/^postgres(ql)?:\/\/[^/]+/.test(raw)) return { kind: 'postgres', url: raw };
  throw new ConfigError(`JOBS_URL must be mongodb://… or postgres://…, got "${raw}"`);
}

function parseSeconds(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) throw new ConfigError(`${name} must be a number of seconds (0-86400), got "${raw}"`);
  return seconds * 1000;
}

/** Whether X-Forwarded-For may be believed from `address`, the `hop`-th address from the socket's (0). */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY: the proxies whose X-Forwarded-For is believed, as a comma-separated list of
 * addresses, CIDR networks and proxy-addr's names (`loopback`, `linklocal`, `uniquelocal`).
 * `off` (or 0) trusts none; `on` (or 1) means one proxy on this machine, so `loopback`. A count of
 * proxies is refused: it would believe whatever a client that bypasses the proxy writes.
 */
function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'off' || value === '0') return () => false;
  const list = value === 'on' || value === '1' ? ['loopback'] : value.split(',').map((a) => a.trim());
  // ipaddr.js would read "2" as the address 0.0.0.2: a count left from before is an error.
  if (list.some((a) => /^\d+$/.test(a))) throw new ConfigError(`TRUST_PROXY no longer counts proxies: list their addresses or networks, e.g. "127.0.0.1,10.0.0.0/8", got "${raw}"`);
  try {
    return proxyAddr.compile(list);
  } catch {
    throw new ConfigError(`TRUST_PROXY must be "off", "on" (a proxy on this machine) or the proxies' addresses and networks, e.g. "127.0.0.1,10.0.0.0/8", got "${raw}"`);
  }
}

function parseCount(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ConfigError(`${name} must be a whole number (1-${max}), got "${raw}"`);
  return n;
}

function parsePort(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`${name} must be a port number (0-65535), got "${raw}"`);
  return port;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)) {
  const dataDir = env.DATA_DIR || 'data';
  const roleArg = argv.find((a) => a.startsWith('--role='))?.slice(7) ?? argv[argv.indexOf('--role') + 1];
  const role = argv.some((a) => a.startsWith('--role')) ? roleArg : 'all';
  if (!roles.includes(role as (typeof roles)[number])) throw new ConfigError(`--role must be one of ${roles.join(', ')}, got "${role}"`);
  const secretKey = env.SECRET_KEY;
  if (secretKey !== undefined && secretKey.length < 16) throw new ConfigError('SECRET_KEY must be at least 16 characters');
  const sink = env.MAIL_SINK ?? 'on';
  if (env.DEMO_DATA !== undefined && !['on', 'off'].includes(env.DEMO_DATA)) throw new ConfigError(`DEMO_DATA must be "on" or "off", got "${env.DEMO_DATA}"`);
  if (!['on', 'off'].includes(sink)) throw new ConfigError(`MAIL_SINK must be "on" or "off", got "${sink}"`);
  const publicUrl = env.PUBLIC_URL;
  if (publicUrl !== undefined && !z.url({ protocol: /^https?$/ }).safeParse(publicUrl).success) {
    throw new ConfigError(`PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  }
  const port = parsePort('PORT', env.PORT, 3000);
  const admin = env.ADMIN_EMAIL || env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL ?? '', password: env.ADMIN_PASSWORD ?? '' } : null;
  if (admin && (!z.email().safeParse(admin.email).success || admin.password.length < 10)) {
    throw new ConfigError('ADMIN_EMAIL must be an e-mail address and ADMIN_PASSWORD at least 10 characters');
  }
  for (const name of ['OAUTH_GOOGLE_ISSUER', 'OAUTH_MICROSOFT_ISSUER']) {
    if (env[name] !== undefined && !z.url({ protocol: /^https?$/ }).safeParse(env[name]).success) throw new ConfigError(`${name} must be an http(s) URL, got "${env[name]}"`);
  }
  return {
    role: role as (typeof roles)[number],
    port,
    host: env.HOST || '0.0.0.0',
    dataDir,
    database: parseDatabase(env.DATABASE_URL, dataDir),
    jobs: parseJobStore(env.JOBS_URL, dataDir),
    secretKey,
    demoPassword: env.DEMO_PASSWORD || undefined,
    demoData: env.DEMO_DATA !== 'off',
    admin,
    mailSink: sink === 'on' ? { port: parsePort('MAIL_SINK_PORT', env.MAIL_SINK_PORT, 2525), dir: `${dataDir}/outbox`, mailboxes: `${dataDir}/mailboxes` } : null,
    publicUrl: publicUrl ?? `http://localhost:${port}`,
    /** Where each OAuth provider's endpoints are, when not at the provider (tests: a mock provider). Never set by users. */
    oauthIssuers: { google: env.OAUTH_GOOGLE_ISSUER?.replace(/\/$/, ''), microsoft: env.OAUTH_MICROSOFT_ISSUER?.replace(/\/$/, '') },
    http: {
      /** How long a client may take to send a whole request (headers and body) before it gets 408. */
      requestTimeoutMs: parseSeconds('REQUEST_TIMEOUT_SECONDS', env.REQUEST_TIMEOUT_SECONDS, 10),
      /** The proxies in front whose X-Forwarded-For is believed (none: the socket's address is the client's). */
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
    },
    engine: {
      /** How long a claimed recipient may stay "sending" before recovery calls it uncertain. */
      leaseMs: parseSeconds('SEND_LEASE_SECONDS', env.SEND_LEASE_SECONDS, 300),
      reconcileEveryMs: parseSeconds('RECONCILE_SECONDS', env.RECONCILE_SECONDS, 30),
      processEveryMs: parseSeconds('JOBS_POLL_SECONDS', env.JOBS_POLL_SECONDS, 1),
      /** How many accounts one worker process sends for at once; the others wait for another worker. */
      accountsPerWorker: parseCount('SEND_ACCOUNTS_PER_WORKER', env.SEND_ACCOUNTS_PER_WORKER, 50, 50),
    },
  };
}
