// Seats of every kind on the time-skipping server: priority seats (derived from the birth date or declared and
// reviewed at the counter), same-day service (percepatan) and its end-of-day commitment. Each test has an office
// of its own with a handful of seats, so what it books and what it finds full are its own doing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../api/problems.js';
import type { Submission } from '../../api/submission.js';
import { endOfLocalDay, localDate } from '../../workflows/calendar.js';
import {
  bookSession,
  cancelApplication,
  getState,
  recordInterview,
  recordPrinting,
  rescheduleSession,
  reviewPriority,
  type Session,
} from '../../workflows/definitions.js';
import { officeWith as newOffice, retireOffices } from '../support/offices.js';
import { applicationRow, countRows } from '../support/read-model.js';
import { onAppointmentDay, pay, skipTo, stageReached, submitted, workingDayAhead } from '../support/scenarios.js';
import { findPersonalData, nikFor, startTimeSkipping } from '../support/workflows.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
const offices: string[] = [];
beforeAll(async () => {
  t = await startTimeSkipping();
});
afterAll(async () => {
  if (t) await retireOffices(t.db, offices);
  await t?.teardown();
});

const TIME_ZONE = 'Asia/Makassar';
/** A new office of this test's own with only the seats given. */
async function officeWith(quotas: Parameters<typeof newOffice>[3]): Promise<string> {
  const code = await newOffice(t.db, 'Q', TIME_ZONE, quotas);
  offices.push(code);
  return code;
}

/** An applicant born on `birthDate` (60 and over, under five, or neither), with a NIK of their own. */
const person = (birthDate: string, sex: 'M' | 'F' = 'F'): Partial<Submission> => ({ birthDate, sex, nik: nikFor(birthDate, sex) });
const ELDERLY = '1950-03-14';
const ADULT = '1990-05-12';

/** Submitted at `officeCode` and paid: ready to book. */
async function paidAt(officeCode: string, submission: Partial<Submission> = person(ADULT)): Promise<Paid> {
  const application = await submitted(t, { officeCode, ...submission });
  t.endWithWorker(application.handle); // left running, a timer of its would fire under the next test's worker and stall the clock
  await pay(t, application);
  return application;
}
type Paid = Awaited<ReturnType<typeof submitted>>;

const bookAt = async (application: Paid, officeCode: string, session: Session = 'MORNING', daysAhead = 1) =>
  application.handle.executeUpdate(bookSession, { args: [{ date: await workingDayAhead(t, daysAhead, officeCode), session }] });

/** The type of the rejection an update met, or 'accepted'. */
const outcome = (attempt: Promise<unknown>) =>
  attempt.then(
    () => 'accepted',
    (error: unknown) => rejectionOf(error)?.type ?? Promise.reject(error),
  );

/** Every slot row of the office with the live bookings of its kind: booked must equal them and never pass capacity. */
async function slotsOf(officeCode: string) {
  const { rows } = await sql<{ date: string; session: string; kind: string; capacity: number; booked: number; live: number }>`
    select s.date::text, s.session, s.kind, s.capacity, s.booked,
      (select count(*)::int from bookings b where b.office_code = s.office_code and b.date = s.date and b.session = s.session and b.kind = s.kind and b.released_at is null) as live
    from appointment_slots s where s.office_code = ${officeCode} order by s.date, s.session, s.kind`.execute(t.db);
  for (const row of rows) {
    expect(row.booked).toBe(row.live);
    expect(row.booked).toBeLessThanOrEqual(row.capacity);
  }
  return Object.fromEntries(rows.map((r) => [`${r.session} ${r.kind}`, r.booked]));
}

const officerAt = (officeCode: string) => ({ officerId: `officer-${officeCode.toLowerCase()}-1`, officeCode });

async function notices(applicationId: string) {
  return t.db.selectFrom('notifications').select(['kind', 'details']).where('application_id', '=', applicationId).orderBy('created_at').execute();
}

