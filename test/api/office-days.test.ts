// Managers declare an office's days through the HTTP API, on the dev server: a special Saturday with its own
// seats, a closed weekday whose booking is moved, the rules and the scope, and what availability then shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../workflows/calendar.js';
import { officeClosureIdFor, type SessionQuotas } from '../../workflows/definitions.js';
import { paymentCallback } from '../support/bank.js';
import { officeWith } from '../support/offices.js';
import { nextWorkingDay } from '../support/read-model.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
/** An office of this file's own: its days are declared and closed here only. */
let office: string;
const seats = (morning: number, afternoon: number): SessionQuotas => ({
  MORNING: { REGULAR: morning, PRIORITY: 1, SAME_DAY: 0 },
  AFTERNOON: { REGULAR: afternoon, PRIORITY: 0, SAME_DAY: 0 },
});

beforeAll(async () => {
  s = await startService();
  // A free code: office-closure.test.ts makes Q offices too, in the same database.
  office = await officeWith(s.db, 'Q', 'Asia/Makassar', seats(2, 2));
});
afterAll(async () => s?.stop());

const bearer = async (token: Promise<string>) => ({ authorization: `Bearer ${await token}` });
const dayPath = (date: string, code = office) => `/manager/offices/${code}/days/${date}`;

/** Submitted, paid and booked at this file's office on `date`, as an applicant would. */
async function bookedOn(date: string) {
  const { auth } = await s.applicant();
  const submitted = await s.call('POST', '/applications', { ...sampleSubmission(), officeCode: office }, auth);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const { applicationId, trackingCode, billingCode, amount } = submitted.body;
  await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback({ billingCode, amount }, { bank: 'BCA' })).send();
  await eventually(() => s.call('GET', `/track/${trackingCode}`), (r) => r.body.stage === 'AWAITING_BOOKING');
  expect((await s.call('POST', `/applications/${applicationId}/booking`, { date, session: 'MORNING' }, auth)).status).toBe(200);
  return { applicationId };
}

