// The early warning (issue 16) on the time-skipping server: an application not printed by its warning point is
// marked at risk once and its office told; one printed before it never is; a breach after it is still
// compensated once; a Pos delivery near its window's end the same. Offices in WIT (UTC+9), opening at 08:00.
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeNotice } from '../../activities/notices/compose.js';
import { loadHolidays } from '../../db/queries/holidays.js';
import { addDays, isWorkingDay, localDate } from '../../workflows/calendar.js';
import { SlaAtRisk, SlaBreached, bookSession, getState, posDeliveryEvent, recordInterview, recordPrinting, type AtRiskKind } from '../../workflows/definitions.js';
import { eventually } from '../support/eventually.js';
import { officeWith, retireOffices } from '../support/offices.js';
import { countRows } from '../support/read-model.js';
import { officerOf, onAppointmentDay, pay, skipTo, submitted, workingDayAhead } from '../support/scenarios.js';
import { startTimeSkipping } from '../support/workflows.js';
import type { Submission } from '../../api/submission.js';

const HOUR = 3_600_000;
const WIT = 'Asia/Jayapura';
/** 08:00 WIT, the MORNING session's start of the offices here (the default session hours), in UTC. */
const openingOf = (date: string) => new Date(Date.parse(`${date}T08:00:00+09:00`)).toISOString();

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
let office: string;
beforeAll(async () => {
  t = await startTimeSkipping();
  office = await officeWith(t.db, 'R', WIT, { MORNING: { REGULAR: 50, SAME_DAY: 5 } });
});
// Each test's worker is gone when the next one runs, and the time-skipping server keeps a cached workflow's next task
// on that worker's sticky queue with the clock held: a timer of an earlier test's application would stall the clock.
// Each application is ended with its test's worker (t.endWithWorker).
afterAll(async () => {
  if (t) await retireOffices(t.db, [office]);
  await t?.teardown();
});

/** Paid and interviewed (approved) on a Wednesday to Friday, so three working days span a weekend; SAME_DAY: on the next working day. */
async function approved(submission: Partial<Submission> = {}) {
  const application = await submitted(t, { officeCode: office, ...submission });
  t.endWithWorker(application.handle);
  await pay(t, application);
  let date = await workingDayAhead(t, 1, office);
  for (let n = 2; submission.service !== 'SAME_DAY' && ![3, 4, 5].includes(new Date(`${date}T00:00:00Z`).getUTCDay()); n++) date = await workingDayAhead(t, n, office);
  const appointment = await application.handle.executeUpdate(bookSession, { args: [{ date, session: 'MORNING' }] });
  await onAppointmentDay(t, appointment);
  const approvedAt = await t.now();
  const state = await application.handle.executeUpdate(recordInterview, { args: [{ ...officerOf(office), outcome: 'APPROVED' }] });
  return { ...application, approvedAt, date, slaDeadline: state.slaDeadline ?? '' };
}

const warnings = (applicationId: string) => t.db.selectFrom('at_risk_warnings').selectAll().where('application_id', '=', applicationId).execute();
const noticesOf = (applicationId: string, kind: string) =>
  t.db.selectFrom('notifications').select(['id', 'effect_key']).where('application_id', '=', applicationId).where('kind', '=', kind as never).execute();
const atRiskAttribute = async (handle: WorkflowHandle) => (await handle.describe()).typedSearchAttributes.get(SlaAtRisk);

const iso = (value: unknown) => new Date(value as string).toISOString();

/** Waits for the warning of `kind` and checks everything it should have done, once: the row, the office's notice, the workflow. */
async function warnedOnce(app: { applicationId: string; handle: WorkflowHandle }, kind: AtRiskKind, deadline: string, point: string) {
  const rows = await eventually(() => warnings(app.applicationId), (found) => found.some((r) => r.kind === kind));
  const row = rows.find((r) => r.kind === kind);
  expect({ deadline: iso(row?.deadline), warnedAt: iso(row?.warned_at) }).toEqual({ deadline, warnedAt: point });
  const notices = await noticesOf(app.applicationId, kind === 'PRINTING' ? 'SLA_AT_RISK' : 'DELIVERY_AT_RISK');
  expect(notices).toMatchObject([{ effect_key: `at-risk-${kind.toLowerCase()}` }]);
  expect(await composeNotice(t.db, { source: 'application', noticeId: notices[0]?.id ?? '' })).toMatchObject({ audience: 'office' });
  expect(await atRiskAttribute(app.handle)).toBe(true);
  expect((await app.handle.query(getState)).atRisk).toEqual({ kind, deadline, since: point });
}

