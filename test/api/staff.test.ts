// Officers and managers through the HTTP API, on the dev server: the office queue, the stage actions
// with who did them in the audit log, another office refused, and managers' summaries whose Temporal
// Web UI queries list the same workflows.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTrackingCode } from '../../api/submission.js';
import { startIfPending } from '../../api/workflow-starts.js';
import { managerQueries } from '../../managers/visibility.js';
import { workflowIdFor } from '../../workflows/definitions.js';
import { nextWorkingDay } from '../support/read-model.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';
import { paymentCallback } from '../support/bank.js';

let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  // Issue 16: an application is at risk as soon as it awaits printing (AT_RISK_HOURS_BEFORE=720), so the
  // managers' at-risk list is tested on what the workflow itself marks.
  s = await startService({ atRiskHoursBefore: 720 });
});
afterAll(async () => s?.stop());

type Overrides = Partial<ReturnType<typeof sampleSubmission>>;
const bearer = async (token: Promise<string>) => ({ authorization: `Bearer ${await token}` });
const auditOf = (id: string) => s.db.selectFrom('audit_log').select(['stage', 'actor', 'reason']).where('application_id', '=', id).orderBy('seq').execute();

/**
 * Submitted, paid and booked on the next working day, as an applicant would: waiting for the interview.
 * Unless `beforeTheDay`, the appointment day opens at booking (the dev server's clock cannot move to it).
 */
async function booked(overrides: Overrides = {}, { beforeTheDay = false } = {}) {
  const { auth } = await s.applicant();
  const submitted = await s.call('POST', '/applications', { ...sampleSubmission(), ...overrides }, auth);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const { applicationId, trackingCode, billingCode, amount } = submitted.body;
  await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback({ billingCode, amount }, { bank: 'BCA' })).send();
  await eventually(() => s.call('GET', `/track/${trackingCode}`), (r) => r.body.stage === 'AWAITING_BOOKING');
  const date = await nextWorkingDay(s.db, overrides.officeCode ?? 'PLU');
  if (!beforeTheDay) s.comesOnTheDay(applicationId);
  const booking = await s.call('POST', `/applications/${applicationId}/booking`, { date, session: 'AFTERNOON' }, auth);
  expect(booking.status).toBe(200);
  return { applicationId, trackingCode, date, auth };
}

