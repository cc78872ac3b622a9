// Once per test run: a real PostgreSQL (embedded, or DATABASE_URL's), migrated and seeded;
// the workflow bundle; the binaries of both Temporal servers.
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { createDb, migrateToLatest } from '../../db/connect.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embedded-postgres.js';
import { seed } from '../../db/reference.js';
import type { DB } from '../../db/schema.js';
import type { Kysely } from 'kysely';
import { temporalExecutable } from '../../scripts/temporal-executables.js';
import { freePort } from './ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    workflowBundlePath: string;
    temporalCliPath: string;
    temporalTestServerPath: string;
    /** The embedded PostgreSQL's own server log ('' with TEST_DATABASE_URL): tests check what reaches it. */
    postgresLogPath: string;
  }
}

const root = resolve(import.meta.dirname, '../..');

export default async function setup(project: TestProject) {
  const cli = temporalExecutable('cli', { required: true });
  const testServer = temporalExecutable('testServer', { required: true });

  // The workflow bundle is built while PostgreSQL starts and is migrated: no test file starts before both are done.
  const bundlePath = join(root, '.cache', `workflow-bundle-${process.pid}.js`);
  const bundled = (async () => {
    await mkdir(join(root, '.cache'), { recursive: true });
    const { code } = await bundleWorkflowCode({ workflowsPath: join(root, 'workflows', 'index.ts'), logger: quietLogger });
    await writeFile(bundlePath, code);
  })();

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = process.env.TEST_DATABASE_URL;
  // Under the system temp folder: reachable by the `postgres` user even when the clone is under /root.
  const tempDir = await mkdtemp(join(tmpdir(), 'passport-test-'));
  await chmod(tempDir, 0o755);
  const dataDir = join(tempDir, 'pg');
  const postgresLog = databaseUrl ? undefined : createWriteStream(join(tempDir, 'postgres.log'));
  try {
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false, onLog: (message) => postgresLog?.write(message) });
      databaseUrl = embedded.url;
    }
    const db = createDb(databaseUrl, { max: 2 });
    await migrateToLatest(db);
    await seed(db);
    await coverTimeSkippingYears(db);
    await db.destroy();
  } finally {
    // A failed database setup still waits for the bundle, so no build is left running.
    await bundled.catch(() => undefined);
  }
  await bundled;

  project.provide('databaseUrl', databaseUrl);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('temporalCliPath', cli.type === 'existing-path' ? cli.path : '');
  project.provide('postgresLogPath', postgresLog ? String(postgresLog.path) : '');
  project.provide('temporalTestServerPath', testServer.type === 'existing-path' ? testServer.path : '');

  return async () => {
    await embedded?.stop();
    postgresLog?.end();
    await rm(tempDir, { recursive: true, force: true });
    await rm(bundlePath, { force: true });
  };
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };

/**
 * The time-skipping server's clock leaps years ahead between tests (it skips to the next timer, which may be
 * a finished test's 10-year workflow run timeout), and its tests book appointments in those years. The test
 * database's calendar covers them with weekends only (provisional, source 'test'), from five years ahead on,
 * so the real-time tests still see the shipped calendar end where it does.
 */
async function coverTimeSkippingYears(db: Kysely<DB>): Promise<void> {
  const first = new Date().getUTCFullYear() + 5;
  const years = Array.from({ length: 300 }, (_, i) => ({ year: first + i, status: 'PROVISIONAL' as const, source: 'test: weekends only, for the time-skipping server' }));
  await db.insertInto('calendar_years').values(years).onConflict((oc) => oc.column('year').doNothing()).execute();
}
