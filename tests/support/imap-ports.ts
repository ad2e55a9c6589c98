import { createServer, type Server } from 'node:net';

export interface PortRange {
  first: number;
  last: number;
}

/** The ports this suite's IMAP servers use (other suites on the machine use other ranges). */
export const IMAP_TEST_PORTS: PortRange = { first: 14300, last: 14399 };

/** The range's ports from a random start, so test files running at once rarely try the same one. */
export function portsInRange(range: PortRange = IMAP_TEST_PORTS): number[] {
  const size = range.last - range.first + 1;
  const offset = Math.floor(Math.random() * size);
  return Array.from({ length: size }, (_, i) => range.first + ((offset + i) % size));
}

/** Listens on a free port of the range. */
export async function listenInRange(server: Server): Promise<number> {
  for (const port of portsInRange()) {
    const bound = await new Promise<boolean>((resolve) => {
      const refused = () => resolve(false);
      server.once('error', refused);
      server.listen(port, '127.0.0.1', () => {
        server.removeListener('error', refused);
        resolve(true);
      });
    });
    if (bound) return port;
  }
  throw new Error(`no free port in ${IMAP_TEST_PORTS.first}-${IMAP_TEST_PORTS.last}`);
}

/** A port of the range that nothing listens on (bound once, then released). */
export async function closedPortInRange(): Promise<number> {
  const server = createServer();
  const port = await listenInRange(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}
