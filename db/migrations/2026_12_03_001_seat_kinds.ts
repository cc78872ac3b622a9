// Seats of every kind (issue 15): each office session has a quota per kind of seat (REGULAR, PRIORITY,
// SAME_DAY) and an office may also serve on weekend days; each slot row and booking is of one kind; an
// application carries its service (REGULAR or SAME_DAY, percepatan) and its priority ground.
import { sql, type Kysely } from 'kysely';

const half = (column: string, round: 'ceil' | 'floor') => sql.raw(`${round}(${column} / 2.0)::int`);
const quotasOf = (round: 'ceil' | 'floor') =>
  sql`jsonb_build_object('REGULAR', ${half('regular_quota', round)}, 'PRIORITY', ${half('priority_quota', round)}, 'SAME_DAY', ${half('same_day_quota', round)})`;

export async function up(db: Kysely<any>): Promise<void> {
  // Seats per session and kind; the seeded offices' daily quotas split as before: the morning takes the odd seat.
  await db.schema.alterTable('offices').addColumn('session_quotas', 'jsonb').addColumn('weekend_days', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`)).execute();
  await sql`update offices set session_quotas = jsonb_build_object('MORNING', ${quotasOf('ceil')}, 'AFTERNOON', ${quotasOf('floor')})`.execute(db);
  await sql`alter table offices alter column session_quotas set not null`.execute(db);
  await sql`alter table offices add constraint offices_weekend_days check (weekend_days <@ array['SAT', 'SUN']::text[])`.execute(db);

  await db.schema.alterTable('appointment_slots').addColumn('kind', 'text', (c) => c.notNull().defaultTo('REGULAR').check(sql`kind in ('REGULAR', 'PRIORITY', 'SAME_DAY')`)).execute();
  await db.schema.alterTable('appointment_slots').dropConstraint('appointment_slots_pk').execute();
  await db.schema.alterTable('appointment_slots').addPrimaryKeyConstraint('appointment_slots_pk', ['office_code', 'date', 'session', 'kind']).execute();
  await db.schema.alterTable('bookings').addColumn('kind', 'text', (c) => c.notNull().defaultTo('REGULAR').check(sql`kind in ('REGULAR', 'PRIORITY', 'SAME_DAY')`)).execute();

  await db.schema
    .alterTable('applications')
    .addColumn('service', 'text', (c) => c.notNull().defaultTo('REGULAR').check(sql`service in ('REGULAR', 'SAME_DAY')`))
    .addColumn('priority_ground', 'text', (c) => c.check(sql`priority_ground in ('ELDERLY', 'UNDER_FIVE', 'DISABILITY', 'PREGNANCY')`))
    .addColumn('priority_status', 'text', (c) => c.check(sql`priority_status in ('AUTOMATIC', 'DECLARED', 'CONFIRMED', 'NOT_CONFIRMED')`))
    .execute();
  await sql`alter table applications add constraint applications_priority_status check ((priority_ground is null) = (priority_status is null))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').dropConstraint('applications_priority_status').execute();
  await db.schema.alterTable('applications').dropColumn('priority_status').dropColumn('priority_ground').dropColumn('service').execute();
  await db.schema.alterTable('bookings').dropColumn('kind').execute();
  await db.schema.alterTable('appointment_slots').dropConstraint('appointment_slots_pk').execute();
  await sql`delete from appointment_slots where kind <> 'REGULAR'`.execute(db);
  await db.schema.alterTable('appointment_slots').dropColumn('kind').execute();
  await db.schema.alterTable('appointment_slots').addPrimaryKeyConstraint('appointment_slots_pk', ['office_code', 'date', 'session']).execute();
  await db.schema.alterTable('offices').dropConstraint('offices_weekend_days').execute();
  await db.schema.alterTable('offices').dropColumn('weekend_days').dropColumn('session_quotas').execute();
}
