// deploy/temporal/setup-schema.sh, run as compose runs it, against a stand-in temporal-sql-tool that answers
// with the real tool's (1.30.1) own error output, captured from it on a real PostgreSQL (test/fixtures/temporal-sql-tool/).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'setup-schema-'));
const fixture = (name: string) => join(root, 'test/fixtures/temporal-sql-tool', `${name}.stderr`);

// Like the real tool: create-database succeeds when the database exists; STUB_CREATE_ERROR makes it fail as captured.
const stub = `#!/bin/sh
echo "$*" >> "$STUB_CALLS"
case "$*" in *create-database*) if [ -n "\${STUB_CREATE_ERROR:-}" ]; then cat "$STUB_CREATE_ERROR" >&2; exit 1; fi ;; esac
exit 0
`;
writeFileSync(join(dir, 'temporal-sql-tool'), stub);
chmodSync(join(dir, 'temporal-sql-tool'), 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
function setupSchema(env: Record<string, string> = {}) {
  const calls = join(dir, `calls-${++runs}`);
  writeFileSync(calls, '');
  const run = spawnSync('sh', [join(root, 'deploy/temporal/setup-schema.sh')], {
    encoding: 'utf8',
    timeout: 10_000,
    env: { PATH: `${dir}:${process.env.PATH}`, POSTGRES_SEEDS: 'postgresql', POSTGRES_USER: 'passport', SQL_PASSWORD: 'secret', STUB_CALLS: calls, ...env },
  });
  const commands = readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean);
  return { code: run.status, out: run.stdout + run.stderr, commands };
}

describe('setup-schema.sh', () => {
  it('creates both databases and brings both schemas to the version embedded in the tool', () => {
    const { code, out, commands } = setupSchema();
    expect(code).toBe(0);
    expect(out).toContain('Temporal schemas are up to date');
    expect(commands.map((c) => c.replace(/^.* --db /, ''))).toEqual([
      'temporal create-database',
      'temporal_visibility create-database',
      'temporal setup-schema -v 0.0',
      'temporal update-schema --schema-name postgresql/v12/temporal',
      'temporal_visibility setup-schema -v 0.0',
      'temporal_visibility update-schema --schema-name postgresql/v12/visibility',
    ]);
    expect(commands[0]).toBe('--plugin postgres12 --ep postgresql -p 5432 -u passport --db temporal create-database');
  });

  it.each([
    ['wrong-password', 'password authentication failed for user \\"passport\\"'],
    ['host-unreachable', 'connect: connection refused'],
    ['permission-denied', 'permission denied to create database'],
  ])('stops at the first error, shows it and exits non-zero: %s', (name, cause) => {
    const { code, out, commands } = setupSchema({ STUB_CREATE_ERROR: fixture(`create-database-${name}`) });
    expect(code).not.toBe(0);
    expect(out).toContain(cause);
    expect(out).not.toMatch(/already exists/);
    expect(commands).toHaveLength(1); // nothing after the failed create-database
  });

  it('runs the tool named by TEMPORAL_SQL_TOOL, and leaves database creation to a DBA with SKIP_DB_CREATE', () => {
    const { code, commands } = setupSchema({ PATH: '/usr/bin:/bin', TEMPORAL_SQL_TOOL: join(dir, 'temporal-sql-tool'), SKIP_DB_CREATE: 'true', DB_PORT: '42432' });
    expect(code).toBe(0);
    expect(commands).toHaveLength(4);
    expect(commands.some((c) => c.includes('create-database'))).toBe(false);
    expect(commands[0]).toContain('-p 42432');
  });
});