describe("managers' office days", () => {
  it('open a special Saturday with its seats and close a weekday, whose booking is moved; availability follows', async () => {
    const manager = await bearer(s.managerToken(office));
    let saturday = addDays(await nextWorkingDay(s.db, office), 7);
    while (new Date(`${saturday}T00:00:00Z`).getUTCDay() !== 6) saturday = addDays(saturday, 1);
    const open = { status: 'OPEN', quotas: seats(3, 0), reason: 'layanan paspor akhir pekan' };

    const declared = await s.call('PUT', dayPath(saturday), open, manager);
    expect(declared.status, JSON.stringify(declared.body)).toBe(200);
    expect(declared.body).toMatchObject({ officeCode: office, date: saturday, status: 'OPEN', quotas: seats(3, 0), declaredBy: `manager-${office.toLowerCase()}`, closureWorkflowId: null });
    const again = await s.call('PUT', dayPath(saturday), open, manager);
    expect(again.body).toEqual(declared.body); // the same declaration changes nothing, not even when

    const weekday = await nextWorkingDay(s.db, office, Date.now(), 2);
    const { applicationId } = await bookedOn(weekday);
    const tooFew = await s.call('PUT', dayPath(weekday), { status: 'OPEN', quotas: seats(0, 2), reason: 'kurang petugas' }, manager);
    expect(tooFew.status).toBe(409);
    expect(tooFew.body.detail).toMatch(/^quotas\.MORNING\.REGULAR: 1 REGULAR seats are already booked in the MORNING session/);

    const closed = await s.call('PUT', dayPath(weekday), { status: 'CLOSED', reason: 'pemadaman listrik' }, manager);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', quotas: null, closureWorkflowId: officeClosureIdFor(office, weekday) });
    // The booking leaves the closed day for the nearest free session after it, and the applicant is told.
    const seat = await eventually(
      () => s.db.selectFrom('bookings').select(['date', 'session']).where('application_id', '=', applicationId).where('released_at', 'is', null).execute(),
      (rows) => rows.length === 1 && rows[0]!.date !== weekday,
      30_000,
    );
    expect(seat[0]!.date > weekday).toBe(true);
    await eventually(() => s.db.selectFrom('notifications').select('kind').where('application_id', '=', applicationId).where('kind', '=', 'SESSION_MOVED_BY_CLOSURE').execute(), (rows) => rows.length === 1);
    expect((await s.call('PUT', dayPath(weekday), { status: 'CLOSED', reason: 'pemadaman listrik' }, manager)).status).toBe(200);
    const reopen = await s.call('PUT', dayPath(weekday), { status: 'OPEN', quotas: seats(2, 2), reason: 'listrik menyala' }, manager);
    expect(reopen.status).toBe(409);
    expect(reopen.body.detail).toMatch(/cannot be reopened or changed once its moves have started/);

    const listed = await s.call('GET', `/manager/offices/${office}/days?until=${addDays(saturday, 1)}`, undefined, manager);
    expect(listed.body.items.map((d: { date: string; status: string }) => [d.date, d.status])).toEqual([[weekday, 'CLOSED'], [saturday, 'OPEN']].sort());

    const availability = await s.call('GET', `/offices/${office}/availability?days=31`);
    const days = availability.body.days.map((d: { date: string }) => d.date);
    expect(days).not.toContain(weekday);
    expect(availability.body.days.find((d: { date: string }) => d.date === saturday).sessions).toEqual([
      expect.objectContaining({ date: saturday, session: 'MORNING', capacity: 3, seatsLeft: 3 }),
      expect.objectContaining({ date: saturday, session: 'AFTERNOON', capacity: 0, seatsLeft: 0 }),
    ]);
  });

  it('refuse a date outside the window, quotas that are not whole seats, unknown fields, NUL bytes, and callers out of scope', async () => {
    const manager = await bearer(s.managerToken(office));
    const date = await nextWorkingDay(s.db, office, Date.now(), 3);
    const put = (body: unknown, headers: Record<string, string> = manager, path = dayPath(date)) => s.call('PUT', path, body, headers);
    const fields = async (response: Promise<{ status: number; body: { errors?: { field: string }[] } }>) => {
      const r = await response;
      expect(r.status).toBe(400);
      return r.body.errors?.map((e) => e.field);
    };

    const today = new Date().toISOString().slice(0, 10);
    expect(await fields(put({ status: 'CLOSED', reason: 'x' }, manager, dayPath(addDays(today, -1))))).toEqual(['param.date']);
    expect(await fields(put({ status: 'CLOSED', reason: 'x' }, manager, dayPath(addDays(today, 400))))).toEqual(['param.date']);
    expect(await fields(put({ status: 'CLOSED', reason: 'x' }, manager, dayPath('2026-02-30')))).toEqual(['param.date']);
    const quotas = seats(2, 2);
    expect(await fields(put({ status: 'OPEN', quotas: { ...quotas, MORNING: { ...quotas.MORNING, REGULAR: -1 } }, reason: 'x' }))).toEqual(['quotas.MORNING.REGULAR']);
    expect(await fields(put({ status: 'OPEN', quotas: { ...quotas, AFTERNOON: { ...quotas.AFTERNOON, SAME_DAY: 1.5 } }, reason: 'x' }))).toEqual(['quotas.AFTERNOON.SAME_DAY']);
    expect(await fields(put({ status: 'OPEN', reason: 'x' }))).toEqual(['quotas']);
    expect(await fields(put({ status: 'CLOSED', reason: 'x', quotas }))).toEqual(['quotas']);
    expect(await fields(put({ status: 'CLOSED', reason: 'banjir\u0000' }))).toEqual(['reason']);
    expect(await fields(put({ status: 'SHUT', reason: 'x' }))).toEqual(['status']);

    expect((await put({ status: 'CLOSED', reason: 'x' }, await bearer(s.managerToken('PLU')))).status).toBe(403);
    expect((await put({ status: 'CLOSED', reason: 'x' }, await bearer(s.officerToken(office)))).status).toBe(403);
    expect((await put({ status: 'CLOSED', reason: 'x' }, {})).status).toBe(401);
    expect((await s.call('GET', `/manager/offices/${office}/days`, undefined, await bearer(s.managerToken('PLU')))).status).toBe(403);
    expect((await put({ status: 'CLOSED', reason: 'x' }, await bearer(s.managerToken('*')), dayPath(date, 'ZZZ'))).status).toBe(404);
    // Nothing of the refused declarations was stored.
    expect(await s.db.selectFrom('office_days').select('date').where('office_code', '=', office).where('date', '=', date).execute()).toEqual([]);
    // The directorate may declare any office's day.
    expect((await put({ status: 'OPEN', quotas, reason: 'tambahan kuota' }, await bearer(s.managerToken('*')))).status).toBe(200);
  });
});
