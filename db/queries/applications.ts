// Applications as the API shows them. Every field any response carries is mapped from its columns once,
// in FIELDS; each audience's view picks the fields it may see (and reads only their columns), so a field
// a caller must not see is one left out of a pick, never a second mapping.
import { sql, type InsertQueryBuilder, type Kysely, type QueryCreator, type SelectQueryBuilder } from 'kysely';
import { localDate, MAX_SCAN_DAYS, nthWorkingDayAfter } from '../../workflows/calendar.js';
import { OFFICER_QUEUE_STAGES, type ApplicationType, type Stage } from '../../workflows/definitions.js';
import { getTypeParser, prepared } from '../connect.js';
import type { Application, DB } from '../schema.js';
import { transactionFacts } from './bank-transactions.js';

type Column = keyof Application;
interface Field<C extends Column, V> {
  columns: readonly C[];
  /** Sees only its own columns, so the columns a view reads are always the ones its fields need. */
  value: (row: Pick<Application, C>) => V;
}
const field = <C extends Column, V>(columns: readonly C[], value: (row: Pick<Application, C>) => V): Field<C, V> => ({ columns, value });
type ColumnOfType<T> = { [C in Column]: Application[C] extends T ? C : never }[Column];
const column = <C extends Column>(c: C) => field([c], (a) => a[c]);
const instant = <C extends ColumnOfType<Date>>(c: C) => field([c], (a) => (a[c] as Date).toISOString());
const instantOrNull = <C extends ColumnOfType<Date | null>>(c: C) => field([c], (a) => (a[c] as Date | null)?.toISOString() ?? null);

const FIELDS = {
  applicationId: column('id'),
  trackingCode: column('tracking_code'),
  applicationType: field(['application_type'], (a) => a.application_type as ApplicationType),
  product: column('product'),
  officeCode: column('office_code'),
  fullName: column('full_name'),
  stage: field(['stage'], (a) => a.stage as Stage),
  stageEnteredAt: instant('stage_entered_at'),
  nextDeadline: instantOrNull('next_deadline'),
  billingCode: column('billing_code'),
  amount: column('amount'),
  paymentDeadline: instant('payment_deadline'),
  appointment: field(['appointment_date', 'appointment_session'], (a) =>
    a.appointment_date ? { date: a.appointment_date, session: a.appointment_session ?? '' } : null,
  ),
  deliveryMethod: column('delivery_method'),
  slaDeadline: instantOrNull('sla_deadline'),
  slaBreached: column('sla_breached'),
  posTrackingNumber: column('pos_tracking_number'),
  createdAt: instant('created_at'),
  // Personal data: for the applicant and the application's office only.
  nik: column('nik'),
  sex: column('sex'),
  birthDate: column('birth_date'),
  email: column('email'),
  phone: column('phone'),
  deliveryAddress: column('delivery_address'),
  oldPassportNumber: column('old_passport_number'),
  incidentReport: column('incident_report'),
  service: column('service'),
  // Personal too (a disability, a pregnancy): the ground for a priority seat and where its review stands.
  priority: field(['priority_ground', 'priority_status'], (a) => (a.priority_ground && a.priority_status ? { ground: a.priority_ground, status: a.priority_status } : null)),
  // Whether the application holds a priority seat, without its ground (the queue's mark; the ground is personal).
  prioritySeat: field(['priority_ground', 'priority_status'], (a) => a.priority_ground !== null && a.priority_status !== 'NOT_CONFIRMED'),
  // The civil-registry (Dukcapil) check: null when none was made.
  registryCheck: column('registry_check'),
};

type Fields = typeof FIELDS;
export type ApplicationField = keyof Fields;
type ColumnOf<K extends ApplicationField> = Fields[K]['columns'][number];
export type ApplicationView<K extends ApplicationField> = { [F in K]: ReturnType<Fields[F]['value']> };

