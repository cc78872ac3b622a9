// The waitlist through the HTTP API, end to end on the dev server: join a full session, the place in line, the
// refusals, another applicant's 404, a cancellation that frees a seat offered and accepted, availability's count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHolidays } from '../../db/queries/holidays.js';
import { localDate, nthWorkingDayAfter } from '../../workflows/calendar.js';
import { paymentCallback } from '../support/bank.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';
import { officeWith } from '../support/offices.js';

let s: Awaited<ReturnType<typeof startService>>;
// An office of the file's own (a free three-letter code): two regular seats a session.
let office = '';
const kinds = { REGULAR: 2, PRIORITY: 0, SAME_DAY: 0 };
beforeAll(async () => {
  s = await startService();
  office = await officeWith(s.db, 'W', 'Asia/Makassar', { MORNING: kinds, AFTERNOON: kinds });
});
afterAll(async () => s?.stop());

type Auth = Record<string, string>;

async function application(auth: Auth, paid = true): Promise<string> {
  const submitted = await s.call('POST', '/applications', { ...sampleSubmission(), officeCode: office }, auth);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const id = submitted.body.applicationId as string;
  if (!paid) return id;
  expect((await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback(submitted.body)).send()).status).toBe(202);
  await eventually(() => s.db.selectFrom('applications').select('stage').where('id', '=', id).executeTakeFirstOrThrow(), (r) => r.stage === 'AWAITING_BOOKING', 30_000);
  return id;
}

const waitingFor = async (date: string) => {
  const response = await s.call('GET', `/offices/${office}/availability?from=${date}&days=1`);
  expect(response.status).toBe(200);
  return response.body.days[0].sessions.find((x: { session: string }) => x.session === 'MORNING').waitlist as number;
};

describe('the waitlist API', () => {
  it('puts a paid application in line for a full session, offers it a freed seat and books it when accepted', { timeout: 90_000 }, async () => {
    const { time_zone } = await s.db.selectFrom('offices').select('time_zone').where('code', '=', office).executeTakeFirstOrThrow();
    const date = nthWorkingDayAfter(localDate(new Date(), time_zone), 4, await loadHolidays(s.db));
    const session = { date, session: 'MORNING' };
    const [booker, first, second, stranger] = await Promise.all([s.applicant(), s.applicant(), s.applicant(), s.applicant()]);
    const [booked1, booked2, waiter1, waiter2, unpaid] = await Promise.all([
      application(booker!.auth),
      application(booker!.auth),
      application(first!.auth),
      application(second!.auth),
      application(first!.auth, false),
    ]);

    // Seats are free: book instead.
    const early = await s.call('POST', `/applications/${waiter1}/waitlist`, session, first!.auth);
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain('book it instead');
    for (const id of [booked1, booked2]) expect((await s.call('POST', `/applications/${id}/booking`, session, booker!.auth)).status).toBe(200);

    expect((await s.call('POST', `/applications/${unpaid}/waitlist`, session, first!.auth)).status).toBe(409);
    const badDate = await s.call('POST', `/applications/${waiter1}/waitlist`, { date: '2099-01-05', session: 'MORNING' }, first!.auth);
    expect(badDate.status).toBe(400);
    expect(badDate.body.errors[0].field).toBe('date');

    const joined = await s.call('POST', `/applications/${waiter1}/waitlist`, session, first!.auth);
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    expect(joined.body).toMatchObject({ date, session: 'MORNING', position: 1 });
    expect((await s.call('POST', `/applications/${waiter2}/waitlist`, session, second!.auth)).body).toMatchObject({ position: 2 });
    const again = await s.call('POST', `/applications/${waiter1}/waitlist`, { date, session: 'AFTERNOON' }, first!.auth);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain(`${date} MORNING`);
    // Another applicant's application answers as an unknown one.
    expect((await s.call('GET', `/applications/${waiter1}/waitlist`, undefined, stranger!.auth)).status).toBe(404);
    expect((await s.call('POST', `/applications/${waiter1}/waitlist/accept`, { offerId: 'x' }, stranger!.auth)).status).toBe(404);
    expect(await waitingFor(date)).toBe(2);

    // A booked applicant cancels: the seat is offered to the first in line, and only to it.
    expect((await s.call('POST', `/applications/${booked1}/cancel`, { reason: 'plans changed' }, booker!.auth)).status).toBe(200);
    const offered = await eventually(
      () => s.call('GET', `/applications/${waiter1}/waitlist`, undefined, first!.auth),
      (r) => r.body.entry?.status === 'OFFERED',
      30_000,
    );
    const { offerId, expiresAt } = offered.body.entry.offer;
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(11 * 3_600_000);
    expect((await s.call('GET', `/applications/${waiter2}/waitlist`, undefined, second!.auth)).body.entry).toMatchObject({ status: 'WAITING', position: 1, offer: null });
    expect((await s.call('POST', `/applications/${waiter2}/waitlist/accept`, { offerId }, second!.auth)).status).toBe(409);
    // The held seat is nobody else's to book.
    expect((await s.call('POST', `/applications/${unpaid}/booking`, session, first!.auth)).status).toBe(409);

    const accepted = await s.call('POST', `/applications/${waiter1}/waitlist/accept`, { offerId }, first!.auth);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ officeCode: office, date, session: 'MORNING' });
    const detail = await s.call('GET', `/applications/${waiter1}`, undefined, first!.auth);
    expect(detail.body.stage).toBe('AWAITING_INTERVIEW');
    expect((await s.call('GET', `/applications/${waiter1}/waitlist`, undefined, first!.auth)).body.entry).toMatchObject({ status: 'BOOKED', offer: null });
    expect(await waitingFor(date)).toBe(1);

    // The second leaves the line.
    expect((await s.call('DELETE', `/applications/${waiter2}/waitlist`, undefined, second!.auth)).status).toBe(200);
    expect((await s.call('GET', `/applications/${waiter2}/waitlist`, undefined, second!.auth)).body.entry).toMatchObject({ status: 'LEFT', position: 0 });
    expect(await waitingFor(date)).toBe(0);
    const slot = await s.db.selectFrom('appointment_slots').select(['booked', 'capacity']).where('office_code', '=', office).where('date', '=', date).where('session', '=', 'MORNING').executeTakeFirstOrThrow();
    expect(slot).toEqual({ booked: 2, capacity: 2 });
  });
});