describe('officers', () => {
  it("see their office's queue for a day, and act on their own office's applications only", async () => {
    const a = await booked();
    const plu = await bearer(s.officerToken('PLU', 'officer-plu-7'));
    const wsb = await bearer(s.officerToken('WSB', 'officer-wsb-2'));

    const queue = await s.call('GET', `/officer/queue?date=${a.date}`, undefined, plu);
    expect(queue.body).toMatchObject({ officeCode: 'PLU', date: a.date });
    expect(queue.body.items).toContainEqual(expect.objectContaining({ applicationId: a.applicationId, stage: 'AWAITING_INTERVIEW', fullName: 'Siti Rahmawati', appointment: { date: a.date, session: 'AFTERNOON' } }));
    expect((await s.call('GET', `/officer/queue?date=${a.date}`, undefined, wsb)).body.items.map((i: { applicationId: string }) => i.applicationId)).not.toContain(a.applicationId);
    expect((await s.call('GET', '/officer/queue?date=tomorrow', undefined, plu)).body.errors).toEqual([{ field: 'query.date', reason: 'must be a date as YYYY-MM-DD' }]);
    expect((await s.call('GET', '/officer/queue?date=9999-12-30', undefined, plu)).body.errors).toEqual([
      { field: 'query.date', reason: expect.stringMatching(/^9999-12-30 is outside the booking horizon \(60 days either side of today: /) },
    ]);

    const counter = await s.call('GET', `/officer/applications/${a.applicationId}`, undefined, plu);
    expect(counter.body).toMatchObject({ fullName: 'Siti Rahmawati', stage: 'AWAITING_INTERVIEW' });

    const before = await auditOf(a.applicationId);
    for (const [path, body] of [
      ['interview', { outcome: 'APPROVED' }],
      ['printing', { passportNumber: 'E1234567' }],
      ['handover', undefined],
      ['bap', { reportNumber: 'BAP/1/2026', cause: 'ORDINARY' }],
    ] as const) {
      const foreign = await s.call('POST', `/officer/applications/${a.applicationId}/${path}`, body, wsb);
      expect(foreign, path).toMatchObject({ status: 403, body: { type: '/problems/forbidden', detail: 'the application belongs to office PLU' } });
    }
    expect((await s.call('GET', `/officer/applications/${a.applicationId}`, undefined, wsb)).status).toBe(403);
    expect(await auditOf(a.applicationId)).toEqual(before);

    expect(await s.call('POST', `/officer/applications/${a.applicationId}/printing`, { passportNumber: '1234' }, plu)).toMatchObject({ status: 400, body: { errors: [{ field: 'passportNumber' }] } });
    expect(await s.call('POST', `/officer/applications/${a.applicationId}/interview`, { outcome: 'APPROVED' }, plu)).toMatchObject({ status: 200, body: { stage: 'AWAITING_PRINTING' } });
    // The BAP kept the stage: the public timeline shows each stage once, in order.
    const tracked = await s.call('GET', `/track/${a.trackingCode}`);
    expect(tracked.body.timeline.map((e: { stage: string }) => e.stage)).toEqual(['AWAITING_PAYMENT', 'AWAITING_BOOKING', 'AWAITING_INTERVIEW', 'AWAITING_PRINTING']);
    expect(await s.call('POST', `/officer/applications/${a.applicationId}/interview`, { outcome: 'APPROVED' }, plu)).toMatchObject({ status: 409 });
    expect(await s.call('POST', `/officer/applications/${a.applicationId}/printing`, { passportNumber: 'E1234567' }, plu)).toMatchObject({ status: 200, body: { stage: 'READY_FOR_PICKUP' } });
    expect(await s.call('POST', `/officer/applications/${a.applicationId}/handover`, undefined, plu)).toMatchObject({ status: 200, body: { stage: 'COMPLETED' } });
    expect(await s.call('POST', `/officer/applications/${a.applicationId}/handover`, undefined, plu)).toMatchObject({ status: 409 });

    // Each officer action is in the audit log under the officer's id.
    const audit = await auditOf(a.applicationId);
    expect(audit.slice(-3).map((e) => [e.stage, e.actor])).toEqual([
      ['AWAITING_PRINTING', 'officer-plu-7'],
      ['READY_FOR_PICKUP', 'officer-plu-7'],
      ['COMPLETED', 'officer-plu-7'],
    ]);
  });

  it('record the interview on the appointment day only: an outcome before it is a 409 that changes nothing', async () => {
    const a = await booked({}, { beforeTheDay: true });
    const plu = await bearer(s.officerToken('PLU', 'officer-plu-8'));
    const before = await auditOf(a.applicationId);
    for (const outcome of [{ outcome: 'APPROVED' }, { outcome: 'REJECTED', reason: 'documents do not match the KTP' }, { outcome: 'NO_SHOW' }]) {
      const early = await s.call('POST', `/officer/applications/${a.applicationId}/interview`, outcome, plu);
      expect(early, outcome.outcome).toMatchObject({ status: 409, body: { type: '/problems/out-of-order', detail: expect.stringMatching(/only on the appointment day/) } });
    }
    expect(await auditOf(a.applicationId)).toEqual(before);
    expect((await s.call('GET', `/track/${a.trackingCode}`)).body).toMatchObject({ stage: 'AWAITING_INTERVIEW', appointment: { date: a.date } });
  });

  it('reject with a reason, which the audit log keeps', async () => {
    const a = await booked();
    const plu = await bearer(s.officerToken('PLU', 'officer-plu-3'));
    const noReason = await s.call('POST', `/officer/applications/${a.applicationId}/interview`, { outcome: 'REJECTED' }, plu);
    expect(noReason).toMatchObject({ status: 400, body: { errors: [{ field: 'reason', reason: 'is required when the outcome is REJECTED' }] } });
    const refundWithApproval = await s.call('POST', `/officer/applications/${a.applicationId}/interview`, { outcome: 'APPROVED', refundFee: true }, plu);
    expect(refundWithApproval).toMatchObject({ status: 400, body: { errors: [{ field: 'refundFee', reason: 'only a rejection can refund the fee' }] } });
    const rejected = await s.call('POST', `/officer/applications/${a.applicationId}/interview`, { outcome: 'REJECTED', reason: 'documents do not match the KTP' }, plu);
    expect(rejected).toMatchObject({ status: 200, body: { stage: 'REJECTED' } });
    expect((await auditOf(a.applicationId)).at(-1)).toEqual({ stage: 'REJECTED', actor: 'officer-plu-3', reason: 'documents do not match the KTP' });
    const tracked = await s.call('GET', `/track/${a.trackingCode}`);
    expect(tracked.body.stage).toBe('REJECTED');
    expect(JSON.stringify(tracked.body)).not.toContain('KTP'); // the reason is the applicant's business, not the public's
  });

  it('record the BAP of a lost passport before approval, with the fine and the officer', async () => {
    const report = { date: '2026-10-01', place: 'Bandara Mutiara SIS Al-Jufrie', description: 'Lost at the airport while travelling.', policeReportNumber: 'SKTLK/77/X/2026' };
    const a = await booked({ applicationType: 'LOST', incidentReport: report });
    const plu = await bearer(s.officerToken('PLU', 'officer-plu-5'));
    const unapproved = await s.call('POST', `/officer/applications/${a.applicationId}/interview`, { outcome: 'APPROVED' }, plu);
    expect(unapproved).toMatchObject({ status: 409, body: { detail: expect.stringMatching(/BAP/) } });
    expect(await s.call('POST', `/officer/applications/${a.applicationId}/bap`, { reportNumber: 'BAP/9/2026', cause: 'ACCIDENT' }, plu)).toMatchObject({ status: 400, body: { errors: [{ field: 'cause' }] } });

    const bap = await s.call('POST', `/officer/applications/${a.applicationId}/bap`, { reportNumber: 'BAP/9/2026', cause: 'ORDINARY' }, plu);
    expect(bap).toMatchObject({ status: 200, body: { stage: 'AWAITING_INTERVIEW', bapRecorded: true, fineAmount: 1_000_000 } });
    const recorded = await s.db.selectFrom('baps').select(['officer_id', 'report_number', 'fine_amount']).where('application_id', '=', a.applicationId).executeTakeFirstOrThrow();
    expect(recorded).toEqual({ officer_id: 'officer-plu-5', report_number: 'BAP/9/2026', fine_amount: 1_000_000 });
    expect(await s.call('POST', `/officer/applications/${a.applicationId}/bap`, { reportNumber: 'BAP/9/2026', cause: 'ORDINARY' }, plu)).toMatchObject({ status: 409 });
    expect(await s.call('POST', `/officer/applications/${a.applicationId}/interview`, { outcome: 'APPROVED' }, plu)).toMatchObject({ status: 200, body: { stage: 'AWAITING_PRINTING' } });

    const ordinary = await booked();
    expect(await s.call('POST', `/officer/applications/${ordinary.applicationId}/bap`, { reportNumber: 'BAP/10/2026', cause: 'ORDINARY' }, plu)).toMatchObject({ status: 409, body: { detail: expect.stringMatching(/only for LOST or DAMAGED/) } });
  });
});

describe('managers', () => {
  it('see the holiday calendar against the booking horizon, and a warning when it falls short or is provisional', async () => {
    const manager = await bearer(s.managerToken('PLU'));
    const calendar = await s.call('GET', '/manager/calendar', undefined, manager);
    expect(calendar.status).toBe(200);
    const { horizonUntil, calendarUntil, bookableUntil, years, warning } = calendar.body;
    expect(calendar.body.horizonDays).toBe(60);
    expect(bookableUntil).toBe(horizonUntil < calendarUntil ? horizonUntil : calendarUntil);
    expect(years).toContainEqual(expect.objectContaining({ year: 2026, status: 'DECREED', source: expect.stringMatching(/^SKB Menteri Agama/), holidays: 25 }));
    expect(years).toContainEqual(expect.objectContaining({ year: 2027, status: 'PROVISIONAL' }));
    // The shipped 2027 is provisional: while the horizon reaches into it, or past the calendar, managers are told.
    const reaches2027 = horizonUntil >= '2027-01-01' && calendarUntil >= '2027-01-01';
    if (calendarUntil < horizonUntil) expect(warning).toMatch(new RegExp(`^the holiday calendar is loaded only until ${calendarUntil}, inside the booking horizon`));
    else if (reaches2027 && bookableUntil <= '2027-12-31') expect(warning).toBe('the holiday calendar for 2027 is provisional: load the decree (SKB 3 Menteri) when it is published');
    expect((await s.call('GET', '/manager/summary', undefined, manager)).body.calendarWarning).toBe(warning);
    expect((await s.call('GET', '/manager/calendar')).status).toBe(401);
  });

  it('see their scope only, with Temporal Web UI queries that list the same workflows', async () => {
    const a = await booked({ officeCode: 'PLG' });
    const plg = await bearer(s.officerToken('PLG'));
    expect((await s.call('POST', `/officer/applications/${a.applicationId}/interview`, { outcome: 'APPROVED' }, plg)).status).toBe(200);

    const manager = await bearer(s.managerToken('PLG'));
    const summary = await s.call('GET', '/manager/summary', undefined, manager);
    expect(summary.body.scope).toBe('PLG');
    const printing = summary.body.stages.find((x: { stage: string }) => x.stage === 'AWAITING_PRINTING');
    expect(printing.count).toBeGreaterThanOrEqual(1);
    expect(printing.temporal.query).toBe('PassportStage = "AWAITING_PRINTING" AND OfficeCode = "PLG"');
    expect(printing.temporal.url).toBe(`http://127.0.0.1:8233/namespaces/default/workflows?query=${encodeURIComponent(printing.temporal.query)}`);
    expect(summary.body.pastSla.count).toBe(0); // the SLA runs three working days from now
    expect(summary.body.compensations).toMatchObject({ count: 0, temporal: { query: 'SlaBreached = true AND OfficeCode = "PLG"' } });
    expect(await s.call('GET', '/manager/summary?office=PLU', undefined, manager)).toMatchObject({ status: 403, body: { detail: 'your scope is office PLG' } });

    // Judged as of a week from now, the application is past its SLA and not printed.
    const later = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const overdue = await s.call('GET', `/manager/past-sla?at=${later}`, undefined, manager);
    expect(overdue.body.items).toContainEqual(expect.objectContaining({ applicationId: a.applicationId, officeCode: 'PLG', stage: 'AWAITING_PRINTING', workflowUrl: `http://127.0.0.1:8233/namespaces/default/workflows/${workflowIdFor(a.applicationId)}` }));
    expect((await s.call('GET', `/manager/summary?at=${later}`, undefined, manager)).body.pastSla.count).toBe(overdue.body.items.length);
    expect(await s.call('GET', '/manager/past-sla?at=9999-12-30T00:00:00Z', undefined, manager)).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'query.at', reason: expect.stringMatching(/^9999-12-30 is outside the booking horizon/) }] },
    });

    const stuck = await s.call('GET', '/manager/stuck', undefined, manager);
    const oldestPrinting = stuck.body.stages.find((x: { stage: string }) => x.stage === 'AWAITING_PRINTING');
    expect(oldestPrinting.oldest).toMatchObject({ officeCode: 'PLG', waitingHours: expect.any(Number) });

    // The directorate sees every office, or any one.
    const directorate = await bearer(s.managerToken('*'));
    const all = await s.call('GET', '/manager/summary', undefined, directorate);
    expect(all.body.scope).toBe('*');
    expect(all.body.stages[0].temporal.query).toBe('PassportStage = "AWAITING_PAYMENT"');
    expect((await s.call('GET', '/manager/summary?office=PLU', undefined, directorate)).body.scope).toBe('PLU');

    // The queries are real: Temporal's visibility lists the application for each (once it catches up).
    const listed = async (query: string) => {
      const ids: string[] = [];
      for await (const execution of s.env.client.workflow.list({ query })) ids.push(execution.workflowId);
      return ids;
    };
    const id = workflowIdFor(a.applicationId);
    await eventually(() => listed(printing.temporal.query), (ids) => ids.includes(id));
    await eventually(() => listed(overdue.body.temporal.query), (ids) => ids.includes(id));
    await eventually(() => listed(oldestPrinting.temporal.query), (ids) => ids.includes(oldestPrinting.oldest.workflowUrl.split('/').at(-1)));
    await listed(summary.body.compensations.temporal.query); // valid, though nothing is compensated yet
  });
});