describe('the early warning before the SLA deadline', () => {
  it('marks an application not printed by the office opening of the deadline day at risk once; printing clears it, nothing is compensated', async () => {
    await t.withWorker(async () => {
      const app = await approved();
      // A weekend lies between approval and the deadline: the end of the third working day, at midnight in WIT.
      expect(Date.parse(app.slaDeadline) - Date.parse(app.approvedAt)).toBeGreaterThan(4 * 24 * HOUR);
      const deadlineDay = localDate(new Date(Date.parse(app.slaDeadline) - 1), WIT);
      const point = openingOf(deadlineDay);
      expect(point).toBe(new Date(Date.parse(app.slaDeadline) - 16 * HOUR).toISOString());

      await skipTo(t, point, -60_000);
      expect(await warnings(app.applicationId)).toEqual([]);
      expect(await atRiskAttribute(app.handle)).toBeUndefined();
      await skipTo(t, point);
      await warnedOnce(app, 'PRINTING', app.slaDeadline, point);

      const printed = await app.handle.executeUpdate(recordPrinting, { args: [{ ...officerOf(office), passportNumber: 'R1000001' }] });
      expect(printed.stage).toBe('READY_FOR_PICKUP');
      expect(printed.atRisk).toBeUndefined();
      expect(await atRiskAttribute(app.handle)).toBe(false);
      await skipTo(t, app.slaDeadline);
      expect(await countRows(t.db, 'compensations', app.applicationId)).toBe(0);
      expect(await warnings(app.applicationId)).toHaveLength(1);
      expect(await noticesOf(app.applicationId, 'SLA_AT_RISK')).toHaveLength(1);
    });
  });

  it('never marks an application printed before its warning point', async () => {
    await t.withWorker(async () => {
      const app = await approved();
      await skipTo(t, new Date(Date.parse(app.slaDeadline) - 20 * HOUR).toISOString());
      await app.handle.executeUpdate(recordPrinting, { args: [{ ...officerOf(office), passportNumber: 'R1000002' }] });
      await skipTo(t, app.slaDeadline);
      expect(await warnings(app.applicationId)).toEqual([]);
      expect(await noticesOf(app.applicationId, 'SLA_AT_RISK')).toEqual([]);
      expect(await atRiskAttribute(app.handle)).toBeUndefined();
      expect((await app.handle.query(getState)).atRisk).toBeUndefined();
    });
  });

  it('still compensates a breach after the warning exactly once, ends the risk, then warns of a Pos delivery near its window and clears it when overdue', async () => {
    await t.withWorker(async () => {
      const app = await approved({ deliveryMethod: 'PICKUP' });
      await skipTo(t, app.slaDeadline);
      await eventually(() => countRows(t.db, 'compensations', app.applicationId), (n) => n === 1);
      expect((await app.handle.describe()).typedSearchAttributes.get(SlaBreached)).toBe(true);
      expect(await atRiskAttribute(app.handle)).toBe(false);
      expect((await app.handle.query(getState)).atRisk).toBeUndefined();
      expect(await noticesOf(app.applicationId, 'SLA_BREACHED_FREE_DELIVERY')).toHaveLength(1);
      expect(await warnings(app.applicationId)).toMatchObject([{ kind: 'PRINTING' }]);
      expect(await noticesOf(app.applicationId, 'SLA_AT_RISK')).toHaveLength(1);

      // Printed late: free Pos delivery, which Pos never confirms.
      const printed = await app.handle.executeUpdate(recordPrinting, { args: [{ ...officerOf(office), passportNumber: 'R1000003' }] });
      expect(printed.stage).toBe('IN_DELIVERY');
      const deliveryDeadline = printed.nextDeadline ?? '';
      const point = await lastOpeningBefore(deliveryDeadline);
      await skipTo(t, point, -60_000);
      expect(await warnings(app.applicationId)).toHaveLength(1);
      await skipTo(t, point);
      await warnedOnce(app, 'DELIVERY', deliveryDeadline, point);
      await skipTo(t, deliveryDeadline);
      await eventually(() => noticesOf(app.applicationId, 'DELIVERY_OVERDUE'), (n) => n.length === 1);
      expect(await atRiskAttribute(app.handle)).toBe(false);
      expect((await app.handle.query(getState)).atRisk).toBeUndefined();
      expect(await countRows(t.db, 'compensations', app.applicationId)).toBe(1);
      expect(await noticesOf(app.applicationId, 'DELIVERY_AT_RISK')).toHaveLength(1);
    });
  });

  it('warns of a Pos delivery unconfirmed by the last opening before its window ends, and clears it when Pos delivers', async () => {
    await t.withWorker(async () => {
      const app = await approved({ deliveryMethod: 'POS' });
      const printed = await app.handle.executeUpdate(recordPrinting, { args: [{ ...officerOf(office), passportNumber: 'R1000004' }] });
      const deliveryDeadline = printed.nextDeadline ?? '';
      const point = await lastOpeningBefore(deliveryDeadline);
      await skipTo(t, point);
      await warnedOnce(app, 'DELIVERY', deliveryDeadline, point);
      expect(await warnings(app.applicationId)).toMatchObject([{ kind: 'DELIVERY' }]);

      await app.handle.signal(posDeliveryEvent, { eventId: `pos-${app.applicationId}`, trackingNumber: printed.posTrackingNumber ?? '', status: 'DELIVERED', at: await t.now() });
      expect(await app.handle.result()).toBe('COMPLETED');
      expect(await atRiskAttribute(app.handle)).toBe(false);
      expect(await noticesOf(app.applicationId, 'DELIVERY_OVERDUE')).toEqual([]);
    });
  });
});

