// Booking through the HTTP API: seats taken under heavy concurrency, full sessions, availability,
// rescheduling and cancellation, against the dev server and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate, nthWorkingDayAfter } from '../../workflows/calendar.js';
import { bookSession, workflowIdFor } from '../../workflows/definitions.js';
import { loadHolidays } from '../../db/queries/holidays.js';
import { countRows } from '../support/read-model.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';
import { paymentCallback } from '../support/bank.js';

let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

type Auth = Record<string, string>;

/** The office-local date `n` working days from today. */
async function workingDay(office: string, n: number): Promise<string> {
  const { time_zone } = await s.db.selectFrom('offices').select('time_zone').where('code', '=', office).executeTakeFirstOrThrow();
  return nthWorkingDayAfter(localDate(new Date(), time_zone), n, await loadHolidays(s.db));
}

/** Applications submitted and paid through the API, `perAccount` per applicant account. */
async function paidApplications(count: number, office: string, perAccount = 5): Promise<{ id: string; auth: Auth }[]> {
  const accounts = await Promise.all(Array.from({ length: Math.ceil(count / perAccount) }, () => s.applicant()));
  const submitted: { id: string; auth: Auth; billingCode: string; amount: number }[] = [];
  for (let i = 0; i < count; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, count - i) }, async (_, j) => {
        const { auth } = accounts[Math.floor((i + j) / perAccount)]!;
        const response = await s.call('POST', '/applications', { ...sampleSubmission(), officeCode: office }, auth);
        expect(response.status, JSON.stringify(response.body)).toBe(201);
        const paid = await s
          .signedCall('bank', '/callbacks/bank/payments', paymentCallback(response.body))
          .send();
        expect(paid.status).toBe(202);
        return { id: response.body.applicationId as string, auth, billingCode: response.body.billingCode, amount: response.body.amount };
      }),
    );
    submitted.push(...batch);
  }
  const ids = submitted.map((a) => a.id);
  await eventually(
    async () => Number((await s.db.selectFrom('applications').select((eb) => eb.fn.countAll().as('n')).where('id', 'in', ids).where('stage', '=', 'AWAITING_BOOKING').executeTakeFirstOrThrow()).n),
    (n) => n === count,
    60_000,
  );
  return submitted.map(({ id, auth }) => ({ id, auth }));
}

const slot = (office: string, date: string, session: 'MORNING' | 'AFTERNOON') =>
  s.db.selectFrom('appointment_slots').select(['capacity', 'booked']).where('office_code', '=', office).where('date', '=', date).where('session', '=', session).executeTakeFirst();