describe('managers, issue 16', () => {
  const listed = async (query: string) => {
    const ids: string[] = [];
    for await (const execution of s.env.client.workflow.list({ query })) ids.push(execution.workflowId);
    return ids;
  };
  const plgManager = () => bearer(s.managerToken('PLG'));
  /** Approved at the interview at PLG: awaiting printing, and so at once at risk (see beforeAll). */
  async function awaitingPrinting() {
    const a = await booked({ officeCode: 'PLG' });
    expect((await s.call('POST', `/officer/applications/${a.applicationId}/interview`, { outcome: 'APPROVED' }, await bearer(s.officerToken('PLG')))).status).toBe(200);
    const { sla_deadline: slaDeadline } = await s.db.selectFrom('applications').select('sla_deadline').where('id', '=', a.applicationId).executeTakeFirstOrThrow();
    return { ...a, slaDeadline: slaDeadline!.toISOString(), workflowId: workflowIdFor(a.applicationId) };
  }

  it('find an application by the tracking code an applicant names, in their scope only, and nothing personal', async () => {
    const a = await awaitingPrinting();
    const plg = await plgManager();
    const lookUp = () => s.call('GET', `/manager/applications/${a.trackingCode}`, undefined, plg);
    const found = await eventually(lookUp, (r) => r.body.atRisk !== null);
    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      applicationId: a.applicationId,
      trackingCode: a.trackingCode,
      officeCode: 'PLG',
      applicationType: 'NEW',
      product: 'ELECTRONIC_10Y',
      stage: 'AWAITING_PRINTING',
      stageEnteredAt: expect.any(String),
      nextDeadline: a.slaDeadline,
      slaDeadline: a.slaDeadline,
      slaBreached: false,
      deliveryMethod: 'PICKUP',
      posTrackingNumber: null,
      atRisk: { kind: 'PRINTING', deadline: a.slaDeadline, since: expect.any(String) },
      workflowUrl: `http://127.0.0.1:8233/namespaces/default/workflows/${a.workflowId}`,
      temporal: { query: `TrackingCode = "${a.trackingCode}"`, url: `http://127.0.0.1:8233/namespaces/default/workflows?query=${encodeURIComponent(`TrackingCode = "${a.trackingCode}"`)}` },
    });
    const row = await s.db.selectFrom('applications').select(['nik', 'full_name', 'email', 'phone', 'birth_date']).where('id', '=', a.applicationId).executeTakeFirstOrThrow();
    for (const personal of Object.values(row)) expect(JSON.stringify(found.body)).not.toContain(personal);
    // As typed: lower case, without the dashes.
    expect((await s.call('GET', `/manager/applications/${a.trackingCode.toLowerCase().replaceAll('-', '')}`, undefined, plg)).body).toEqual(found.body);
    // Read out with spaces between the groups (or around it), as a person dictates it.
    expect((await s.call('GET', `/manager/applications/${encodeURIComponent(` ${a.trackingCode.toLowerCase().replaceAll('-', ' ')} `)}`, undefined, plg)).body).toEqual(found.body);
    // The directorate finds it; another office's manager is told what an unknown code gets.
    expect((await s.call('GET', `/manager/applications/${a.trackingCode}`, undefined, await bearer(s.managerToken('*')))).body).toEqual(found.body);
    const unknown = await s.call('GET', `/manager/applications/${newTrackingCode()}`, undefined, plg);
    expect(unknown).toMatchObject({ status: 404, contentType: 'application/problem+json' });
    const foreign = await s.call('GET', `/manager/applications/${a.trackingCode}`, undefined, await bearer(s.managerToken('PLU')));
    expect(foreign).toMatchObject({ status: 404, body: { detail: unknown.body.detail } });
    for (const bad of ['VAYC-NFMU-68P', 'VAYC-NFMU-68P1', encodeURIComponent('VAYC-NFMU-68PZ" OR TrackingCode != "')]) {
      expect(await s.call('GET', `/manager/applications/${bad}`, undefined, plg), bad).toMatchObject({ status: 400, body: { errors: [{ field: 'param.trackingCode', reason: 'must be a tracking code like ABCD-EFGH-JKMN' }] } });
    }
    expect((await s.call('GET', `/manager/applications/${a.trackingCode}`)).status).toBe(401);
    expect((await s.call('GET', `/manager/applications/${a.trackingCode}`, undefined, await bearer(s.officerToken('PLG')))).status).toBe(403);
    // The query is real (the README's): the workflow carries its tracking code from its start, and its summary names it.
    await eventually(() => listed(found.body.temporal.query), (ids) => ids.includes(a.workflowId));
    expect(await s.env.client.workflow.getHandle(a.workflowId).describe().then((d) => d.staticSummary())).toBe(`${a.trackingCode}: NEW passport (ELECTRONIC_10Y) at PLG`);
  });

  it('list what the workflow marked at risk, the most urgent first, with the README\'s query, until it is printed', async () => {
    const a = await awaitingPrinting();
    const officer = await bearer(s.officerToken('PLG'));
    const manager = await plgManager();
    const atRisk = () => s.call('GET', '/manager/at-risk', undefined, manager);
    const mine = (body: { items: Array<{ applicationId: string }> }) => body.items.find((i) => i.applicationId === a.applicationId);
    const listedNow = await eventually(atRisk, (r) => mine(r.body) !== undefined);
    const readmeQuery = managerQueries({ now: new Date(), office: 'PLG' }).find((q) => q.id === 'at-risk')!.query;
    expect(listedNow.body).toMatchObject({ scope: 'PLG', temporal: { query: readmeQuery } });
    const risk = { kind: 'PRINTING', deadline: a.slaDeadline, since: expect.any(String) };
    expect(mine(listedNow.body)).toEqual({
      applicationId: a.applicationId,
      trackingCode: a.trackingCode,
      officeCode: 'PLG',
      applicationType: 'NEW',
      stage: 'AWAITING_PRINTING',
      stageEnteredAt: expect.any(String),
      slaDeadline: a.slaDeadline,
      atRisk: risk,
      workflowUrl: `http://127.0.0.1:8233/namespaces/default/workflows/${a.workflowId}`,
    });
    const deadlines = listedNow.body.items.map((i: { atRisk: { deadline: string } }) => i.atRisk.deadline);
    expect(deadlines).toEqual([...deadlines].sort());
    expect((await s.call('GET', '/manager/summary', undefined, manager)).body.atRisk).toMatchObject({ count: expect.any(Number), temporal: listedNow.body.temporal });
    expect((await s.call('GET', '/manager/summary', undefined, manager)).body.atRisk.count).toBeGreaterThanOrEqual(1);
    expect(mine((await s.call('GET', '/manager/at-risk?office=PLG', undefined, await bearer(s.managerToken('*')))).body)).toBeDefined();
    expect(mine((await s.call('GET', '/manager/at-risk', undefined, await bearer(s.managerToken('PLU')))).body)).toBeUndefined();
    expect(await s.call('GET', '/manager/at-risk?office=PLU', undefined, manager)).toMatchObject({ status: 403 });
    // Temporal lists it with the README's at-risk query.
    await eventually(() => listed(readmeQuery), (ids) => ids.includes(a.workflowId));

    // Printed: the risk is over, in PostgreSQL and in Temporal, though the warning stays on record.
    expect((await s.call('POST', `/officer/applications/${a.applicationId}/printing`, { passportNumber: 'E7654321' }, officer)).status).toBe(200);
    expect(mine((await atRisk()).body)).toBeUndefined();
    expect((await s.call('GET', `/manager/applications/${a.trackingCode}`, undefined, manager)).body).toMatchObject({ stage: 'READY_FOR_PICKUP', atRisk: null });
    await eventually(() => listed(readmeQuery), (ids) => !ids.includes(a.workflowId));
    expect(await s.db.selectFrom('at_risk_warnings').select('kind').where('application_id', '=', a.applicationId).execute()).toEqual([{ kind: 'PRINTING' }]);
  });

  it('count only the warnings still open: a delivery whose window has ended is no longer at risk', async () => {
    const a = await awaitingPrinting();
    const manager = await plgManager();
    await eventually(() => s.call('GET', '/manager/at-risk', undefined, manager), (r) => r.body.items.some((i: { applicationId: string }) => i.applicationId === a.applicationId));
    // A DELIVERY warning is open only while the application is in delivery and its window has not ended: this one is neither.
    await s.db.insertInto('at_risk_warnings').values({ application_id: a.applicationId, kind: 'DELIVERY', deadline: new Date(Date.now() - 60_000), warned_at: new Date(Date.now() - 120_000) }).execute();
    const items = (await s.call('GET', '/manager/at-risk', undefined, manager)).body.items.filter((i: { applicationId: string }) => i.applicationId === a.applicationId);
    expect(items.map((i: { atRisk: { kind: string } }) => i.atRisk.kind)).toEqual(['PRINTING']);
    expect((await s.call('GET', `/manager/applications/${a.trackingCode}`, undefined, manager)).body.atRisk.kind).toBe('PRINTING');
  });

  it('give a start stored before issue 16 its tracking code when the starter starts it', async () => {
    const { applicationId } = await booked();
    const original = await s.db.selectFrom('applications').selectAll().where('id', '=', applicationId).executeTakeFirstOrThrow();
    const id = randomUUID();
    const trackingCode = newTrackingCode();
    const { trackingCode: _, ...input } = original.workflow_start!.input;
    const stored = { taskQueue: s.taskQueue, summary: 'NEW passport (ELECTRONIC_10Y) at PLU', input: { ...input, applicationId: id, billingCode: `9${Date.now()}0` } };
    await s.db
      .insertInto('applications')
      .values({
        ...original,
        id,
        tracking_code: trackingCode,
        billing_code: stored.input.billingCode,
        nik: `${original.nik.slice(0, 12)}${String(Date.now()).slice(-4)}`,
        stage: 'AWAITING_PAYMENT',
        appointment_date: null,
        appointment_session: null,
        workflow_start: JSON.stringify(stored),
        workflow_started_at: null,
      } as never)
      .execute();
    expect(await startIfPending({ db: s.db, temporal: s.env.client }, id)).toBe(true);
    await eventually(() => listed(`TrackingCode = "${trackingCode}"`), (ids) => ids.includes(workflowIdFor(id)));
    expect(await s.env.client.workflow.getHandle(workflowIdFor(id)).describe().then((d) => d.staticSummary())).toBe(`${trackingCode}: NEW passport (ELECTRONIC_10Y) at PLU`);
  });
});

describe('privacy', () => {
  it('keeps the NIK, name, birth date, contact details and address out of every history this file produced', async () => {
    expect(await s.personalDataInHistories()).toEqual([]);
  });
});
