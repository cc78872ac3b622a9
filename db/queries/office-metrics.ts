// The office's numbers over time (issue 16): per office and ISO week for the managers' API
// (api/routes/office-metrics.ts), and per office since the start for Prometheus (api/metrics.ts).
// A week is Monday 00:00 to the next Monday 00:00 in the office's own time zone. Each figure, precisely:
// - submitted: applications whose workflow recorded its first stage (the audit entry without a previous stage) in the week;
// - entered[stage]: audit entries that moved an application into that stage from another (or first) in the week;
//   a stage entered again (a reschedule, a breach) is not counted twice;
// - sla: applications whose SLA deadline fell in the week: met (printed by the deadline, not breached),
//   breached (compensated), pending (neither yet); ratio = met / (met + breached), null when both are 0;
// - compensations: compensations recorded in the week;
// - interviewToPrint: applications printed in the week (left AWAITING_PRINTING for READY_FOR_PICKUP or IN_DELIVERY),
//   the median and 90th percentile (interpolated) of their working hours from interview approval to printing:
//   hours on working days of the SLA's calendar only (weekends and holidays do not count), null when none;
// - noShows: NO_SHOW notices recorded in the week (each missed appointment once);
// - refunds: refunds of the office opened in the week, and their rupiah;
// - atRisk: at-risk warnings raised in the week per kind, and of the PRINTING ones, those printed by their SLA deadline.
import { sql, type Kysely } from 'kysely';
import { addDays, dateMs } from '../../workflows/calendar.js';
import { AT_RISK_KINDS, STAGES, TERMINAL_STAGES, type AtRiskKind, type Stage } from '../../workflows/definitions.js';
import type { DB } from '../schema.js';

export interface OfficeWeek {
  officeCode: string;
  /** The Monday and the Sunday of the week (office local dates). */
  weekStart: string;
  weekEnd: string;
  submitted: number;
  entered: Record<Stage, number>;
  sla: { met: number; breached: number; pending: number; ratio: number | null };
  compensations: number;
  interviewToPrint: { printed: number; medianWorkingHours: number | null; p90WorkingHours: number | null };
  noShows: number;
  refunds: { count: number; amount: number };
  atRisk: Record<AtRiskKind, number> & { printedInTime: number };
}

/** The Monday of the ISO week a date falls in. */
export function mondayOf(date: string): string {
  return addDays(date, -((new Date(dateMs(date)).getUTCDay() + 6) % 7));
}

interface WeekRow {
  office_code: string;
  week_start: string;
  submitted: string;
  entered: Record<string, string> | null;
  sla_met: string;
  sla_breached: string;
  sla_pending: string;
  compensations: string;
  printed: string;
  median_hours: number | null;
  p90_hours: number | null;
  no_shows: string;
  refunds: string;
  refund_amount: string;
  at_risk: Record<string, string> | null;
  printed_in_time: string;
}