describe('taking seats', () => {
  it('gives 5 seats to exactly 5 of 50 concurrent bookings; the other 45 get 409 with the next sessions', { timeout: 240_000 }, async () => {
    const office = 'TPI';
    const date = await workingDay(office, 12);
    // A session of five seats, as a small office's afternoon might have.
    await s.db
      .insertInto('appointment_slots')
      .values({ office_code: office, date, session: 'MORNING', capacity: 5 })
      .onConflict((oc) => oc.columns(['office_code', 'date', 'session', 'kind']).doUpdateSet({ capacity: 5, booked: 0 }))
      .execute();

    const started = Date.now();
    // Ten applicants for every seat: enough contention to double-book if the seat were not taken atomically.
    const applications = await paidApplications(50, office);
    const prepared = Date.now();
    const responses = await Promise.all(applications.map((a) => s.call('POST', `/applications/${a.id}/booking`, { date, session: 'MORNING' }, a.auth)));
    console.info(`50 paid applications in ${prepared - started} ms; 50 concurrent bookings in ${Date.now() - prepared} ms`);

    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((st) => st === 200)).toHaveLength(5);
    expect(statuses.filter((st) => st === 409)).toHaveLength(45);
    for (const refused of responses.filter((r) => r.status === 409)) {
      expect(refused.contentType).toContain('application/problem+json');
      expect(refused.body.type).toBe('/problems/slot-full');
      expect(refused.body.nextAvailable.length).toBeGreaterThan(0);
      expect(refused.body.nextAvailable).not.toContainEqual(expect.objectContaining({ date, session: 'MORNING' }));
      expect(refused.body.nextAvailable[0]).toMatchObject({ date, session: 'AFTERNOON' });
    }
    expect(await slot(office, date, 'MORNING')).toEqual({ capacity: 5, booked: 5 });
    const seated = await s.db.selectFrom('bookings').select((eb) => eb.fn.countAll().as('n')).where('office_code', '=', office).where('date', '=', date).where('released_at', 'is', null).executeTakeFirstOrThrow();
    expect(Number(seated.n)).toBe(5);

    const availability = await s.call('GET', `/offices/${office}/availability?from=${date}&days=1`);
    expect(availability.body.days[0].sessions).toContainEqual(expect.objectContaining({ date, session: 'MORNING', capacity: 5, seatsLeft: 0 }));
  });

  it('refuses a full session at once, leaving the workflow untouched, yet answers a retry of the booking that took the last seat', { timeout: 120_000 }, async () => {
    const office = 'TPI';
    const date = await workingDay(office, 13);
    await s.db
      .insertInto('appointment_slots')
      .values({ office_code: office, date, session: 'MORNING', capacity: 1 })
      .onConflict((oc) => oc.columns(['office_code', 'date', 'session', 'kind']).doUpdateSet({ capacity: 1, booked: 0 }))
      .execute();
    const [first, second] = await paidApplications(2, office, 1);
    const key = { 'idempotency-key': `last-seat-${date}` };
    const took = await s.call('POST', `/applications/${first!.id}/booking`, { date, session: 'MORNING' }, { ...first!.auth, ...key });
    expect(took.status, JSON.stringify(took.body)).toBe(200);
    // The same request again (its answer lost): the seat it took, though the session is now full.
    const again = await s.call('POST', `/applications/${first!.id}/booking`, { date, session: 'MORNING' }, { ...first!.auth, ...key });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toEqual(took.body);

    const refused = await s.call('POST', `/applications/${second!.id}/booking`, { date, session: 'MORNING' }, { ...second!.auth, 'idempotency-key': `full-${date}` });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('/problems/slot-full');
    expect(refused.body.detail).toBe(`session: ${office} ${date} MORNING has no REGULAR seat left; choose another session`);
    expect(refused.body.nextAvailable[0]).toMatchObject({ date, session: 'AFTERNOON' });
    // Answered from the seats: the second application's workflow was never asked to book.
    const { events } = await s.env.client.workflow.getHandle(workflowIdFor(second!.id)).fetchHistory();
    const updates = events?.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).filter(Boolean);
    expect(updates).not.toContain(bookSession.name);
    const booked = await s.call('POST', `/applications/${second!.id}/booking`, { date, session: 'AFTERNOON' }, { ...second!.auth, 'idempotency-key': `afternoon-${date}` });
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    expect(await slot(office, date, 'MORNING')).toEqual({ capacity: 1, booked: 1 });
  });

  it('shows availability per working day, skipping weekends and holidays', async () => {
    const response = await s.call('GET', '/offices/WSB/availability?days=14');
    expect(response.status).toBe(200);
    expect(response.body.timeZone).toBe('Asia/Jakarta');
    const holidays = await loadHolidays(s.db);
    for (const day of response.body.days as { date: string; sessions: { session: string; capacity: number; seatsLeft: number }[] }[]) {
      expect([0, 6]).not.toContain(new Date(`${day.date}T00:00:00Z`).getUTCDay());
      expect(holidays.has(day.date)).toBe(false);
      expect(day.sessions.map((x) => x.session)).toEqual(['MORNING', 'AFTERNOON']);
    }
    // WSB's regular quota of 60 is split 30 / 30.
    expect(response.body.days[0].sessions[0].capacity).toBe(30);
    expect((await s.call('GET', '/offices/XXX/availability')).status).toBe(404);
    expect((await s.call('GET', '/offices/WSB/availability?days=90')).body.errors).toEqual([{ field: 'query.days', reason: 'must be at most 31' }]);
  });
});

