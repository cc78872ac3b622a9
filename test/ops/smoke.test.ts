// The production smoke check (scripts/smoke.ts, `npm run smoke`) as the README gives it, here against the
// Temporal dev server and the test PostgreSQL (an operator runs it against Temporal on PostgreSQL): it must
// pass, leave no database of its own behind, and fail clearly when a server is not there.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDb } from '../../db/connect.js';
import { quietRuntime } from '../support/workflows.js';

const root = resolve(import.meta.dirname, '../..');
let env: TestWorkflowEnvironment;
const admin = createDb(inject('databaseUrl'), { max: 1 });

const smoke = (args: string[]) =>
  new Promise<{ code: number; output: string }>((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/smoke.ts', ...args], { cwd: root, env: { PATH: process.env.PATH ?? '' }, timeout: 240_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
const smokeDatabases = async () => (await sql<{ datname: string }>`select datname from pg_database where datname like 'passport_smoke_%'`.execute(admin)).rows.map((r) => r.datname);

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: inject('temporalCliPath') }, ip: '127.0.0.1', log: { format: 'pretty', level: 'error' } } });
});
afterAll(async () => {
  await admin.destroy();
  await env?.teardown();
});

describe('npm run smoke', () => {
  it('drives applications to COMPLETED through the compiled processes and runs the managers\' queries', async () => {
    const before = await smokeDatabases();
    const { code, output } = await smoke(['--temporal-address', env.address, '--database-url', inject('databaseUrl'), '--applications', '2', '--day-seconds', '10']);
    expect(code, output).toBe(0);
    expect(output).toMatch(/Temporal \S+ at .*: persistence \w+, visibility \w+, \d+ history shards/);
    expect(output).toMatch(/GET \/offices: 5 offices/);
    expect(output).toMatch(/2 of 2 applications COMPLETED/);
    expect(output).toMatch(/stuck \(managers' lists, NODE_ENV=production without DATABASE_URL\): Past the SLA deadline and not printed: \d+/);
    expect(output).toContain('a burst of 40 managers\' queries all answered');
    expect(output).toContain('worker and API stopped on SIGTERM, each with exit code 0');
    expect(output).toMatch(/Smoke check passed in \d+ s: 2 applications COMPLETED/);
    expect(output).not.toContain(`:${new URL(inject('databaseUrl')).password}@`); // the password is never printed
    expect(await smokeDatabases()).toEqual(before);
  });

  it('says which server it could not reach, and exits 1', async () => {
    const { code, output } = await smoke(['--temporal-address', '127.0.0.1:1', '--database-url', inject('databaseUrl')]);
    expect(code).toBe(1);
    expect(output).toContain('SMOKE CHECK FAILED: no Temporal server at 127.0.0.1:1');
  });

  it('explains its arguments when one is missing', async () => {
    const { code, output } = await smoke(['--temporal-address', env.address]);
    expect(code).toBe(2);
    expect(output).toContain('usage: npm run smoke -- --temporal-address HOST:PORT --database-url');
  });
});
