// The embedded Temporal dev server (`npm start`) on a database file from an earlier release: the search attributes
// added since (TrackingCode, SlaAtRisk in issue 16) are registered, or every submission's workflow start that sets
// them would be refused.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startDevServer } from '../../scripts/dev-server.js';
import { spawnGuarded } from '../../scripts/guarded.js';
import { SEARCH_ATTRIBUTES } from '../../workflows/definitions.js';
import { freePort } from '../support/ports.js';
import { eventually } from '../support/eventually.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'passport-dev-server-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const customAttributes = async (address: string, namespace: string) => {
  const connection = await Connection.connect({ address });
  try {
    return Object.keys((await connection.operatorService.listSearchAttributes({ namespace })).customAttributes);
  } finally {
    await connection.close();
  }
};

describe('the embedded dev server on an existing database file', () => {
  it("registers the search attributes the file does not have yet, keeping the ones it has", async () => {
    const cliPath = inject('temporalCliPath');
    const dbFile = join(dir, 'temporal.db');
    const namespace = 'default';
    // An earlier release's database: the server started once with only the first attribute, then stopped.
    const [port, uiPort] = [await freePort(), await freePort()];
    const earlier = await spawnGuarded(cliPath, ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort), '--db-filename', dbFile, '--log-level', 'error', '--search-attribute', `${SEARCH_ATTRIBUTES[0]!.name}=Keyword`], {});
    try {
      const before = await eventually(() => customAttributes(`127.0.0.1:${port}`, namespace).catch((): string[] => []), (names) => names.includes(SEARCH_ATTRIBUTES[0]!.name), 30_000);
      expect(before).not.toContain('TrackingCode');
    } finally {
      await earlier.stop();
    }

    const server = await startDevServer({ cliPath, port: await freePort(), uiPort: await freePort(), dbFile, namespace });
    try {
      const names = await customAttributes(server.address, namespace);
      expect(names).toEqual(expect.arrayContaining(SEARCH_ATTRIBUTES.map((key) => key.name)));
    } finally {
      await server.stop();
    }
    // The earlier database now keeps a write-ahead log (SQLITE_PRAGMA_FLAGS): its header's format bytes say 2 (WAL), not 1.
    const header = readFileSync(dbFile).subarray(18, 20);
    expect([...header]).toEqual([2, 2]);
  });
});
