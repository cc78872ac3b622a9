// The API's and the worker's connections to PostgreSQL (db/connect.ts): a connection ended while it runs a query
// (PostgreSQL stopped or restarted) fails that query, never the process, and is replaced; prepared statements are
// planned once per connection, and a connection whose statement no longer fits the schema (a column's type changed
// by a migration while the API ran) is replaced, not kept failing.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, prepared } from '../../db/connect.js';
import { eventually } from '../support/eventually.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

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

describe('a connection ended mid-query', () => {
  it('fails that query, leaves the process running, and the next query gets a new connection', async () => {
    // The connection's far end gone without a word (PostgreSQL killed, a network cut): a proxy between them, cut.
    const url = new URL(inject('databaseUrl'));
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
    url.host = proxy.address;
    const throughProxy = createDb(url.toString(), { max: 1 });
    const uncaught: unknown[] = [];
    const record = (error: unknown) => void uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      const running = sql`select pg_sleep(5)`.execute(throughProxy);
      await eventually(async () => Number((await sql<{ n: number }>`select count(*) as n from pg_stat_activity where query = 'select pg_sleep(5)'`.execute(db)).rows[0]!.n), (n) => n === 1, 4_000);
      await proxy.cut();
      await expect(running).rejects.toThrow(/Connection terminated unexpectedly/);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the ended socket's last events, had any been left unheard
      expect(uncaught).toEqual([]);
      await proxy.restore();
      expect((await sql<{ one: number }>`select 1 as one`.execute(throughProxy)).rows).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', record);
      await throughProxy.destroy();
      await proxy.close();
    }
  });
});

describe('prepared statements', () => {
  it('are planned once on a connection and answer each run with its own parameters', async () => {
    expect((await read()).rows).toEqual([{ v: 42 }]);
    expect((await read()).rows).toEqual([{ v: 42 }]);
    const kept = await sql<{ n: string }>`select count(*) as n from pg_prepared_statements where statement like ${`%${table}%`}`.execute(db);
    expect(Number(kept.rows[0]!.n)).toBe(1);
  });

  it("answer at once after a migration changes a column's type, and the connection that kept the old plan is replaced", async () => {
    const pid = async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;
    expect((await read()).rows).toEqual([{ v: 42 }]);
    const before = await pid();
    await sql`alter table ${sql.table(table)} alter column v type text`.execute(db);
    // PostgreSQL refuses the old plan (cached plan must not change result type) before running it: run again, unprepared.
    expect((await read()).rows).toEqual([{ v: '42' }]);
    expect(await pid()).not.toBe(before); // the connection with the stale plan was replaced
    expect((await read()).rows).toEqual([{ v: '42' }]);
    expect((await read()).rows).toEqual([{ v: '42' }]);
  });
});