describe('booking, rescheduling and cancelling', () => {
  it('refuses a booking before payment (409), on a weekend or in the past (400)', async () => {
    const { auth } = await s.applicant();
    const unpaid = await s.call('POST', '/applications', { ...sampleSubmission(), officeCode: 'WSB' }, auth);
    const early = await s.call('POST', `/applications/${unpaid.body.applicationId}/booking`, { date: await workingDay('WSB', 2), session: 'MORNING' }, auth);
    expect(early).toMatchObject({ status: 409, body: { type: '/problems/out-of-order' } });

    const [paid] = await paidApplications(1, 'WSB');
    let saturday = await workingDay('WSB', 1);
    while (new Date(`${saturday}T00:00:00Z`).getUTCDay() !== 6) saturday = addDays(saturday, 1);
    const weekend = await s.call('POST', `/applications/${paid!.id}/booking`, { date: saturday, session: 'MORNING' }, paid!.auth);
    expect(weekend).toMatchObject({ status: 400, body: { errors: [{ field: 'date' }] } });
    // The booking activity's refusal names its field in the failure's details; the reason says why, once.
    expect(weekend.body.errors[0].reason).toBe(`${saturday} is not a working day at WSB`);
    expect(weekend.body.detail).toBe(`date: ${saturday} is not a working day at WSB`);
    const past = await s.call('POST', `/applications/${paid!.id}/booking`, { date: '2020-01-06', session: 'MORNING' }, paid!.auth);
    expect(past).toMatchObject({ status: 400, body: { errors: [{ field: 'date' }] } });
    const malformed = await s.call('POST', `/applications/${paid!.id}/booking`, { date: '6 Jan', session: 'EVENING' }, paid!.auth);
    expect(malformed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['date', 'session']);
  });

  it('reschedules once, up to the day before; the old seat is released', async () => {
    const [a] = await paidApplications(1, 'WSB');
    const first = await workingDay('WSB', 3);
    const second = await workingDay('WSB', 4);
    const seatsBefore = (await slot('WSB', second, 'AFTERNOON'))?.booked ?? 0;
    expect((await s.call('POST', `/applications/${a!.id}/booking`, { date: first, session: 'MORNING' }, a!.auth)).status).toBe(200);
    const bookedFirst = (await slot('WSB', first, 'MORNING'))!.booked;

    const moved = await s.call('PUT', `/applications/${a!.id}/booking`, { date: second, session: 'AFTERNOON' }, a!.auth);
    expect(moved).toMatchObject({ status: 200, body: { date: second, session: 'AFTERNOON', officeCode: 'WSB' } });
    await eventually(() => slot('WSB', first, 'MORNING'), (row) => row!.booked === bookedFirst - 1);
    expect((await slot('WSB', second, 'AFTERNOON'))!.booked).toBe(seatsBefore + 1);
    await eventually(() => s.call('GET', `/applications/${a!.id}`, undefined, a!.auth), (r) => r.body.appointment?.date === second);

    const again = await s.call('PUT', `/applications/${a!.id}/booking`, { date: first, session: 'MORNING' }, a!.auth);
    expect(again).toMatchObject({ status: 409, body: { type: '/problems/out-of-order' } });
  });

  it('cancels before the interview, releasing the seat; a second cancel is 409', async () => {
    const [a] = await paidApplications(1, 'WSB');
    const date = await workingDay('WSB', 5);
    expect((await s.call('POST', `/applications/${a!.id}/booking`, { date, session: 'AFTERNOON' }, a!.auth)).status).toBe(200);
    const booked = (await slot('WSB', date, 'AFTERNOON'))!.booked;
    const cancelled = await s.call('POST', `/applications/${a!.id}/cancel`, { reason: 'travel plans changed' }, a!.auth);
    expect(cancelled).toMatchObject({ status: 200, body: { stage: 'CANCELLED' } });
    expect((await slot('WSB', date, 'AFTERNOON'))!.booked).toBe(booked - 1);
    expect(await countRows(s.db, 'bookings', a!.id)).toBe(1);
    const again = await s.call('POST', `/applications/${a!.id}/cancel`, {}, a!.auth);
    expect(again.status).toBe(409);
    const detail = await s.call('GET', `/applications/${a!.id}`, undefined, a!.auth);
    expect(detail.body.timeline.at(-1)).toMatchObject({ stage: 'CANCELLED', actor: 'applicant' });
  });
});