/** `offices`: undefined for every office. Weeks from the one `from` falls in, oldest first, then by office. */
export async function weeklyOfficeMetrics(db: Kysely<DB>, opts: { offices: string[] | undefined; from: string; weeks: number }): Promise<OfficeWeek[]> {
  const first = mondayOf(opts.from);
  const weekStarts = Array.from({ length: opts.weeks }, (_, i) => addDays(first, 7 * i));
  const { rows } = await sql<WeekRow>`
    with weeks as (
      select o.code as office_code, w.week_start,
             (w.week_start::timestamp at time zone o.time_zone) as starts,
             ((w.week_start + 7)::timestamp at time zone o.time_zone) as ends
      from offices o cross join unnest(${weekStarts}::date[]) as w(week_start)
      where ${opts.offices ?? null}::text[] is null or o.code = any(${opts.offices ?? null}::text[])
    ),
    -- From the audit entries of the whole period (audit_log_at), not from every application the offices ever had.
    moves as (
      select w.office_code, w.week_start, l.stage, l.previous_stage
      from audit_log l
      join applications a on a.id = l.application_id
      join weeks w on w.office_code = a.office_code and l.at >= w.starts and l.at < w.ends
      where l.at >= (select min(starts) from weeks) and l.at < (select max(ends) from weeks) and l.previous_stage is distinct from l.stage
    ),
    entered as (
      select office_code, week_start, jsonb_object_agg(stage, n) as entered
      from (select office_code, week_start, stage, count(*) as n from moves group by 1, 2, 3) s
      group by 1, 2
    ),
    submitted as (
      select office_code, week_start, count(*) as n from moves where previous_stage is null group by 1, 2
    ),
    sla as (
      select w.office_code, w.week_start,
             count(*) filter (where not a.sla_breached and a.printed_at <= a.sla_deadline) as met,
             count(*) filter (where a.sla_breached) as breached,
             count(*) filter (where not a.sla_breached and (a.printed_at is null or a.printed_at > a.sla_deadline)) as pending
      from weeks w join applications a on a.office_code = w.office_code and a.sla_deadline >= w.starts and a.sla_deadline < w.ends
      group by 1, 2
    ),
    printing as (
      select w.office_code, w.week_start, count(*) as printed,
             round((percentile_cont(0.5) within group (order by a.interview_to_print_hours))::numeric, 2)::double precision as median_hours,
             round((percentile_cont(0.9) within group (order by a.interview_to_print_hours))::numeric, 2)::double precision as p90_hours
      from weeks w join applications a on a.office_code = w.office_code and a.printed_at >= w.starts and a.printed_at < w.ends
      group by 1, 2
    ),
    compensated as (
      select w.office_code, w.week_start, count(*) as n
      from weeks w join compensations c on c.created_at >= w.starts and c.created_at < w.ends
      join applications a on a.id = c.application_id and a.office_code = w.office_code
      group by 1, 2
    ),
    no_shows as (
      select w.office_code, w.week_start, count(*) as n
      from weeks w join notifications n on n.kind = 'NO_SHOW' and n.created_at >= w.starts and n.created_at < w.ends
      join applications a on a.id = n.application_id and a.office_code = w.office_code
      group by 1, 2
    ),
    refunded as (
      select w.office_code, w.week_start, count(*) as n, sum(r.amount) as amount
      from weeks w join refunds r on r.office_code = w.office_code and r.opened_at >= w.starts and r.opened_at < w.ends
      group by 1, 2
    ),
    warnings as (
      select w.office_code, w.week_start, r.kind, count(*) as n,
             count(*) filter (where r.kind = 'PRINTING' and not a.sla_breached and a.printed_at <= r.deadline) as printed_in_time
      from weeks w join at_risk_warnings r on r.warned_at >= w.starts and r.warned_at < w.ends
      join applications a on a.id = r.application_id and a.office_code = w.office_code
      group by 1, 2, 3
    ),
    at_risk as (
      select office_code, week_start, jsonb_object_agg(kind, n) as at_risk, sum(printed_in_time) as printed_in_time from warnings group by 1, 2
    )
    select w.office_code, w.week_start::text as week_start,
           coalesce(s.n, 0) as submitted, e.entered,
           coalesce(sla.met, 0) as sla_met, coalesce(sla.breached, 0) as sla_breached, coalesce(sla.pending, 0) as sla_pending,
           coalesce(c.n, 0) as compensations,
           coalesce(p.printed, 0) as printed, p.median_hours, p.p90_hours,
           coalesce(ns.n, 0) as no_shows,
           coalesce(rf.n, 0) as refunds, coalesce(rf.amount, 0) as refund_amount,
           ar.at_risk, coalesce(ar.printed_in_time, 0) as printed_in_time
    from weeks w
    left join submitted s using (office_code, week_start)
    left join entered e using (office_code, week_start)
    left join sla using (office_code, week_start)
    left join printing p using (office_code, week_start)
    left join compensated c using (office_code, week_start)
    left join no_shows ns using (office_code, week_start)
    left join refunded rf using (office_code, week_start)
    left join at_risk ar using (office_code, week_start)
    order by w.week_start, w.office_code`.execute(db);
  return rows.map(weekOf);
}

const countsOf = <K extends string>(keys: readonly K[], counts: Record<string, string> | null): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, Number(counts?.[k] ?? 0)])) as Record<K, number>;

