// The office's numbers (issue 16) end to end: applications of two offices driven through the real lifecycle on a
// time-skipping server (real activities, a database of this file's own) across two weeks, with an SLA met, a
// breach, a no-show, a refund and at-risk warnings; then GET /manager/metrics/weekly and /metrics over HTTP answer
// what the test counts from what it drove. Expected figures are tallied here, never read back from the query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectionActivities } from '../../activities/projection.js';
import { createApp } from '../../api/app.js';
import { mintStaffToken } from '../../api/auth.js';
import { listen } from '../../api/server.js';
import { loadConfig, policyFrom } from '../../config.js';
import * as officeMetricsMigration from '../../db/migrations/2026_12_04_101_office_metrics.js';
import { loadHolidays } from '../../db/queries/holidays.js';
import { mondayOf } from '../../db/queries/office-metrics.js';
import { addDays, dateMs, endOfLocalDay, isWorkingDay, localDate } from '../../workflows/calendar.js';
import { STAGES, recordInterview, recordPrinting, type Stage } from '../../workflows/definitions.js';
import { bankTransactionFor, decided, refundOpened } from '../support/bank.js';
import { ownDatabase } from '../support/databases.js';
import { eventually } from '../support/eventually.js';
import { applicationRow } from '../support/read-model.js';
import { awaitingInterview, officerOf, onAppointmentDay, skipTo, stageReached } from '../support/scenarios.js';
import { TEST_CONFIG, caller } from '../support/service.js';
import { startTimeSkipping } from '../support/workflows.js';

const ZONES = { PLU: 'Asia/Makassar', WSB: 'Asia/Jakarta' } as const;
type Office = keyof typeof ZONES;

let database: Awaited<ReturnType<typeof ownDatabase>>;
let t: Awaited<ReturnType<typeof startTimeSkipping>>;
let api: Awaited<ReturnType<typeof listen>>;
const config = loadConfig(TEST_CONFIG);
const call = (path: string, office: string) => async () => {
  const token = await mintStaffToken(config.JWT_SECRET, { sub: `manager-${office}`, role: 'manager', office });
  return caller(api.url)('GET', path, undefined, { authorization: `Bearer ${token}` });
};
const get = (path: string, office = '*') => call(path, office)();

/** What the test drove, per office and week (office local, Monday), tallied as it happened. */
interface Tally {
  submitted: number;
  entered: Partial<Record<Stage, number>>;
  sla: { met: number; breached: number; pending: number };
  compensations: number;
  printedHours: number[];
  noShows: number;
  refunds: { count: number; amount: number };
  atRisk: { PRINTING: number; DELIVERY: number; printedInTime: number };
}
const tallies = new Map<string, Tally>();
const tally = (office: Office, instant: string): Tally => {
  const key = `${office} ${mondayOf(localDate(new Date(instant), ZONES[office]))}`;
  if (!tallies.has(key)) {
    tallies.set(key, { submitted: 0, entered: {}, sla: { met: 0, breached: 0, pending: 0 }, compensations: 0, printedHours: [], noShows: 0, refunds: { count: 0, amount: 0 }, atRisk: { PRINTING: 0, DELIVERY: 0, printedInTime: 0 } });
  }
  return tallies.get(key)!;
};
const entered = (office: Office, at: string, stage: Stage) => {
  const week = tally(office, at);
  week.entered[stage] = (week.entered[stage] ?? 0) + 1;
};

/** Working hours counted by hand: each local day of the interval that is a working day adds its part of the interval. */
function workingHours(from: string, to: string, zone: string, holidays: ReadonlySet<string>): number {
  let ms = 0;
  for (let day = localDate(new Date(from), zone); day <= localDate(new Date(to), zone); day = addDays(day, 1)) {
    if (!isWorkingDay(day, holidays)) continue;
    const starts = endOfLocalDay(day, zone).getTime() - 86_400_000;
    ms += Math.max(0, Math.min(Date.parse(to), starts + 86_400_000) - Math.max(Date.parse(from), starts));
  }
  return ms / 3_600_000;
}
/** Interpolated percentile, as PostgreSQL's percentile_cont. */
const percentile = (values: number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  return sorted[low]! + (rank - low) * ((sorted[Math.ceil(rank)] ?? sorted[low]!) - sorted[low]!);
};

let firstWeek = '';

