// Office closures (workflows/office-closure.ts): the applications booked on a closed day, a page at a time; each
// one asked to move (its moveForClosure update, once per application and day whatever the retries); and, for the
// application's own handler (stage AWAITING_INTERVIEW), the sessions it may move to.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { DEFAULT_BOOKING_HORIZON_DAYS } from '../config.js';
import { bookingWindow } from '../db/calendar.js';
import { getOffice } from '../db/queries/offices.js';
import { seatsBetween } from '../db/queries/sessions.js';
import type { DB } from '../db/schema.js';
import { addDays } from '../workflows/calendar.js';
import { moveForClosure, workflowIdFor, type ClosureMove, type NoticeSession, type SeatKind } from '../workflows/definitions.js';

/** Sessions handed to a move at a time: the first with a free seat is almost always among them. */
const CANDIDATES = 10;

export const createOfficeClosureActivities = ({ db, temporal, bookingHorizonDays = DEFAULT_BOOKING_HORIZON_DAYS }: { db: Kysely<DB>; temporal: Client; bookingHorizonDays?: number }) => ({
  /** Applications holding a seat at the office on `date`, by id after `after`, at most `limit`. */
  async applicationsBookedOn(req: { officeCode: string; date: string; after?: string; limit: number }): Promise<string[]> {
    let query = db
      .selectFrom('bookings')
      .select('application_id')
      .distinct()
      .where('office_code', '=', req.officeCode)
      .where('date', '=', req.date)
      .where('released_at', 'is', null);
    if (req.after) query = query.where('application_id', '>', req.after);
    const rows = await query.orderBy('application_id').limit(req.limit).execute();
    return rows.map((r) => r.application_id);
  },

  /**
   * Asks the application to move off the closed day: its moveForClosure update with an id of the application
   * and the day, so a retried activity (or a second run of the closure) moves nobody twice. 'closed': its
   * workflow has ended.
   */
  async sendClosureMove(req: ClosureMove & { officeCode: string; applicationId: string }): Promise<'asked' | 'closed'> {
    const handle = temporal.workflow.getHandle(workflowIdFor(req.applicationId));
    try {
      await handle.executeUpdate(moveForClosure, { args: [{ date: req.date, reason: req.reason }], updateId: `moveForClosure-${req.officeCode}-${req.date}-${req.applicationId}` });
      return 'asked';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'closed';
      throw error;
    }
  },

  /**
   * Stage AWAITING_INTERVIEW, moved by a closure: the office's sessions after `after` inside the booking window
   * (from the workflow's clock `at`), in date order, that have a free seat of one of `kinds`; at most
   * CANDIDATES. The seat is then taken by reserveSeat, the authority: a session filled meanwhile is skipped.
   */
  async closureCandidates(req: { officeCode: string; after: string; kinds: SeatKind[]; at: string }): Promise<NoticeSession[]> {
    const office = await getOffice(db, req.officeCode);
    const window = await bookingWindow(db, { timeZone: office.time_zone, now: new Date(req.at), horizonDays: bookingHorizonDays });
    const from = addDays(req.after, 1) > window.from ? addDays(req.after, 1) : window.from;
    const days = await seatsBetween(db, office, from, window.until);
    return days
      .flatMap((day) => day.sessions)
      .filter((seats) => req.kinds.some((kind) => seats.seats[kind].seatsLeft > 0))
      .slice(0, CANDIDATES)
      .map(({ date, session }) => ({ date, session }));
  },
});
