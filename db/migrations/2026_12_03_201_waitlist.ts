// The waitlist (issue 15): applications waiting for a full office session in queue order, and the seats freed
// there that are kept for them (held, offered to one entry at a time, taken, or returned to the pool).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('waitlist_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Queue order: the order the entries were recorded in.
    .addColumn('seq', 'bigint', (c) => c.generatedAlwaysAsIdentity().unique())
    .addColumn('office_code', 'text', (c) => c.notNull().references('offices.code'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('session', 'text', (c) => c.notNull().check(sql`session in ('MORNING', 'AFTERNOON')`))
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id'))
    .addColumn('kinds', sql`text[]`, (c) => c.notNull().check(sql`cardinality(kinds) > 0 and kinds <@ array['REGULAR', 'PRIORITY', 'SAME_DAY']::text[]`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('WAITING').check(sql`status in ('WAITING', 'OFFERED', 'BOOKED', 'LAPSED', 'LEFT')`))
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull())
    .addColumn('offer_id', 'text', (c) => c.unique())
    .addColumn('offered_at', 'timestamptz')
    .addColumn('offer_expires_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addCheckConstraint('waitlist_entries_offer', sql`(status = 'OFFERED') <= (offer_id is not null and offer_expires_at is not null)`)
    .execute();
  // One live entry per application: a second join is refused, whichever session it names.
  await sql`create unique index waitlist_entries_one_live on waitlist_entries (application_id) where status in ('WAITING', 'OFFERED')`.execute(db);
  await sql`create index waitlist_entries_queue on waitlist_entries (office_code, date, session, seq) where status in ('WAITING', 'OFFERED')`.execute(db);

  await db.schema
    .createTable('seat_holds')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('office_code', 'text', (c) => c.notNull().references('offices.code'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('session', 'text', (c) => c.notNull().check(sql`session in ('MORNING', 'AFTERNOON')`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('REGULAR', 'PRIORITY', 'SAME_DAY')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('HELD').check(sql`status in ('HELD', 'OFFERED', 'TAKEN', 'RETURNED')`))
    // The entry it is offered to (OFFERED) or was taken by (TAKEN).
    .addColumn('entry_id', 'text', (c) => c.references('waitlist_entries.id'))
    // The booking whose release freed it: a retried release holds its seat once.
    .addColumn('released_application_id', 'uuid', (c) => c.notNull())
    .addColumn('released_attempt', 'integer', (c) => c.notNull())
    .addColumn('held_at', 'timestamptz', (c) => c.notNull())
    .addColumn('settled_at', 'timestamptz')
    .addUniqueConstraint('seat_holds_release', ['released_application_id', 'released_attempt'])
    .addCheckConstraint('seat_holds_entry', sql`(status in ('OFFERED', 'TAKEN')) = (entry_id is not null)`)
    .execute();
  await sql`create index seat_holds_live on seat_holds (office_code, date, session) where status in ('HELD', 'OFFERED')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('seat_holds').execute();
  await db.schema.dropTable('waitlist_entries').execute();
}
