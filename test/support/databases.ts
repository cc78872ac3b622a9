// A database of a test file's own on the test PostgreSQL, for tests that change whole tables (the fuzzer)
// or the reference data (retiring an office): other files running at the same time never see it.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { createDb, migrateToLatest } from '../../db/connect.js';
import { DEFAULT_REFERENCE_DIR, seed } from '../../db/reference.js';

/** Creates `<prefix>_<random>`, migrated and loaded with the reference data of `referenceDir`; `drop` removes it. */
export async function ownDatabase(prefix: string, opts: { referenceDir?: string } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const shared = inject('databaseUrl');
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = createDb(shared, { max: 1 });
  await sql`create database ${sql.id(name)}`.execute(admin);
  const url = new URL(shared);
  url.pathname = `/${name}`;
  const own = createDb(url.toString(), { max: 2 });
  try {
    await migrateToLatest(own);
    await seed(own, opts.referenceDir ?? DEFAULT_REFERENCE_DIR);
  } finally {
    await own.destroy();
  }
  return {
    url: url.toString(),
    drop: async () => {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    },
  };
}
