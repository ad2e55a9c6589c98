import type { ServerOptions } from 'node:http';

/**
 * Idle keep-alive connections close after this long (Node's default, named so it is a choice):
 * long enough for a page's burst of requests, short enough that idle sockets do not pile up. A
 * proxy that reuses upstream connections must idle them for less than this.
 */
const KEEP_ALIVE_MS = 5_000;

/**
 * Node's defaults let a client that never finishes its request (a Content-Length larger than its
 * body, headers sent a byte a minute) hold a connection for 5 minutes, checked only every 30 s.
 * Headers and the whole request must arrive within `requestTimeoutMs` (REQUEST_TIMEOUT_SECONDS),
 * checked every second; a late one gets 408 and its connection closes.
 */
export function httpServerOptions(requestTimeoutMs: number): ServerOptions {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    keepAliveTimeout: KEEP_ALIVE_MS,
    connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs),
  };
}
