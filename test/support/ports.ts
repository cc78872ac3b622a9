import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Chosen below Linux's ephemeral range (32768-60999): a port taken here and used seconds later (a server
 * that starts slowly) cannot meanwhile be handed to another process's outgoing connection or `listen(0)`,
 * as a port from the ephemeral range can (seen: the API's port taken by a Temporal dev server of another test).
 */
const FIRST = 20_000;
const LAST = 32_000;

const isFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A TCP port that was free a moment ago on 127.0.0.1, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = randomInt(FIRST, LAST + 1);
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port between ${FIRST} and ${LAST}`);
}