beforeAll(async () => {
  database = await ownDatabase('office_metrics');
  t = await startTimeSkipping({ databaseUrl: database.url });
  api = await listen(createApp({ db: t.db, temporal: t.client, config, taskQueue: t.taskQueue, policy: policyFrom(config) }), 0, '127.0.0.1');
  const holidays = await loadHolidays(t.db);
  const officer = officerOf('PLU');
  const now = () => t.now();

  await t.withWorker(async () => {
    // From the next Monday 01:00 UTC (09:00 WITA, 08:00 WIB): every office's week starts that day.
    const today = (await now()).slice(0, 10);
    firstWeek = addDays(mondayOf(today), 7);
    await skipTo(t, `${firstWeek}T01:00:00Z`, 0);

    const submit = async (office: Office) => {
      const app = await awaitingInterview(t, { officeCode: office });
      const at = await now();
      tally(office, at).submitted++;
      for (const stage of ['AWAITING_PAYMENT', 'AWAITING_BOOKING', 'AWAITING_INTERVIEW'] as const) entered(office, at, stage);
      return app;
    };
    const [a1, a2, a4] = [await submit('PLU'), await submit('PLU'), await submit('PLU')];
    const a3 = await submit('WSB');

    // A second payment of a1's billing code: refunded (a refund of PLU's, opened now).
    const twice = bankTransactionFor(a1, await now());
    await t.see(twice);
    expect((await decided(t.db, twice)).outcome).toBe('REFUND');
    const refund = await eventually(() => t.db.selectFrom('refunds').selectAll().executeTakeFirst(), (r) => r !== undefined, 30_000);
    await refundOpened(t.client, twice); // its own side is tested elsewhere: ended here, its row kept
    tally('PLU', refund!.opened_at.toISOString()).refunds.count++;
    tally('PLU', refund!.opened_at.toISOString()).refunds.amount += a1.amount;

    // Interview day (PLU): a1, a2 and a4 approved; a1 printed two hours later.
    await onAppointmentDay(t, a1.appointment);
    const approvedAt: Record<string, string> = {};
    for (const app of [a1, a2, a4]) {
      await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      approvedAt[app.applicationId] = await now();
      entered('PLU', approvedAt[app.applicationId]!, 'AWAITING_PRINTING');
    }
    const printed = async (app: typeof a1, passportNumber: string, inTime: boolean) => {
      await app.handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber }] });
      const at = await now();
      const row = await applicationRow(t.db, app.applicationId);
      entered('PLU', at, row.delivery_method === 'POS' ? 'IN_DELIVERY' : 'READY_FOR_PICKUP');
      tally('PLU', at).printedHours.push(workingHours(approvedAt[app.applicationId]!, at, ZONES.PLU, holidays));
      if (inTime) tally('PLU', row.sla_deadline!.toISOString()).sla.met++;
    };
    await skipTo(t, new Date(Date.parse(await now()) + 2 * 3_600_000).toISOString(), 0);
    await printed(a1, 'X1000001', true);

    // WSB's applicant does not come: the day ends, NO_SHOW, and the application may be booked again.
    await skipTo(t, a3.appointment.endsAt);
    const noShow = await stageReached(t, a3.applicationId, 'AWAITING_BOOKING');
    tally('WSB', noShow.stage_entered_at.toISOString()).noShows++;
    entered('WSB', noShow.stage_entered_at.toISOString(), 'AWAITING_BOOKING');

    // The SLA's last day: a2 and a4 warned at its opening; a4 printed that afternoon, a2 missed and compensated.
    const deadline = (await applicationRow(t.db, a2.applicationId)).sla_deadline!.toISOString();
    await skipTo(t, new Date(Date.parse(deadline) - 4 * 3_600_000).toISOString(), 0);
    const warnings = await eventually(() => t.db.selectFrom('at_risk_warnings').selectAll().execute(), (rows) => rows.length === 2);
    for (const w of warnings) tally('PLU', w.warned_at.toISOString()).atRisk.PRINTING++;
    await printed(a4, 'X1000004', true);
    tally('PLU', warnings[0]!.warned_at.toISOString()).atRisk.printedInTime++;
    await skipTo(t, deadline);
    const breach = await eventually(() => t.db.selectFrom('compensations').selectAll().executeTakeFirst(), (c) => c !== undefined);
    tally('PLU', breach!.created_at.toISOString()).compensations++;
    tally('PLU', deadline).sla.breached++;

    // a2 printed the next Monday (by Pos, at no cost), over the weekend.
    const nextMonday = addDays(mondayOf(localDate(new Date(deadline), ZONES.PLU)), 7);
    await skipTo(t, new Date(dateMs(nextMonday) + 3 * 3_600_000).toISOString(), 0); // 11:00 WITA
    await printed(a2, 'X1000002', false);
  });
}, 120_000);

