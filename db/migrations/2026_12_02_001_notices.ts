// Notices delivered (issue 14): what each notice says beyond its kind (details), the applicant's language and
// channels, the office's address, notice email and session hours, and one delivery ledger row per notice and channel.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The facts of the event a notice tells (a deadline, a session, a reason), fixed when it is recorded: ids,
  // codes and dates only, never a name, an email or a phone number.
  await db.schema.alterTable('notifications').addColumn('details', 'jsonb').execute();
  // Office notices get an id of their own, so their delivery is keyed like an applicant's.
  await db.schema.alterTable('office_notices').addColumn('id', 'bigserial', (c) => c.unique()).execute();
  await db.schema.alterTable('office_notices').addColumn('details', 'jsonb').execute();

  await db.schema
    .alterTable('applications')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('id').check(sql`language in ('id', 'en')`))
    .addColumn('notice_channels', sql`text[]`, (c) =>
      c
        .notNull()
        .defaultTo(sql`'{EMAIL,WHATSAPP}'::text[]`)
        .check(sql`cardinality(notice_channels) between 1 and 3 and notice_channels <@ array['EMAIL', 'WHATSAPP', 'SMS']::text[]`),
    )
    .addColumn('notice_settings_at', 'timestamptz')
    .execute();

  await db.schema
    .alterTable('offices')
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('notice_email', 'text')
    .addColumn('session_hours', 'jsonb', (c) => c.notNull().defaultTo(sql`'{"MORNING":["08:00","12:00"],"AFTERNOON":["13:00","16:00"]}'::jsonb`))
    .execute();

  await db.schema
    .createTable('notice_deliveries')
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('application', 'office')`))
    .addColumn('notice_id', 'bigint', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('EMAIL', 'WHATSAPP', 'SMS')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('SENDING', 'SENT', 'FAILED')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('permanent_failure', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('provider_message_id', 'text')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('notice_deliveries_pk', ['source', 'notice_id', 'channel'])
    .execute();
  // The managers' question: which notices could not be delivered.
  await db.schema.createIndex('notice_deliveries_failed').on('notice_deliveries').column('updated_at').where(sql.ref('status'), '=', 'FAILED').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notice_deliveries').ifExists().execute();
  await db.schema.alterTable('offices').dropColumn('session_hours').dropColumn('notice_email').dropColumn('address').execute();
  await db.schema.alterTable('applications').dropColumn('notice_settings_at').dropColumn('notice_channels').dropColumn('language').execute();
  await db.schema.alterTable('office_notices').dropColumn('details').dropColumn('id').execute();
  await db.schema.alterTable('notifications').dropColumn('details').execute();
}
