// Issue 16, the office's numbers over time: when each passport was printed and the working hours it took from
// interview approval (kept on the application, so the weekly figures and /metrics never recompute them), the
// working-hours function that measures them, the backfill of applications printed before, and the indexes of
// the weekly figures (db/queries/office-metrics.ts).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Hours of [from_at, to_at) that fall on working days of the SLA's calendar, days taken in the office's zone:
  // Saturdays, Sundays and the holidays table's dates do not count; a working day counts all of its 24 hours.
  await sql`
    create function working_hours_between(from_at timestamptz, to_at timestamptz, zone text) returns double precision
    language sql stable as $$
      select coalesce(round((sum(extract(epoch from
               least(to_at, ((day + 1)::timestamp at time zone zone)) - greatest(from_at, (day::timestamp at time zone zone))
             )) / 3600)::numeric, 2)::double precision, 0)
      from generate_series((from_at at time zone zone)::date, (to_at at time zone zone)::date, interval '1 day') as days(d)
      cross join lateral (select d::date as day) as local_day
      where from_at < to_at
        and extract(isodow from day) < 6
        and not exists (select 1 from holidays h where h.date = day)
    $$`.execute(db);
  await db.schema
    .alterTable('applications')
    .addColumn('printed_at', 'timestamptz')
    .addColumn('interview_to_print_hours', 'double precision')
    .execute();
  // Printed before: the audit entry that left AWAITING_PRINTING for a printed stage (the first, should a retry repeat it).
  await sql`
    update applications a
    set printed_at = p.at,
        interview_to_print_hours = case when a.interview_approved_at is null then null
          else working_hours_between(a.interview_approved_at, p.at, o.time_zone) end
    from (
      select application_id, min(at) as at from audit_log
      where previous_stage = 'AWAITING_PRINTING' and stage in ('READY_FOR_PICKUP', 'IN_DELIVERY')
      group by application_id
    ) p, offices o
    where a.id = p.application_id and o.code = a.office_code and a.printed_at is null`.execute(db);
  await db.schema.createIndex('applications_office_printed_at').on('applications').columns(['office_code', 'printed_at']).where(sql.ref('printed_at'), 'is not', null).execute();
  await db.schema.createIndex('applications_office_sla_deadline').on('applications').columns(['office_code', 'sla_deadline']).where(sql.ref('sla_deadline'), 'is not', null).execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  await db.schema.createIndex('compensations_created_at').on('compensations').column('created_at').execute();
  await db.schema.createIndex('notifications_no_show_created_at').on('notifications').column('created_at').where(sql.ref('kind'), '=', 'NO_SHOW').execute();
  await db.schema.createIndex('refunds_opened_at').on('refunds').column('opened_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['refunds_opened_at', 'notifications_no_show_created_at', 'compensations_created_at', 'audit_log_at', 'applications_office_sla_deadline', 'applications_office_printed_at']) {
    await db.schema.dropIndex(index).execute();
  }
  await db.schema.alterTable('applications').dropColumn('printed_at').dropColumn('interview_to_print_hours').execute();
  await sql`drop function working_hours_between(timestamptz, timestamptz, text)`.execute(db);
}
