import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { startWebServer, type WebServer } from '../../support/web-server.js';

let server: WebServer;

beforeAll(async () => {
  server = await startWebServer({ REQUEST_TIMEOUT_SECONDS: '1' });
});

afterAll(async () => {
  await server?.close();
});

/** Sends `raw` on a fresh connection and resolves with everything the server answered once it closes. */
function rawRequest(raw: string): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((ok, fail) => {
    let answer = '';
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', fail);
    socket.on('close', () => ok(answer));
  });
}

describe('a request that never finishes', () => {
  // A client must not hold a connection by promising more body than it sends: after
  // REQUEST_TIMEOUT_SECONDS the server answers 408 and closes, and keeps serving everyone else.
  it('gets 408 and its connection closed, and the server still answers', async () => {
    const answer = await rawRequest('POST /api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
  });

  // The same for headers that never end.
  it('gets 408 when its headers never end', async () => {
    const answer = await rawRequest('GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});
