// Frozen: migrations are written against Kysely<any> so later schema changes never break them.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('offices')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('regular_quota', 'integer', (c) => c.notNull().check(sql`regular_quota >= 0`))
    .addColumn('same_day_quota', 'integer', (c) => c.notNull().check(sql`same_day_quota >= 0`))
    .addColumn('priority_quota', 'integer', (c) => c.notNull().check(sql`priority_quota >= 0`))
    .execute();

  await db.schema
    .createTable('holidays')
    .addColumn('date', 'date', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();

  // Fees, services and fines are data (PP 45/2024), in integer rupiah.
  await db.schema
    .createTable('fee_schedule')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('PRODUCT', 'SERVICE', 'FINE')`))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
    .execute();

  await db.schema
    .createTable('applications')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tracking_code', 'text', (c) => c.notNull().unique())
    .addColumn('billing_code', 'text', (c) => c.notNull().unique())
    .addColumn('application_type', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull().references('fee_schedule.code'))
    .addColumn('office_code', 'text', (c) => c.notNull().references('offices.code'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    // Personal data lives here only, never in Temporal payloads.
    .addColumn('nik', 'text', (c) => c.notNull())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('birth_date', 'date', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('delivery_method', 'text', (c) => c.notNull().check(sql`delivery_method in ('PICKUP', 'POS')`))
    .addColumn('delivery_address', 'text')
    // Read model of the workflow's state, written only by its activities.
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('stage_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stage_entered_at', 'timestamptz', (c) => c.notNull())
    .addColumn('next_deadline', 'timestamptz')
    .addColumn('payment_deadline', 'timestamptz', (c) => c.notNull())
    .addColumn('appointment_date', 'date')
    .addColumn('appointment_session', 'text')
    .addColumn('interview_approved_at', 'timestamptz')
    .addColumn('sla_deadline', 'timestamptz')
    .addColumn('sla_breached', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('passport_number', 'text')
    .addColumn('pos_tracking_number', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('applications_office_stage').on('applications').columns(['office_code', 'stage']).execute();

  // Append-only: one row per stage change, keyed by the workflow's own sequence number.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('previous_stage', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('audit_log_application_seq', ['application_id', 'seq'])
    .execute();
  await sql`create function audit_log_is_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_log is append-only'; end $$`.execute(db);
  await sql`create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_is_append_only()`.execute(db);

  // A seat is taken with `update ... where booked < capacity`; the CHECK makes overbooking impossible.
  await db.schema
    .createTable('appointment_slots')
    .addColumn('office_code', 'text', (c) => c.notNull().references('offices.code'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('session', 'text', (c) => c.notNull().check(sql`session in ('MORNING', 'AFTERNOON')`))
    .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity >= 0`))
    .addColumn('booked', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('appointment_slots_pk', ['office_code', 'date', 'session'])
    .addCheckConstraint('appointment_slots_not_overbooked', sql`booked >= 0 and booked <= capacity`)
    .execute();

  await db.schema
    .createTable('bookings')
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('office_code', 'text', (c) => c.notNull())
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('session', 'text', (c) => c.notNull())
    .addColumn('released_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('bookings_pk', ['application_id', 'attempt'])
    .execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('application_id', 'uuid', (c) => c.notNull().unique().references('applications.id'))
    .addColumn('billing_code', 'text', (c) => c.notNull().unique())
    .addColumn('bank_transaction_id', 'text', (c) => c.notNull().unique())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('pos_tracking_number', 'text', (c) => c.notNull())
    .addColumn('free_of_charge', 'boolean', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('REQUESTED', 'DELIVERED', 'FAILED')`))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('deliveries_pk', ['application_id', 'attempt'])
    .execute();

  await db.schema
    .createTable('compensations')
    .addColumn('application_id', 'uuid', (c) => c.primaryKey().references('applications.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('sla_deadline', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // A notification is recorded once per (application, effect); nothing sends it yet (a later step).
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id'))
    .addColumn('effect_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addUniqueConstraint('notifications_effect', ['application_id', 'effect_key'])
    .execute();

  // Each signed callback is accepted once: a replay of the same signature is refused.
  await db.schema
    .createTable('callback_receipts')
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('callback_receipts_pk', ['sender', 'signature'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['callback_receipts', 'notifications', 'compensations', 'deliveries', 'payments', 'bookings', 'appointment_slots', 'audit_log', 'applications', 'fee_schedule', 'holidays', 'offices']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop function if exists audit_log_is_append_only()`.execute(db);
}