describe('seats of every kind', () => {
  it('gives a priority applicant a priority seat, then a regular one when those are full; a regular applicant never a priority seat', async () => {
    const office = await officeWith({ MORNING: { REGULAR: 1, PRIORITY: 1 }, AFTERNOON: { REGULAR: 1, PRIORITY: 1 } });
    await t.withWorker(async () => {
      const [regular, regularToo, elderly, underFive] = await Promise.all([
        paidAt(office),
        paidAt(office),
        paidAt(office, person(ELDERLY, 'M')),
        paidAt(office, person(localDate(new Date(await t.env.currentTimeMs()), TIME_ZONE).replace(/^\d{4}/, (y) => String(Number(y) - 2)))),
      ]);
      expect((await applicationRow(t.db, elderly.applicationId)).priority_status).toBe('AUTOMATIC');

      expect((await bookAt(regular, office)).kind).toBe('REGULAR');
      // The morning's priority seat is free, and still not for a regular applicant.
      expect(await outcome(bookAt(regularToo, office))).toBe('SlotFull');

      expect((await bookAt(elderly, office, 'AFTERNOON')).kind).toBe('PRIORITY');
      expect((await bookAt(underFive, office, 'AFTERNOON')).kind).toBe('REGULAR');
      expect((await underFive.handle.query(getState)).appointment?.kind).toBe('REGULAR');

      expect(await slotsOf(office)).toEqual({ 'MORNING REGULAR': 1, 'AFTERNOON PRIORITY': 1, 'AFTERNOON REGULAR': 1 });
    });
  });

  it('keeps the seat held when a change of session finds the new one full, and gives that seat back when the applicant cancels', async () => {
    const office = await officeWith({ MORNING: { REGULAR: 1 }, AFTERNOON: { REGULAR: 1 } });
    await t.withWorker(async () => {
      const [mover, other] = await Promise.all([paidAt(office), paidAt(office)]);
      const date = await workingDayAhead(t, 2, office);
      await mover.handle.executeUpdate(bookSession, { args: [{ date, session: 'MORNING' }] });
      await other.handle.executeUpdate(bookSession, { args: [{ date, session: 'AFTERNOON' }] });
      expect(await outcome(mover.handle.executeUpdate(rescheduleSession, { args: [{ date, session: 'AFTERNOON' }] }))).toBe('SlotFull');
      expect((await mover.handle.query(getState)).appointment).toMatchObject({ date, session: 'MORNING' });
      expect(await slotsOf(office)).toEqual({ 'MORNING REGULAR': 1, 'AFTERNOON REGULAR': 1 });

      // The refused change's reservation held nothing: the cancellation frees the morning seat the applicant had.
      await mover.handle.executeUpdate(cancelApplication, { args: [{}] });
      await stageReached(t, mover.applicationId, 'CANCELLED');
      expect(await slotsOf(office)).toEqual({ 'MORNING REGULAR': 0, 'AFTERNOON REGULAR': 1 });
    });
  });

  it('books a same-day applicant on a same-day seat, and holds the printing to the end of the interview day (office time)', async () => {
    const office = await officeWith({ MORNING: { SAME_DAY: 1 }, AFTERNOON: { SAME_DAY: 1 } });
    await t.withWorker(async () => {
      const [inTime, late] = await Promise.all([paidAt(office, { ...person(ADULT), service: 'SAME_DAY' }), paidAt(office, { ...person(ADULT), service: 'SAME_DAY' })]);
      expect(inTime.amount).toBe(950_000 + 1_000_000); // ELECTRONIC_10Y and the SAME_DAY service fee
      const appointment = await bookAt(inTime, office, 'MORNING');
      expect(appointment.kind).toBe('SAME_DAY');
      expect((await bookAt(late, office, 'AFTERNOON')).kind).toBe('SAME_DAY');
      expect(await slotsOf(office)).toEqual({ 'MORNING SAME_DAY': 1, 'AFTERNOON SAME_DAY': 1 });

      await onAppointmentDay(t, appointment);
      const approved = await Promise.all([inTime, late].map((a) => a.handle.executeUpdate(recordInterview, { args: [{ ...officerAt(office), outcome: 'APPROVED' }] })));
      const endOfDay = endOfLocalDay(appointment.date, TIME_ZONE).toISOString();
      for (const state of approved) expect(state.slaDeadline).toBe(endOfDay);

      await inTime.handle.executeUpdate(recordPrinting, { args: [{ ...officerAt(office), passportNumber: 'X2000001' }] });
      await skipTo(t, endOfDay);
      await eventuallyCompensated(late.applicationId);
      const row = await applicationRow(t.db, late.applicationId);
      expect(row).toMatchObject({ sla_breached: true, delivery_method: 'POS', stage: 'AWAITING_PRINTING' });
      expect((await notices(late.applicationId)).map((n) => n.kind)).toContain('SLA_BREACHED_FREE_DELIVERY');
      await late.handle.executeUpdate(recordPrinting, { args: [{ ...officerAt(office), passportNumber: 'X2000002' }] });
      await stageReached(t, late.applicationId, 'IN_DELIVERY');
      expect(await countRows(t.db, 'compensations', late.applicationId)).toBe(1);

      expect(await applicationRow(t.db, inTime.applicationId)).toMatchObject({ stage: 'READY_FOR_PICKUP', sla_breached: false });
      expect(await countRows(t.db, 'compensations', inTime.applicationId)).toBe(0);
    });
  });

  it('moves a false priority declaration to a free regular seat of its session, on the record, after refusing the interview while it was declared', async () => {
    const office = await officeWith({ MORNING: { REGULAR: 1, PRIORITY: 1 } });
    await t.withWorker(async () => {
      const declared = await paidAt(office, { ...person(ADULT), priority: 'DISABILITY' });
      const appointment = await bookAt(declared, office);
      expect(appointment.kind).toBe('PRIORITY');
      const officer = officerAt(office);
      // Only on the appointment day, at the counter.
      expect(await outcome(declared.handle.executeUpdate(reviewPriority, { args: [{ ...officer, confirmed: false }] }))).toBe('StepOutOfOrder');

      await onAppointmentDay(t, appointment);
      const early = declared.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      await expect(early).rejects.toMatchObject({ cause: { message: 'review the declared priority ground first' } });

      const after = await declared.handle.executeUpdate(reviewPriority, { args: [{ ...officer, confirmed: false }] });
      expect(after).toMatchObject({ stage: 'AWAITING_INTERVIEW', reschedulesLeft: 1, priority: { status: 'NOT_CONFIRMED' } });
      expect(after.appointment).toMatchObject({ date: appointment.date, session: 'MORNING', kind: 'REGULAR' });
      expect(await slotsOf(office)).toEqual({ 'MORNING PRIORITY': 0, 'MORNING REGULAR': 1 });

      expect((await applicationRow(t.db, declared.applicationId)).priority_status).toBe('NOT_CONFIRMED');
      const audit = await t.db.selectFrom('audit_log').select(['stage', 'actor', 'reason']).where('application_id', '=', declared.applicationId).orderBy('seq').execute();
      expect(audit.slice(-2)).toEqual([
        { stage: 'AWAITING_INTERVIEW', actor: officer.officerId, reason: 'declared priority ground not confirmed at the counter' },
        { stage: 'AWAITING_INTERVIEW', actor: officer.officerId, reason: `declared priority ground not confirmed: moved to a regular seat of ${appointment.date} MORNING` },
      ]);
      expect((await notices(declared.applicationId)).at(-1)).toEqual({ kind: 'PRIORITY_NOT_CONFIRMED', details: { movedTo: { date: appointment.date, session: 'MORNING' } } });
      expect(await outcome(declared.handle.executeUpdate(reviewPriority, { args: [{ ...officer, confirmed: true }] }))).toBe('StepOutOfOrder');

      const interviewed = await declared.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      expect(interviewed.stage).toBe('AWAITING_PRINTING');
    });
  });

  it('sends a false priority declaration back to booking when the regular seats of its session are full, and books it a regular seat', async () => {
    const office = await officeWith({ MORNING: { REGULAR: 1, PRIORITY: 1 } });
    await t.withWorker(async () => {
      const [regular, declared] = await Promise.all([paidAt(office), paidAt(office, { ...person(ADULT, 'F'), priority: 'PREGNANCY' })]);
      await bookAt(regular, office);
      const appointment = await bookAt(declared, office);
      expect(appointment.kind).toBe('PRIORITY');

      await onAppointmentDay(t, appointment);
      const after = await declared.handle.executeUpdate(reviewPriority, { args: [{ ...officerAt(office), confirmed: false }] });
      expect(after).toMatchObject({ stage: 'AWAITING_BOOKING', reschedulesLeft: 1, priority: { status: 'NOT_CONFIRMED' } });
      expect(after.appointment).toBeUndefined();
      const row = await applicationRow(t.db, declared.applicationId);
      expect(row).toMatchObject({ stage: 'AWAITING_BOOKING', priority_status: 'NOT_CONFIRMED' });
      const notice = (await notices(declared.applicationId)).at(-1);
      expect(notice).toEqual({ kind: 'PRIORITY_NOT_CONFIRMED', details: { bookingDeadline: row.next_deadline?.toISOString() } });
      expect(await slotsOf(office)).toEqual({ 'MORNING PRIORITY': 0, 'MORNING REGULAR': 1 });

      // The next day's morning has both kinds free: a declaration found false takes the regular seat.
      const rebooked = await bookAt(declared, office);
      expect(rebooked).toMatchObject({ session: 'MORNING', kind: 'REGULAR' });
      // The ground is health data: PostgreSQL has it, the workflow's history (input, state, notices, records) never does.
      expect(await findPersonalData(t.client, [{ workflowId: declared.handle.workflowId, personal: ['PREGNANCY', 'pregnan', 'hamil'] }])).toEqual([]);
      expect(rebooked.date > appointment.date).toBe(true);
      await stageReached(t, declared.applicationId, 'AWAITING_INTERVIEW');
    });
  });

  it('keeps a confirmed declaration on its priority seat, on the record, and lets the interview go ahead', async () => {
    const office = await officeWith({ MORNING: { REGULAR: 1, PRIORITY: 1 } });
    await t.withWorker(async () => {
      const declared = await paidAt(office, { ...person(ADULT), priority: 'DISABILITY' });
      const appointment = await bookAt(declared, office);
      await onAppointmentDay(t, appointment);
      const officer = officerAt(office);
      const after = await declared.handle.executeUpdate(reviewPriority, { args: [{ ...officer, confirmed: true }] });
      expect(after).toMatchObject({ stage: 'AWAITING_INTERVIEW', priority: { status: 'CONFIRMED' }, appointment: { kind: 'PRIORITY' } });
      expect((await applicationRow(t.db, declared.applicationId)).priority_status).toBe('CONFIRMED');
      const last = await t.db.selectFrom('audit_log').select(['actor', 'reason']).where('application_id', '=', declared.applicationId).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(last).toEqual({ actor: officer.officerId, reason: 'declared priority ground confirmed at the counter' });
      expect(await outcome(declared.handle.executeUpdate(reviewPriority, { args: [{ ...officer, confirmed: false }] }))).toBe('StepOutOfOrder');
      expect((await declared.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] })).stage).toBe('AWAITING_PRINTING');
      expect(await slotsOf(office)).toEqual({ 'MORNING PRIORITY': 1 });
    });
  });
});

async function eventuallyCompensated(applicationId: string): Promise<void> {
  const start = Date.now();
  while ((await countRows(t.db, 'compensations', applicationId)) === 0) {
    if (Date.now() - start > 15_000) throw new Error('no compensation recorded');
    await new Promise((r) => setTimeout(r, 50));
  }
}
