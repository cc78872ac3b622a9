// Stages: AWAITING_BOOKING, AWAITING_INTERVIEW. Takes and releases appointment seats.
import { ApplicationFailure } from '@temporalio/common';
import { sql, type Kysely } from 'kysely';
import { DEFAULT_BOOKING_HORIZON_DAYS } from '../config.js';
import { beyondWindow, bookingWindow } from '../db/calendar.js';
import { getOffice } from '../db/queries/offices.js';
import { serviceDay } from '../db/queries/service-days.js';
import type { DB } from '../db/schema.js';
import { addDays, endOfLocalDay, isCalendarDate, localDate } from '../workflows/calendar.js';
import { REJECTIONS, type Appointment, type BookingRequest, type SeatKind, type Session } from '../workflows/definitions.js';
import { announceHeldSeat, holdForWaitlist, type WaitlistDeps } from './waitlist.js';

const reject = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });
/** A date the rules refuse: the API answers 400 naming `details[0].field`. */
const invalidDate = (reason: string) => ApplicationFailure.create({ type: REJECTIONS.invalid, message: reason, details: [{ field: 'date' }], nonRetryable: true });

export const createBookingActivities = ({ db, bookingHorizonDays = DEFAULT_BOOKING_HORIZON_DAYS, ...waitlist }: WaitlistDeps) => ({
  /**
   * Takes one seat for (application, attempt): of the first of `kinds` (absent: REGULAR) with a seat free in the
   * session. A retry returns the seat already taken; a session with none of those kinds free fails with SlotFull
   * and takes nothing: `booked < capacity` and a CHECK guard it.
   */
  async reserveSeat(req: BookingRequest & { applicationId: string; officeCode: string; attempt: number; at: string; kinds?: SeatKind[]; atTheCounter?: boolean }): Promise<Appointment> {
    const office = await getOffice(db, req.officeCode);
    const appointment = (date: string, session: Session, kind: SeatKind): Appointment => ({
      officeCode: office.code,
      date,
      session,
      kind,
      startsAt: endOfLocalDay(addDays(date, -1), office.time_zone).toISOString(),
      endsAt: endOfLocalDay(date, office.time_zone).toISOString(),
    });
    const existing = await db
      .selectFrom('bookings')
      .select(['date', 'session', 'kind'])
      .where('application_id', '=', req.applicationId)
      .where('attempt', '=', req.attempt)
      .executeTakeFirst();
    if (existing) return appointment(existing.date, existing.session as Session, existing.kind);

    // A message sent past the API may carry anything: a non-date is refused, never retried.
    if (!isCalendarDate(req.date)) throw invalidDate(`${JSON.stringify(req.date)} is not a calendar date (YYYY-MM-DD)`);
    // `at` is the workflow's clock, so the rule holds the same under replay and time skipping.
    const today = localDate(new Date(req.at), office.time_zone);
    // A change the officer makes at the counter (a priority declaration found false) keeps the appointment's own day.
    if (req.date < today || (req.date === today && !req.atTheCounter)) throw invalidDate(`appointments can be booked from tomorrow (${office.code} local date is ${today})`);
    // The authority on the horizon and the loaded calendar: no path around the API's own check books past them.
    const beyond = beyondWindow(req.date, await bookingWindow(db, { timeZone: office.time_zone, now: new Date(req.at), horizonDays: bookingHorizonDays }));
    if (beyond) throw invalidDate(beyond);
    // Service days: working days, the office's weekend days and declared OPEN days, never a declared CLOSED day.
    const quotas = await serviceDay(db, office, req.date);
    if (!quotas) throw invalidDate(`${req.date} is not a working day at ${office.code}`);

    const kinds = req.kinds?.length ? req.kinds : (['REGULAR'] as SeatKind[]);
    const kind = await db.transaction().execute(async (tx) => {
      for (const kind of kinds) {
        const capacity = quotas[req.session][kind];
        if (capacity <= 0) continue;
        await tx
          .insertInto('appointment_slots')
          .values({ office_code: office.code, date: req.date, session: req.session, kind, capacity })
          .onConflict((oc) => oc.columns(['office_code', 'date', 'session', 'kind']).doNothing())
          .execute();
        const taken = await tx
          .updateTable('appointment_slots')
          .set({ booked: sql`booked + 1` })
          .where('office_code', '=', office.code)
          .where('date', '=', req.date)
          .where('session', '=', req.session)
          .where('kind', '=', kind)
          .where(sql<boolean>`booked < capacity`)
          .executeTakeFirst();
        if (taken.numUpdatedRows === 0n) continue;
        await tx
          .insertInto('bookings')
          .values({ application_id: req.applicationId, attempt: req.attempt, office_code: office.code, date: req.date, session: req.session, kind })
          .execute();
        return kind;
      }
      throw reject(REJECTIONS.slotFull, `session: ${office.code} ${req.date} ${req.session} has no ${kinds.join(' or ')} seat left`);
    });
    return appointment(req.date, req.session, kind);
  },

  /** Gives the seat of (application, attempt) back, once: to the session's waitlist when someone there can take it. */
  async releaseSeat(req: { applicationId: string; attempt: number; at: string }): Promise<void> {
    await db.transaction().execute(async (tx) => {
      const released = await tx
        .updateTable('bookings')
        .set({ released_at: req.at })
        .where('application_id', '=', req.applicationId)
        .where('attempt', '=', req.attempt)
        .where('released_at', 'is', null)
        .returning(['office_code', 'date', 'session', 'kind'])
        .executeTakeFirst();
      if (!released || (await holdForWaitlist(tx, req))) return;
      await tx
        .updateTable('appointment_slots')
        .set({ booked: sql`booked - 1` })
        .where('office_code', '=', released.office_code)
        .where('date', '=', released.date)
        .where('session', '=', released.session as Session)
        .where('kind', '=', released.kind)
        .execute();
    });
    await announceHeldSeat({ db, ...waitlist }, req);
  },
});