describe('where the warning point moves', () => {
  it('comes AT_RISK_HOURS_BEFORE hours before the deadline when the worker is configured so', async () => {
    await t.withWorker(
      async () => {
        const app = await approved();
        const point = new Date(Date.parse(app.slaDeadline) - 30 * HOUR).toISOString();
        await skipTo(t, point, -60_000);
        expect(await warnings(app.applicationId)).toEqual([]);
        await skipTo(t, point);
        await warnedOnce(app, 'PRINTING', app.slaDeadline, point);
      },
      { atRiskHoursBefore: 30 },
    );
  });

  it('comes at the afternoon session of the interview day for same-day service', async () => {
    await t.withWorker(async () => {
      const app = await approved({ service: 'SAME_DAY' });
      expect(localDate(new Date(Date.parse(app.slaDeadline) - 1), WIT)).toBe(app.date); // due the same day
      const point = new Date(Date.parse(`${app.date}T13:00:00+09:00`)).toISOString();
      await skipTo(t, point, -60_000);
      expect(await warnings(app.applicationId)).toEqual([]);
      await skipTo(t, point);
      await warnedOnce(app, 'PRINTING', app.slaDeadline, point);
    });
  });
});

describe('privacy', () => {
  it('keeps every NIK, name and contact of this file out of the workflow histories', async () => {
    expect(await t.personalDataInHistories()).toEqual([]);
  });
});

/** 08:00 WIT of the latest working day (weekends and the loaded holidays excepted) that opens before `deadline`. */
async function lastOpeningBefore(deadline: string): Promise<string> {
  const holidays = await loadHolidays(t.db);
  let day = localDate(new Date(deadline), WIT);
  while (!isWorkingDay(day, holidays) || openingOf(day) >= deadline) day = addDays(day, -1);
  return openingOf(day);
}