/** The fields one audience sees: the columns to read for them, and the mapping of a row read so. */
export interface View<K extends ApplicationField> {
  fields: readonly K[];
  columns: ColumnOf<K>[];
  of: (row: Pick<Application, ColumnOf<K>>) => ApplicationView<K>;
}

export function pick<const K extends ApplicationField>(...fields: K[]): View<K> {
  const columns = [...new Set(fields.flatMap((f) => FIELDS[f].columns as readonly ColumnOf<K>[]))];
  const of = (row: Pick<Application, ColumnOf<K>>) =>
    Object.fromEntries(fields.map((f) => [f, (FIELDS[f].value as unknown as (r: typeof row) => unknown)(row)])) as ApplicationView<K>;
  return { fields, columns, of };
}

/** An applicant's own applications (the list), and the start of what their office sees. */
export const SUMMARY = pick(
  'applicationId', 'trackingCode', 'applicationType', 'product', 'officeCode', 'fullName', 'stage', 'stageEnteredAt', 'nextDeadline',
  'billingCode', 'amount', 'paymentDeadline', 'appointment', 'deliveryMethod', 'slaDeadline', 'slaBreached', 'posTrackingNumber', 'createdAt',
);
/** Everything, personal data included: for the applicant and the application's office. */
export const DETAIL = pick(...SUMMARY.fields, 'nik', 'sex', 'birthDate', 'email', 'phone', 'deliveryAddress', 'oldPassportNumber', 'incidentReport', 'registryCheck', 'service', 'priority');
/** Anyone with the tracking code: nothing personal, no ids. */
export const TRACKING = pick('trackingCode', 'stage', 'stageEnteredAt', 'nextDeadline', 'officeCode', 'appointment', 'slaBreached', 'deliveryMethod', 'posTrackingNumber');
/** An office's queue of the day: the applicant's name to call, no other personal data. */
export const QUEUE_ITEM = pick('applicationId', 'trackingCode', 'fullName', 'applicationType', 'stage', 'stageEnteredAt', 'appointment', 'slaDeadline', 'slaBreached', 'deliveryMethod', 'service', 'prioritySeat');
/** Managers' lists: nothing personal. */
export const LISTED = pick('applicationId', 'trackingCode', 'officeCode', 'applicationType', 'stage', 'stageEnteredAt', 'slaDeadline');

/** Narrowed to a manager's offices; every office when `offices` is undefined. */
export const inOffices =
  (offices: string[] | undefined) =>
  <O>(q: SelectQueryBuilder<DB, 'applications', O>): SelectQueryBuilder<DB, 'applications', O> =>
    offices ? q.where('applications.office_code', 'in', offices) : q;

/** The stage changes of an application, oldest first, with who made each and why. */
export const timelineOf = async (db: Kysely<DB>, id: string) =>
  (await db.selectFrom('audit_log').select(['stage', 'at', 'actor', 'reason']).where('application_id', '=', id).orderBy('seq').execute()).map((e) => ({
    stage: e.stage as Stage,
    at: e.at.toISOString(),
    actor: e.actor,
    reason: e.reason,
  }));

export const applicationsOfAccount = async (db: Kysely<DB>, accountId: string) =>
  (await db.selectFrom('applications').select(SUMMARY.columns).where('account_id', '=', accountId).orderBy('created_at', 'desc').execute()).map(SUMMARY.of);

/**
 * The money of an application: the payments applied to it, and the refund of each payment of its billing code that
 * could not be applied (its stage, why, and when). Only this application's: both are keyed by its id.
 */
