// Seats of every kind through the HTTP API, end to end: same-day service billed and refused where there are no
// same-day seats, priority grounds from the birth date or declared, availability per kind, and the officer's review.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../workflows/calendar.js';
import { SESSIONS, type SeatKind, type Session } from '../../workflows/definitions.js';
import { paymentCallback } from '../support/bank.js';
import { officeWith, retireOffices } from '../support/offices.js';
import { nextWorkingDay } from '../support/read-model.js';
import { eventually, startService } from '../support/service.js';
import { nikFor, sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
let office: string;
const TIME_ZONE = 'Asia/Jakarta';
const QUOTAS: Record<Session, Record<SeatKind, number>> = { MORNING: { REGULAR: 2, PRIORITY: 1, SAME_DAY: 0 }, AFTERNOON: { REGULAR: 1, PRIORITY: 0, SAME_DAY: 0 } };

beforeAll(async () => {
  s = await startService();
  office = await officeWith(s.db, 'R', TIME_ZONE, QUOTAS);
});
afterAll(async () => {
  if (s && office) await retireOffices(s.db, [office]);
  await s?.stop();
});

type Auth = Record<string, string>;
const bearer = async (token: Promise<string>) => ({ authorization: `Bearer ${await token}` });
/** Someone born on `birthDate`, with a NIK of their own that agrees with it. */
const born = (birthDate: string, sex: 'M' | 'F' = 'F') => ({ ...sampleSubmission(), birthDate, sex, nik: nikFor(birthDate, sex) });
/** The date `years` years before `date` (YYYY-MM-DD). */
const yearsBefore = (date: string, years: number) => `${Number(date.slice(0, 4)) - years}${date.slice(4)}`;

async function submit(auth: Auth, body: object) {
  return s.call('POST', '/applications', body, auth);
}

describe('same-day service (percepatan)', () => {
  it('bills the product and the SAME_DAY fee, and is refused at an office with no same-day seats', async () => {
    const { auth } = await s.applicant();
    const sameDay = await submit(auth, { ...sampleSubmission(), officeCode: 'PLU', service: 'SAME_DAY' });
    expect(sameDay.status, JSON.stringify(sameDay.body)).toBe(201);
    expect(sameDay.body.amount).toBe(950_000 + 1_000_000);
    const own = await s.call('GET', `/applications/${sameDay.body.applicationId}`, undefined, auth);
    expect(own.body).toMatchObject({ service: 'SAME_DAY', priority: null, amount: 1_950_000 });

    const nowhere = await submit(auth, { ...sampleSubmission(), officeCode: office, service: 'SAME_DAY' });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.errors).toEqual([{ field: 'service', reason: `office ${office} offers no same-day service (percepatan)` }]);
    const offered = (await s.call('GET', '/offices')).body.find((o: { code: string }) => o.code === office);
    expect(offered.services).toEqual(['REGULAR', 'PRIORITY']);
  });
});

describe('priority grounds', () => {
  it('derives 60 and over and under five from the birth date (a birthday today counts), over a declared ground; refuses PREGNANCY for a man', async () => {
    const { auth } = await s.applicant();
    const today = localDate(new Date(), 'Asia/Makassar'); // PLU's
    const cases = [
      { body: { ...born(yearsBefore(today, 60)), priority: 'DISABILITY' }, priority: { ground: 'ELDERLY', status: 'AUTOMATIC' } },
      { body: { ...born(yearsBefore(addDays(today, 1), 60)), priority: 'DISABILITY' }, priority: { ground: 'DISABILITY', status: 'DECLARED' } },
      { body: born(yearsBefore(addDays(today, 1), 5)), priority: { ground: 'UNDER_FIVE', status: 'AUTOMATIC' } },
      { body: born(yearsBefore(today, 5)), priority: null },
    ];
    for (const { body, priority } of cases) {
      const response = await submit(auth, { ...body, officeCode: 'PLU' });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      expect((await s.call('GET', `/applications/${response.body.applicationId}`, undefined, auth)).body).toMatchObject({ service: 'REGULAR', priority });
    }
    const man = await submit(auth, { ...born('1990-01-15', 'M'), officeCode: 'PLU', priority: 'PREGNANCY' });
    expect(man.status).toBe(400);
    expect(man.body.errors).toEqual([{ field: 'priority', reason: 'PREGNANCY cannot be declared for sex M' }]);
  });
});

