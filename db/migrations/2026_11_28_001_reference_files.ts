// The reference files last loaded (deploy/reference/): a holiday-calendar file is applied again only
// when it changes, so a decree imported since with `npm run holidays -- import` is not undone by a restart.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reference_files')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reference_files').execute();
}