function weekOf(r: WeekRow): OfficeWeek {
  const met = Number(r.sla_met);
  const breached = Number(r.sla_breached);
  return {
    officeCode: r.office_code,
    weekStart: r.week_start,
    weekEnd: addDays(r.week_start, 6),
    submitted: Number(r.submitted),
    entered: countsOf(STAGES, r.entered),
    sla: { met, breached, pending: Number(r.sla_pending), ratio: met + breached === 0 ? null : Math.round((met / (met + breached)) * 10_000) / 10_000 },
    compensations: Number(r.compensations),
    interviewToPrint: { printed: Number(r.printed), medianWorkingHours: r.median_hours, p90WorkingHours: r.p90_hours },
    noShows: Number(r.no_shows),
    refunds: { count: Number(r.refunds), amount: Number(r.refund_amount) },
    atRisk: { ...countsOf(AT_RISK_KINDS, r.at_risk), printedInTime: Number(r.printed_in_time) },
  };
}

/** Upper bounds (working hours) of the interview-to-printing histogram: a working day is 24 h, the SLA 3 working days. */
export const INTERVIEW_TO_PRINT_BUCKETS = [8, 16, 24, 36, 48, 60, 72, 96, 120, 168] as const;
export const OPEN_STAGES: readonly Stage[] = STAGES.filter((s) => !TERMINAL_STAGES.includes(s));

/** Each office's figures since the start: totals that only grow, for Prometheus counters, and open applications per stage. */
export interface OfficeTotals {
  officeCode: string;
  open: Record<Stage, number>;
  slaMet: number;
  slaBreached: number;
  compensations: number;
  noShows: number;
  refunds: number;
  refundAmount: number;
  atRisk: Record<AtRiskKind, number>;
  /** Cumulative counts per INTERVIEW_TO_PRINT_BUCKETS bound, then the count and the sum of every printed one. */
  interviewToPrint: { buckets: number[]; count: number; sum: number };
}

export async function officeTotals(db: Kysely<DB>): Promise<OfficeTotals[]> {
  const bucketCounts = sql.join(INTERVIEW_TO_PRINT_BUCKETS.map((le) => sql`count(*) filter (where interview_to_print_hours <= ${sql.lit(le)})`));
  const { rows } = await sql<{
    code: string;
    open: Record<string, string> | null;
    printing: [number, number, number[]];
    sla_met: string;
    sla_breached: string;
    compensations: string;
    no_shows: string;
    refunds: string;
    refund_amount: string;
    at_risk: Record<string, string> | null;
  }>`
    select o.code,
      (select jsonb_object_agg(stage, n) from (select stage, count(*) as n from applications a where a.office_code = o.code and a.stage = any(${OPEN_STAGES}::text[]) group by stage) s) as open,
      (select jsonb_build_array(count(*), coalesce(sum(interview_to_print_hours), 0), jsonb_build_array(${bucketCounts}))
         from applications a where a.office_code = o.code and a.interview_to_print_hours is not null) as printing,
      (select count(*) from applications a where a.office_code = o.code and not a.sla_breached and a.printed_at <= a.sla_deadline) as sla_met,
      (select count(*) from applications a where a.office_code = o.code and a.sla_breached) as sla_breached,
      (select count(*) from compensations c join applications a on a.id = c.application_id where a.office_code = o.code) as compensations,
      (select count(*) from notifications n join applications a on a.id = n.application_id where n.kind = 'NO_SHOW' and a.office_code = o.code) as no_shows,
      (select count(*) from refunds r where r.office_code = o.code) as refunds,
      (select coalesce(sum(amount), 0) from refunds r where r.office_code = o.code) as refund_amount,
      (select jsonb_object_agg(kind, n) from (select kind, count(*) as n from at_risk_warnings w join applications a on a.id = w.application_id where a.office_code = o.code group by kind) k) as at_risk
    from offices o order by o.code`.execute(db);
  return rows.map((r) => ({
    officeCode: r.code,
    open: countsOf(OPEN_STAGES as Stage[], r.open) as Record<Stage, number>,
    slaMet: Number(r.sla_met),
    slaBreached: Number(r.sla_breached),
    compensations: Number(r.compensations),
    noShows: Number(r.no_shows),
    refunds: Number(r.refunds),
    refundAmount: Number(r.refund_amount),
    atRisk: countsOf(AT_RISK_KINDS, r.at_risk),
    interviewToPrint: { count: r.printing[0], sum: r.printing[1], buckets: r.printing[2] },
  }));
}