describe('seats per kind and the review of a declared priority', () => {
  it('shows seats per kind, books a priority seat, and lets only the own office review the declaration on the day', { timeout: 120_000 }, async () => {
    const { auth } = await s.applicant();
    const submitted = await submit(auth, { ...sampleSubmission(), officeCode: office, priority: 'DISABILITY' });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const { applicationId, billingCode, amount } = submitted.body;
    const unpaid = await submit(auth, { ...born('1985-07-01'), officeCode: office });
    const own = await bearer(s.officerToken(office));
    const review = (id: string, body: object, headers: Auth = own) => s.call('POST', `/officer/applications/${id}/priority-review`, body, headers);
    expect((await review(unpaid.body.applicationId, { confirmed: true })).status).toBe(409); // not waiting for its interview

    await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback({ billingCode, amount })).send();
    await eventually(() => s.call('GET', `/applications/${applicationId}`, undefined, auth), (r) => r.body.stage === 'AWAITING_BOOKING', 60_000);
    const date = await nextWorkingDay(s.db, office);
    s.comesOnTheDay(applicationId);
    const booked = await s.call('POST', `/applications/${applicationId}/booking`, { date, session: 'MORNING' }, auth);
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    expect(booked.body).toMatchObject({ date, session: 'MORNING', kind: 'PRIORITY' });

    const seats = async () => {
      const availability = await s.call('GET', `/offices/${office}/availability?from=${date}&days=1`);
      expect(availability.body.days[0].date).toBe(date);
      return availability.body.days[0].sessions;
    };
    expect(await seats()).toEqual(
      SESSIONS.map((session) => ({
        date,
        session,
        capacity: QUOTAS[session].REGULAR,
        seatsLeft: QUOTAS[session].REGULAR,
        seats: {
          REGULAR: { capacity: QUOTAS[session].REGULAR, seatsLeft: QUOTAS[session].REGULAR },
          PRIORITY: { capacity: QUOTAS[session].PRIORITY, seatsLeft: session === 'MORNING' ? 0 : QUOTAS[session].PRIORITY },
          SAME_DAY: { capacity: 0, seatsLeft: 0 },
        },
        waitlist: 0,
      })),
    );

    const interview = await s.call('POST', `/officer/applications/${applicationId}/interview`, { outcome: 'APPROVED' }, own);
    expect(interview).toMatchObject({ status: 409, body: { detail: expect.stringContaining('review the declared priority ground first') } });
    expect((await review(applicationId, { confirmed: false }, {})).status).toBe(401);
    const elsewhere = await review(applicationId, { confirmed: false }, await bearer(s.officerToken('PLU')));
    expect(elsewhere).toMatchObject({ status: 403, body: { detail: `the application belongs to office ${office}` } });
    expect((await review(applicationId, { confirmed: 'no' })).body.errors).toEqual([{ field: 'confirmed', reason: 'must be true (the declared ground is confirmed) or false (it is not)' }]);

    // No free-text note travels with the review (health data in a workflow message): an unknown field, refused.
    expect((await review(applicationId, { confirmed: false, note: 'hamil 20 minggu' })).status).toBe(400);
    const found = await review(applicationId, { confirmed: false });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body).toMatchObject({ stage: 'AWAITING_INTERVIEW', reschedulesLeft: 1, appointment: { date, session: 'MORNING', kind: 'REGULAR' } });
    const after = await s.call('GET', `/applications/${applicationId}`, undefined, auth);
    expect(after.body.priority).toEqual({ ground: 'DISABILITY', status: 'NOT_CONFIRMED' });
    expect(after.body.timeline.map((e: { actor: string; reason: string | null }) => e.reason)).toContain('declared priority ground not confirmed at the counter');
    const morning = (await seats())[0];
    expect(morning.seats).toMatchObject({ REGULAR: { seatsLeft: QUOTAS.MORNING.REGULAR - 1 }, PRIORITY: { seatsLeft: QUOTAS.MORNING.PRIORITY } });
    expect((await review(applicationId, { confirmed: true })).status).toBe(409); // reviewed once
  });
});
