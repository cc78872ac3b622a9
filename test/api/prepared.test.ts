// Prepared statements (db/connect.ts `prepared`): planned once per connection, and a connection whose
// statement no longer fits the schema (a column's type changed by a migration while the API ran) is
// replaced, not kept failing.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, prepared } from '../../db/connect.js';

const table = `prepared_${randomUUID().replaceAll('-', '')}`;
const db = createDb(inject('databaseUrl'), { max: 1 }); // one connection: every run reuses it
const read = () => db.executeQuery(prepared(sql<{ v: unknown }>`select v from ${sql.table(table)} where id = ${1}`.compile(db)));

beforeAll(async () => {
  await sql`create table ${sql.table(table)} (id int primary key, v int not null)`.execute(db);
  await sql`insert into ${sql.table(table)} values (1, 42)`.execute(db);
});
afterAll(async () => {
  await sql`drop table if exists ${sql.table(table)}`.execute(db);
  await db.destroy();
});

describe('prepared statements', () => {
  it('are planned once on a connection and answer each run with its own parameters', async () => {
    expect((await read()).rows).toEqual([{ v: 42 }]);
    expect((await read()).rows).toEqual([{ v: 42 }]);
    const kept = await sql<{ n: string }>`select count(*) as n from pg_prepared_statements where statement like ${`%${table}%`}`.execute(db);
    expect(Number(kept.rows[0]!.n)).toBe(1);
  });

  it("answer again after a migration changes a column's type: the connection that kept the old plan is replaced", async () => {
    expect((await read()).rows).toEqual([{ v: 42 }]);
    await sql`alter table ${sql.table(table)} alter column v type text`.execute(db);
    // The run on the old plan fails once (PostgreSQL: cached plan must not change result type), on that connection only.
    const first = await read().then(
      (r) => r.rows,
      (error: { code?: string }) => error.code,
    );
    expect([[{ v: '42' }], '0A000']).toContainEqual(first);
    expect((await read()).rows).toEqual([{ v: '42' }]);
    expect((await read()).rows).toEqual([{ v: '42' }]);
  });
});
