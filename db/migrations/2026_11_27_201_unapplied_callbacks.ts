// Bank payments and Pos events that reached the service but could not be applied to their application
// (it had expired, was cancelled or closed, or was already paid): a durable record for reconciliation,
// never a silent drop. Ids, amounts and reasons only; nothing personal.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('unapplied_callbacks')
    .addColumn('sender', 'text', (c) => c.notNull().check(sql`sender in ('bank', 'pos')`))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint')
    .addColumn('message', 'jsonb', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull().check(sql`recorded_by in ('workflow', 'api')`))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('unapplied_callbacks_pk', ['sender', 'event_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('unapplied_callbacks').ifExists().execute();
}