describe('the booking horizon', () => {
  const trackingCodeOf = async (id: string) => (await s.db.selectFrom('applications').select('tracking_code').where('id', '=', id).executeTakeFirstOrThrow()).tracking_code;
  /** A paid WSB application booked seven working days ahead, once tracking shows it booked: the application and its tracking code. */
  const bookedAndTracked = async () => {
    const [a] = await paidApplications(1, 'WSB');
    expect((await s.call('POST', `/applications/${a!.id}/booking`, { date: await workingDay('WSB', 7), session: 'MORNING' }, a!.auth)).status).toBe(200);
    const code = await trackingCodeOf(a!.id);
    await eventually(() => s.call('GET', `/track/${code}`), (r) => r.body.stage === 'AWAITING_INTERVIEW');
    return { a: a!, code };
  };

  it('refuses 9999-12-30, 2099-01-05 and the day after the horizon with a 400 naming the date; tracking keeps answering', async () => {
    const [a] = await paidApplications(1, 'WSB');
    const { bookable } = (await s.call('GET', '/offices/WSB/availability')).body;
    expect(bookable).toMatchObject({ from: addDays(localDate(new Date(), 'Asia/Jakarta'), 1), horizonDays: 60 }); // WSB is on WIB
    const booking = (date: string, method = 'POST') => s.call(method, `/applications/${a!.id}/booking`, { date, session: 'MORNING' }, a!.auth);
    for (const date of ['9999-12-30', '2099-01-05', addDays(bookable.until, 1)]) {
      const refused = await booking(date);
      expect(refused, date).toMatchObject({ status: 400, contentType: expect.stringContaining('application/problem+json'), body: { errors: [{ field: 'date' }] } });
      expect(refused.body.errors[0].reason).toMatch(new RegExp(`^${date} is beyond the (booking horizon \\(60 days, until ${bookable.until}\\)|holiday calendar, which is loaded only until ${bookable.calendarUntil})$`));
      expect(refused.body.detail).toContain(date);
    }
    const code = await trackingCodeOf(a!.id);
    expect(await s.call('GET', `/track/${code}`)).toMatchObject({ status: 200, body: { stage: 'AWAITING_BOOKING', appointment: null } });

    // The same for a change of session, and nothing moved.
    const first = await workingDay('WSB', 6);
    expect((await booking(first)).status).toBe(200);
    expect(await booking('9999-12-30', 'PUT')).toMatchObject({ status: 400, body: { errors: [{ field: 'date', reason: expect.stringMatching(/^9999-12-30 is beyond the booking horizon/) }] } });
    await eventually(() => s.call('GET', `/track/${code}`), (r) => r.body.appointment?.date === first);
    expect(await countRows(s.db, 'bookings', a!.id)).toBe(1);
  });

  it('still tracks an application booked at the end of time before the horizon existed', async () => {
    const { a, code } = await bookedAndTracked();
    // What such an application looks like in the read model: the working-day estimate once spun forever.
    await s.db.updateTable('applications').set({ appointment_date: '9999-12-30' }).where('id', '=', a.id).execute();
    const started = Date.now();
    const tracked = await s.call('GET', `/track/${code}`);
    expect(tracked).toMatchObject({ status: 200, body: { appointment: { date: '9999-12-30' }, estimatedCompletion: null } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await s.call('GET', '/offices')).status).toBe(200);
  });

  it('tracks the completion three working days after the appointment, past the weekend and a holiday; past the limit, 429 and nothing of it', async () => {
    const { a, code } = await bookedAndTracked();
    // A Thursday of the read model far from the seeded calendar: Friday, then Tuesday and Wednesday.
    await s.db.updateTable('applications').set({ appointment_date: '2999-06-06' }).where('id', '=', a.id).execute();
    expect((await s.call('GET', `/track/${code}`)).body.estimatedCompletion).toBe('2999-06-11');
    await s.db.insertInto('holidays').values({ date: '2999-06-10', name: 'a Monday off' }).execute();
    try {
      expect((await s.call('GET', `/track/${code}`)).body).toMatchObject({ appointment: { date: '2999-06-06' }, estimatedCompletion: '2999-06-12' });
      // A client of its own behind a proxy: other files share 127.0.0.1's buckets.
      const limited = await s.listenWith({ TRACKING_RATE_PER_MINUTE: '1', TRACKING_BURST: '1', TRUST_PROXY: 'true' });
      const client = { 'x-forwarded-for': `2001:db8::${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}` };
      expect((await limited.call('GET', `/track/${code}`, undefined, client)).status).toBe(200);
      const refused = await limited.call('GET', `/track/${code}`, undefined, client);
      expect(refused).toMatchObject({ status: 429, body: { type: '/problems/rate-limited' } });
      expect(JSON.stringify(refused.body)).not.toContain(code);
    } finally {
      await s.db.deleteFrom('holidays').where('date', '=', '2999-06-10').execute();
    }
  });

  it('offers availability only inside the window; a from past it is a 400', async () => {
    const { bookable } = (await s.call('GET', '/offices/PLU/availability')).body;
    expect(bookable).toEqual({ from: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), until: expect.any(String), horizonDays: 60, calendarUntil: expect.stringMatching(/-12-31$/) });
    const near = await s.call('GET', `/offices/PLU/availability?from=${addDays(bookable.until, -3)}&days=31`);
    expect(near.status).toBe(200);
    for (const day of near.body.days as { date: string }[]) expect(day.date <= bookable.until).toBe(true);
    const far = await s.call('GET', '/offices/PLU/availability?from=9999-12-31');
    expect(far).toMatchObject({ status: 400, body: { errors: [{ field: 'query.from', reason: `9999-12-31 is beyond the booking horizon (60 days, until ${bookable.until})` }] } });
  });
});

// Keeps the seat arithmetic honest: the CHECK refuses what the conditional update would never try.
it('cannot be overbooked even by a direct update', async () => {
  const date = await workingDay('JPR', 15);
  await s.db.insertInto('appointment_slots').values({ office_code: 'JPR', date, session: 'AFTERNOON', capacity: 1, booked: 1 }).onConflict((oc) => oc.doNothing()).execute();
  await expect(sql`update appointment_slots set booked = booked + 1 where office_code = 'JPR' and date = ${date} and session = 'AFTERNOON'`.execute(s.db)).rejects.toThrow(/appointment_slots_not_overbooked/);
});

describe('privacy', () => {
  it('keeps the NIK, name, birth date, contact details and address out of every history this file produced', async () => {
    expect(await s.personalDataInHistories()).toEqual([]);
  });
});
