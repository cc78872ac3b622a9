// An office or a fee taken out of its reference file is retired, never deleted: applications refer to it.
// A retired one takes no new application; applications already open with it continue.
import type { Kysely } from 'kysely';

const TABLES = ['offices', 'fee_schedule'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await db.schema.alterTable(table).addColumn('retired_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await db.schema.alterTable(table).dropColumn('retired_at').execute();
}
