// Applicant accounts, what a submission says beyond the basics, one active application per NIK,
// the documents to bring, and the callback ids already taken in.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .alterTable('applications')
    .addColumn('account_id', 'uuid', (c) => c.references('accounts.id'))
    .addColumn('sex', 'text', (c) => c.check(sql`sex in ('M', 'F')`))
    .addColumn('old_passport_number', 'text')
    .addColumn('incident_report', 'jsonb')
    .execute();
  await db.schema.createIndex('applications_account').on('applications').column('account_id').execute();
  // Brokers cannot hoard slots: while one application of a NIK is open, a second one cannot be stored,
  // however many submissions race.
  await sql`create unique index applications_one_active_per_nik on applications (nik)
    where stage not in ('COMPLETED', 'REJECTED', 'CANCELLED', 'EXPIRED')`.execute(db);

  // Documents to bring to the interview, per application type: data, not code.
  await db.schema
    .createTable('document_requirements')
    .addColumn('application_type', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('document_requirements_pk', ['application_type', 'position'])
    .execute();

  // The bank's transaction ids and Pos's event ids already signalled: a duplicate is answered at once.
  await db.schema
    .createTable('callback_events')
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id'))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('callback_events_pk', ['sender', 'event_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('callback_events').ifExists().execute();
  await db.schema.dropTable('document_requirements').ifExists().execute();
  await sql`drop index if exists applications_one_active_per_nik`.execute(db);
  await db.schema.dropIndex('applications_account').ifExists().execute();
  await db.schema
    .alterTable('applications')
    .dropColumn('incident_report')
    .dropColumn('old_passport_number')
    .dropColumn('sex')
    .dropColumn('account_id')
    .execute();
  await db.schema.dropTable('accounts').ifExists().execute();
}