afterAll(async () => {
  await api?.close();
  await t?.teardown();
  await database?.drop();
});

const expectedWeek = (office: Office, weekStart: string) => {
  const w = tally(office, `${weekStart}T12:00:00+09:00`);
  return {
    officeCode: office,
    weekStart,
    weekEnd: addDays(weekStart, 6),
    submitted: w.submitted,
    entered: Object.fromEntries(STAGES.map((s) => [s, w.entered[s] ?? 0])),
    sla: { ...w.sla, ratio: w.sla.met + w.sla.breached === 0 ? null : expect.closeTo(w.sla.met / (w.sla.met + w.sla.breached), 3) },
    compensations: w.compensations,
    interviewToPrint: {
      printed: w.printedHours.length,
      medianWorkingHours: w.printedHours.length ? expect.closeTo(percentile(w.printedHours, 0.5)!, 1) : null,
      p90WorkingHours: w.printedHours.length ? expect.closeTo(percentile(w.printedHours, 0.9)!, 1) : null,
    },
    noShows: w.noShows,
    refunds: w.refunds,
    atRisk: w.atRisk,
  };
};

describe('GET /manager/metrics/weekly', () => {
  it('answers, per office and week, the figures of what was driven: submitted, stages, SLA, compensations, printing hours, no-shows, refunds, warnings', async () => {
    const response = await get(`/manager/metrics/weekly?from=${firstWeek}&weeks=3`);
    expect(response.status).toBe(200);
    const weeks = [firstWeek, addDays(firstWeek, 7), addDays(firstWeek, 14)];
    const offices = (await t.db.selectFrom('offices').select('code').orderBy('code').execute()).map((o) => o.code);
    expect(response.body.scope).toBe('*');
    expect(response.body.weeks).toHaveLength(3 * offices.length);
    for (const week of weeks) {
      for (const office of ['PLU', 'WSB'] as const) {
        expect(response.body.weeks.find((w: { officeCode: string; weekStart: string }) => w.officeCode === office && w.weekStart === week), `${office} ${week}`).toEqual(expectedWeek(office, week));
      }
    }
    // What the tally holds, in words: three PLU applications with two SLAs met and one breached and compensated,
    // two warnings, a refund, three printings over two weeks; WSB's no-show.
    const plu = [...tallies.entries()].filter(([key]) => key.startsWith('PLU ')).map(([, w]) => w);
    const total = (pick: (w: Tally) => number) => plu.reduce((n, w) => n + pick(w), 0);
    expect([total((w) => w.submitted), total((w) => w.sla.met), total((w) => w.sla.breached), total((w) => w.compensations), total((w) => w.atRisk.PRINTING), total((w) => w.refunds.count)]).toEqual([3, 2, 1, 1, 2, 1]);
    expect(plu.filter((w) => w.printedHours.length > 0)).toHaveLength(2);
    expect([...tallies.entries()].filter(([key]) => key.startsWith('WSB ')).reduce((n, [, w]) => n + w.noShows, 0)).toBe(1);
  });

  it("keeps an office's manager to their own office: their weeks by default, 403 for another; the directorate picks one", async () => {
    const own = await get(`/manager/metrics/weekly?from=${firstWeek}&weeks=2`, 'PLU');
    expect(own.status).toBe(200);
    expect(own.body.scope).toBe('PLU');
    expect(own.body.weeks.map((w: { officeCode: string; weekStart: string }) => `${w.officeCode} ${w.weekStart}`)).toEqual([`PLU ${firstWeek}`, `PLU ${addDays(firstWeek, 7)}`]);
    const other = await get('/manager/metrics/weekly?office=WSB', 'PLU');
    expect(other.status).toBe(403);
    expect(other.contentType).toContain('application/problem+json');
    const one = await get(`/manager/metrics/weekly?office=WSB&from=${addDays(firstWeek, 3)}&weeks=1`);
    expect(one.body.weeks).toEqual([expectedWeek('WSB', firstWeek)]);
    expect((await get('/manager/metrics/weekly?office=XYZ')).status).toBe(404);
    expect((await caller(api.url)('GET', '/manager/metrics/weekly')).status).toBe(401);
  });

  it('refuses a bad value with 400 naming the field', async () => {
    for (const [query, field] of [
      ['weeks=0', 'weeks'],
      ['weeks=27', 'weeks'],
      ['weeks=two', 'weeks'],
      ['weeks=1.5', 'weeks'],
      ['weeks=0x10', 'weeks'],
      ['weeks=%20', 'weeks'],
      ['from=2026-02-30', 'from'],
      ['from=0000-01-01', 'from'],
      ['from=0001-01-02', 'from'],
      ['from=2999-01-04', 'from'],
      ['office=plu', 'office'],
    ]) {
      const response = await get(`/manager/metrics/weekly?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field), query).toEqual([`query.${field}`]);
    }
  });
});

describe('/metrics', () => {
  it("exposes the office's totals, open applications per stage and the interview-to-printing histogram", async () => {
    const text: string = (await caller(api.url)('GET', '/metrics')).body;
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    const all = [...tallies.entries()].filter(([key]) => key.startsWith('PLU ')).map(([, w]) => w);
    const sum = (pick: (w: Tally) => number) => all.reduce((n, w) => n + pick(w), 0);
    expect(value('passport_sla_met_total{office="PLU"}')).toBe(sum((w) => w.sla.met));
    expect(value('passport_sla_breached_total{office="PLU"}')).toBe(1);
    expect(value('passport_compensations_total{office="PLU"}')).toBe(1);
    expect(value('passport_refunds_total{office="PLU"}')).toBe(1);
    expect(value('passport_refunds_rupiah_total{office="PLU"}')).toBe(sum((w) => w.refunds.amount));
    expect(value('passport_no_shows_total{office="WSB"}')).toBe(1);
    expect(value('passport_no_shows_total{office="PLU"}')).toBe(0);
    expect(value('passport_at_risk_warnings_total{office="PLU",kind="PRINTING"}')).toBe(2);
    expect(value('passport_applications{office="PLU",stage="READY_FOR_PICKUP"}')).toBe(2);
    expect(value('passport_applications{office="PLU",stage="IN_DELIVERY"}')).toBe(1);
    expect(value('passport_applications{office="WSB",stage="AWAITING_BOOKING"}')).toBe(1);
    const hours = all.flatMap((w) => w.printedHours);
    expect(value('passport_interview_to_print_working_hours_count{office="PLU"}')).toBe(3);
    expect(value('passport_interview_to_print_working_hours_bucket{office="PLU",le="+Inf"}')).toBe(3);
    expect(value('passport_interview_to_print_working_hours_bucket{office="PLU",le="8"}')).toBe(hours.filter((h) => h <= 8).length);
    expect(value('passport_interview_to_print_working_hours_bucket{office="PLU",le="72"}')).toBe(hours.filter((h) => h <= 72).length);
    expect(value('passport_interview_to_print_working_hours_sum{office="PLU"}')).toBeCloseTo(hours.reduce((a, b) => a + b, 0), 0);
  });
});

describe('printed_at and interview_to_print_hours', () => {
  const printedRows = () =>
    t.db.selectFrom('applications').select(['id', 'printed_at', 'interview_to_print_hours']).where('printed_at', 'is not', null).orderBy('id').execute();

  it('are kept from the first write: the printing change written again later (a retry) changes neither', async () => {
    const before = await printedRows();
    expect(before).toHaveLength(3);
    const entry = await t.db.selectFrom('audit_log').selectAll().where('application_id', '=', before[0]!.id).where('previous_stage', '=', 'AWAITING_PRINTING').where('stage', '!=', 'AWAITING_PRINTING').executeTakeFirstOrThrow();
    const later = new Date(entry.at.getTime() + 86_400_000).toISOString();
    await createProjectionActivities({ db: t.db }).recordStage({
      applicationId: entry.application_id,
      seq: entry.seq,
      stage: entry.stage as Stage,
      previousStage: 'AWAITING_PRINTING',
      actor: entry.actor,
      at: later,
      stageEnteredAt: later,
    });
    expect(await printedRows()).toEqual(before);
  });

  it('are what the migration computes from the audit log for passports printed before it', async () => {
    const written = await printedRows();
    await officeMetricsMigration.down(t.db);
    await officeMetricsMigration.up(t.db);
    expect(await printedRows()).toEqual(written);
  });
});
