import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Chosen below Linux's ephemeral range (32768-60999): a port taken here and used seconds later (a server
 * that starts slowly) cannot meanwhile be handed to another process's outgoing connection or `listen(0)`,
 * as a port from the ephemeral range can (seen: the API's port taken by a Temporal dev server of another test).
 */
const FIRST = 20_000;
const LAST = 31_999;

/**
 * Test files run side by side, each choosing ports that are free when chosen and bound seconds later: two
 * files could choose the same one (seen: a cluster's PostgreSQL on the port the supervisor test had chosen
 * for `npm start`'s registry fake, which then refused to start). Each of Vitest's workers (VITEST_POOL_ID,
 * 1 to maxWorkers, unique among the files running at once) chooses from a slice of its own; the Vitest
 * process itself (global setup), the bench and scripts from slice 0. Within a process, a port is handed out
 * once.
 */
const SLICES = 12;
const SLICE_SIZE = Math.floor((LAST - FIRST + 1) / SLICES);

/** The ports a process of Vitest worker `poolId` (undefined: not a Vitest worker) chooses from. */
export function portRange(poolId: string | undefined): { first: number; last: number } {
  if (poolId === undefined) return { first: FIRST, last: FIRST + SLICE_SIZE - 1 };
  const slice = Number(poolId);
  if (!Number.isInteger(slice) || slice < 1 || slice >= SLICES) {
    throw new Error(`VITEST_POOL_ID ${JSON.stringify(poolId)}: test ports have slices for workers 1 to ${SLICES - 1} only (vitest.config.ts maxWorkers)`);
  }
  const first = FIRST + slice * SLICE_SIZE;
  return { first, last: first + SLICE_SIZE - 1 };
}

const handedOut = new Set<number>();

const isFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A TCP port that was free a moment ago on 127.0.0.1, outside the ephemeral range, not handed out before by this process. */
export async function freePort(): Promise<number> {
  const { first, last } = portRange(process.env.VITEST_POOL_ID);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = randomInt(first, last + 1);
    if (handedOut.has(port)) continue;
    // Taken before the check: a second call meanwhile must not choose it too.
    handedOut.add(port);
    if (await isFree(port)) return port;
    handedOut.delete(port);
  }
  throw new Error(`no free port between ${first} and ${last}`);
}