export async function moneyOf(db: Kysely<DB>, id: string, billingCode: string) {
  const payments = await db
    .selectFrom('payments')
    .select(['bank', 'bank_transaction_id', 'ntpn', 'amount', 'paid_at'])
    .where('application_id', '=', id)
    .orderBy('paid_at')
    .execute();
  const refunds = await db
    .selectFrom('refunds')
    .select(['bank', 'transaction_id', 'ntpn', 'billing_code', 'amount', 'paid_at', 'reason', 'stage', 'opened_at', 'stage_entered_at', 'decline_reason', 'bank_reference', 'confirmed_at'])
    .where('application_id', '=', id)
    .where('billing_code', '=', billingCode)
    .orderBy('opened_at')
    .execute();
  return {
    payments: payments.map((p) => ({ bank: p.bank, transactionId: p.bank_transaction_id, ntpn: p.ntpn, amount: p.amount, paidAt: p.paid_at.toISOString() })),
    refunds: refunds.map((r) => ({
      ...transactionFacts(r),
      reason: r.reason,
      stage: r.stage,
      openedAt: r.opened_at.toISOString(),
      stageEnteredAt: r.stage_entered_at.toISOString(),
      declineReason: r.decline_reason,
      bankReference: r.bank_reference,
      refundedAt: r.confirmed_at?.toISOString() ?? null,
    })),
  };
}

/** Everything about one application, personal data and its money included: for its applicant and its office only. */
export async function applicationDetail(db: Kysely<DB>, id: string) {
  const row = await db.selectFrom('applications').select(DETAIL.columns).where('id', '=', id).executeTakeFirstOrThrow();
  return { ...DETAIL.of(row), timeline: await timelineOf(db, id), ...(await moneyOf(db, id, row.billing_code)), bap: await bapOf(db, id) };
}

/** The BAP (investigation report) recorded for a lost or damaged passport, or null. */
export async function bapOf(db: Kysely<DB>, id: string) {
  const row = await db.selectFrom('baps').select(['report_number', 'cause', 'fine_amount', 'recorded_at']).where('application_id', '=', id).executeTakeFirst();
  return row ? { reportNumber: row.report_number, cause: row.cause, fineAmount: row.fine_amount, recordedAt: row.recorded_at.toISOString() } : null;
}

/** The text of a timestamptz as PostgreSQL sends it, parsed as pg parses the column itself. */
const parseTimestamptz = getTypeParser(1184, 'text') as (value: string) => Date;

/** A token to take in the same statement as the read (a rate limit's upsert, returning a row when one was left). */
export type TokenTake = (db: QueryCreator<DB>) => InsertQueryBuilder<DB, 'rate_limits', { key: Buffer }>;

/**
 * What the public tracking page shows, with the date the passport is due when known; undefined for an unknown code.
 * One statement, one round trip: the application, its timeline and the holidays its estimate needs; with `token`,
 * the rate limit's token too, taken first (a code looked up without a token left is 'refused', and not read).
 */
export async function trackApplication(db: Kysely<DB>, trackingCode: string, slaWorkingDays: number, token?: TokenTake) {
  const read = token
    ? db
        .with('token', token)
        .selectFrom('token')
        .leftJoin('applications', (join) => join.on('applications.tracking_code', '=', trackingCode))
        .leftJoin('offices', 'offices.code', 'applications.office_code')
    : plainRead(db).where('applications.tracking_code', '=', trackingCode);
  const query = (read as ReturnType<typeof plainRead>)
    .select([...TRACKING.columns, 'applications.id', 'sla_deadline', 'offices.time_zone'])
    .select((eb) => [
      // Ordered inside the aggregate: an ordered subquery's order is not one json_agg promises to keep.
      sql<Array<{ stage: string; at: string }>>`(select coalesce(json_agg(json_build_object('stage', e.stage, 'at', e.at::text) order by e.seq), '[]')
        from audit_log e where e.application_id = applications.id)`.as('timeline'),
      // Only an estimate made from the appointment needs holidays, and only those its working-day count may reach.
      sql<string[]>`(select coalesce(json_agg(h.date order by h.date), '[]') from holidays h
        where applications.sla_deadline is null and h.date > applications.appointment_date and h.date <= applications.appointment_date + ${MAX_SCAN_DAYS}::int)`.as(
        'holidays',
      ),
    ]);
  // Prepared: its subqueries take longer to plan than to run.
  const [found] = (await db.executeQuery(prepared(query.compile()))).rows;
  if (!found) return token ? ('refused' as const) : undefined;
  if (found.id === null) return undefined; // a token taken, no such code
  return trackingOf(found, slaWorkingDays);
}

/** The tracking read's row as the public sees it. */
export function trackingOf(row: TrackingRow, slaWorkingDays: number) {
  // The same working-day rule as the SLA timer: due on the last day before its deadline's midnight.
  let estimatedCompletion: string | null = null;
  if (row.sla_deadline) estimatedCompletion = localDate(new Date(row.sla_deadline.getTime() - 1), row.time_zone);
  else if (row.appointment_date) {
    try {
      estimatedCompletion = nthWorkingDayAfter(row.appointment_date, slaWorkingDays, new Set(row.holidays));
    } catch (error) {
      // An appointment booked before the horizon existed may lie at the end of time: no estimate, never a hang.
      if (!(error instanceof RangeError)) throw error;
    }
  }
  // A step that keeps the stage (a BAP recorded, a session changed) is not a new stage to the public.
  const timeline = row.timeline
    .filter((e, i, all) => i === 0 || all[i - 1]!.stage !== e.stage)
    .map(({ stage, at }) => ({ stage: stage as Stage, at: parseTimestamptz(at).toISOString() }));
  return { ...TRACKING.of(row), timeZone: row.time_zone, estimatedCompletion, timeline };
}
type TrackingRow = Pick<Application, ColumnOf<(typeof TRACKING.fields)[number]> | 'sla_deadline'> & {
  time_zone: string;
  timeline: Array<{ stage: string; at: string }>;
  holidays: string[];
};

/** The read without a token: its type is the one both reads answer (the token's join only makes its columns nullable). */
const plainRead = (db: Kysely<DB>) => db.selectFrom('applications').innerJoin('offices', 'offices.code', 'applications.office_code');

/**
 * An office's work for a day: interviews booked that day, then passports to print, then to hand over.
 * `everyInterview`: every interview booked, whatever its date (the demo clock opens each appointment day at booking).
 */
export async function officeQueue(db: Kysely<DB>, officeCode: string, date: string, options: { everyInterview?: boolean } = {}) {
  const rows = await db
    .selectFrom('applications')
    .select(QUEUE_ITEM.columns)
    .where('office_code', '=', officeCode)
    .where((eb) =>
      eb.or([
        eb.and([eb('stage', '=', 'AWAITING_INTERVIEW'), options.everyInterview ? eb('appointment_date', 'is not', null) : eb('appointment_date', '=', date)]),
        eb('stage', 'in', ['AWAITING_PRINTING', 'READY_FOR_PICKUP']),
      ]),
    )
    .orderBy('appointment_date')
    .orderBy('appointment_session', 'desc') // MORNING before AFTERNOON
    .orderBy('stage_entered_at')
    .execute();
  return rows.map(QUEUE_ITEM.of).sort((a, b) => OFFICER_QUEUE_STAGES.indexOf(a.stage) - OFFICER_QUEUE_STAGES.indexOf(b.stage));
}

/** How many applications are in each stage (stages with none are absent). */
export async function countByStage(db: Kysely<DB>, offices: string[] | undefined): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('applications')
    .select(['stage', (eb) => eb.fn.countAll<string>().as('n')])
    .$call(inOffices(offices))
    .groupBy('stage')
    .execute();
  return new Map(rows.map((r) => [r.stage, Number(r.n)]));
}

/** The application that has waited longest in each of `stages` (stages with none are absent). */
export async function oldestPerStage(db: Kysely<DB>, offices: string[] | undefined, stages: readonly Stage[]) {
  const rows = await db
    .selectFrom('applications')
    .distinctOn('stage')
    .select(LISTED.columns)
    .where('stage', 'in', stages)
    .$call(inOffices(offices))
    .orderBy('stage')
    .orderBy('stage_entered_at')
    .execute();
  return new Map(rows.map((r) => [r.stage as Stage, LISTED.of(r)]));
}
