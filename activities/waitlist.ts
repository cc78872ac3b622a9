// Stages: AWAITING_BOOKING (joining, leaving and accepting an offer) and the seatWaitlist workflow. A seat freed
// in a session someone waits for is held for the waitlist (still counted as booked, so nobody outside the line
// takes it), offered to the first entry in queue order that can use its kind, and taken, lapsed or returned.
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { sql, type Kysely, type Transaction } from 'kysely';
import { DEFAULT_BOOKING_HORIZON_DAYS, DEFAULT_WAITLIST_OFFER_HOURS } from '../config.js';
import { beyondWindow, bookingWindow } from '../db/calendar.js';
import { getOffice } from '../db/queries/offices.js';
import { serviceDay } from '../db/queries/service-days.js';
import { waitlistPosition } from '../db/queries/waitlist.js';
import type { DB } from '../db/schema.js';
import { addDays, endOfLocalDay, isCalendarDate, localDate } from '../workflows/calendar.js';
import {
  REJECTIONS,
  SEAT_WAITLIST_WORKFLOW,
  seatFreed,
  seatWaitlistIdFor,
  type Appointment,
  type SeatKind,
  type SeatWaitlistInput,
  type Session,
  type WaitlistPosition,
  type WaitlistRequest,
} from '../workflows/definitions.js';
import { recordNotice, type StartDelivery } from './notices/record.js';

type Db = Kysely<DB> | Transaction<DB>;
interface SessionKey {
  officeCode: string;
  date: string;
  session: Session;
}

const outOfOrder = (message: string) => ApplicationFailure.create({ type: REJECTIONS.outOfOrder, message, nonRetryable: true });
const invalidDate = (reason: string) => ApplicationFailure.create({ type: REJECTIONS.invalid, message: reason, details: [{ field: 'date' }], nonRetryable: true });

/** Start of `date` in the office's zone (the end of the day before). */
const dayStartsAt = (date: string, timeZone: string): string => endOfLocalDay(addDays(date, -1), timeZone).toISOString();

const appointmentAt = (office: { code: string; time_zone: string }, date: string, session: Session, kind: SeatKind): Appointment => ({
  officeCode: office.code,
  date,
  session,
  kind,
  startsAt: dayStartsAt(date, office.time_zone),
  endsAt: endOfLocalDay(date, office.time_zone).toISOString(),
});

/** Entries whose application can still take a seat: waiting to book (the read model's stage) with no live booking. */
const stillBooking = (db: Db, applicationId: string) =>
  db
    .selectFrom('applications')
    .select('id')
    .where('id', '=', applicationId)
    .where('stage', '=', 'AWAITING_BOOKING')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('bookings').select('attempt').where('application_id', '=', applicationId).where('released_at', 'is', null))))
    .executeTakeFirst();

/**
 * Inside the release's transaction (activities/booking.ts `releaseSeat`): when someone who can take the freed
 * seat waits for its session and the session's day has not come, the seat becomes a HELD hold and stays counted
 * in appointment_slots.booked. True when held: the release then leaves the slot as it is.
 */
export async function holdForWaitlist(tx: Transaction<DB>, req: { applicationId: string; attempt: number; at: string }): Promise<boolean> {
  const booking = await tx
    .selectFrom('bookings')
    .innerJoin('offices', 'offices.code', 'bookings.office_code')
    .select(['bookings.office_code', 'bookings.date', 'bookings.session', 'bookings.kind', 'offices.time_zone'])
    .where('bookings.application_id', '=', req.applicationId)
    .where('bookings.attempt', '=', req.attempt)
    .executeTakeFirstOrThrow();
  if (booking.date <= localDate(new Date(req.at), booking.time_zone)) return false;
  const waiting = await tx
    .selectFrom('waitlist_entries')
    .innerJoin('applications', 'applications.id', 'waitlist_entries.application_id')
    .select('waitlist_entries.id')
    .where('waitlist_entries.office_code', '=', booking.office_code)
    .where('waitlist_entries.date', '=', booking.date)
    .where('waitlist_entries.session', '=', booking.session as Session)
    .where('waitlist_entries.status', '=', 'WAITING')
    .where(sql<boolean>`${booking.kind} = any(waitlist_entries.kinds)`)
    .where('applications.stage', '=', 'AWAITING_BOOKING')
    .executeTakeFirst();
  if (!waiting) return false;
  const held = await tx
    .insertInto('seat_holds')
    .values({
      office_code: booking.office_code,
      date: booking.date,
      session: booking.session as Session,
      kind: booking.kind,
      released_application_id: req.applicationId,
      released_attempt: req.attempt,
      held_at: req.at,
    })
    .onConflict((oc) => oc.columns(['released_application_id', 'released_attempt']).doNothing())
    .executeTakeFirst();
  return held.numInsertedOrUpdatedRows === 1n;
}

export interface WaitlistDeps {
  db: Kysely<DB>;
  temporal: Client;
  bookingHorizonDays?: number;
  waitlistOfferHours?: number;
  startDelivery?: StartDelivery;
}

/**
 * Wakes (or starts) the session's seatWaitlist workflow: after the transaction that held or handed back a seat,
 * on every attempt (a retry after the commit wakes it again, which changes nothing).
 */
async function wakeWaitlist(deps: WaitlistDeps, key: SessionKey): Promise<void> {
  const office = await getOffice(deps.db, key.officeCode);
  const input: SeatWaitlistInput = {
    ...key,
    offerHoldMs: Math.round((deps.waitlistOfferHours ?? DEFAULT_WAITLIST_OFFER_HOURS) * 3_600_000),
    dayStartsAt: dayStartsAt(key.date, office.time_zone),
  };
  await deps.temporal.workflow.signalWithStart(SEAT_WAITLIST_WORKFLOW, {
    workflowId: seatWaitlistIdFor(key.officeCode, key.date, key.session),
    taskQueue: Context.current().info.taskQueue,
    args: [input],
    signal: seatFreed,
    signalArgs: [],
    staticSummary: `waitlist ${key.officeCode} ${key.date} ${key.session}`,
  });
}

/** After `releaseSeat`'s transaction: the seat of (application, attempt), when it is held, wakes its waitlist. */
export async function announceHeldSeat(deps: WaitlistDeps, req: { applicationId: string; attempt: number }): Promise<void> {
  const hold = await deps.db
    .selectFrom('seat_holds')
    .select(['office_code', 'date', 'session'])
    .where('released_application_id', '=', req.applicationId)
    .where('released_attempt', '=', req.attempt)
    .where('status', '=', 'HELD')
    .executeTakeFirst();
  if (hold) await wakeWaitlist(deps, { officeCode: hold.office_code, date: hold.date, session: hold.session });
}

/** Seats of `kind` taken or held in the session, against its capacity (the slot row's, else the office's quota). */
async function seatsFree(db: Db, office: Parameters<typeof serviceDay>[1], key: SessionKey, kinds: SeatKind[]): Promise<boolean> {
  const quotas = await serviceDay(db as Kysely<DB>, office, key.date);
  const rows = await db
    .selectFrom('appointment_slots')
    .select(['kind', 'capacity', 'booked'])
    .where('office_code', '=', key.officeCode)
    .where('date', '=', key.date)
    .where('session', '=', key.session)
    .execute();
  return kinds.some((kind) => {
    const row = rows.find((r) => r.kind === kind);
    return (row?.booked ?? 0) < (row?.capacity ?? quotas?.[key.session][kind] ?? 0);
  });
}

export const createWaitlistActivities = (deps: WaitlistDeps) => {
  const { db, bookingHorizonDays = DEFAULT_BOOKING_HORIZON_DAYS } = deps;

  /** The date rules of a booking (tomorrow on, inside the horizon and the calendar, a day the office serves): 400 naming `date`. */
  async function requireServedDate(office: Awaited<ReturnType<typeof getOffice>>, date: string, at: string): Promise<void> {
    if (!isCalendarDate(date)) throw invalidDate(`${JSON.stringify(date)} is not a calendar date (YYYY-MM-DD)`);
    const today = localDate(new Date(at), office.time_zone);
    if (date <= today) throw invalidDate(`a waitlist is for sessions from tomorrow (${office.code} local date is ${today})`);
    const beyond = beyondWindow(date, await bookingWindow(db, { timeZone: office.time_zone, now: new Date(at), horizonDays: bookingHorizonDays }));
    if (beyond) throw invalidDate(beyond);
    if (!(await serviceDay(db, office, date))) throw invalidDate(`${office.code} does not serve applicants on ${date}`);
  }

  return {
    /**
     * Puts the application in line for a full session (entry `entryId`, chosen by the workflow, so a retry finds
     * it) and answers its position. Refused: a session with seats of a kind it may take, a second live entry.
     */
    async joinWaitlist(req: WaitlistRequest & { applicationId: string; officeCode: string; entryId: string; kinds: SeatKind[]; at: string }): Promise<WaitlistPosition> {
      const done = await waitlistPosition(db, req.entryId);
      if (done) return done;
      const office = await getOffice(db, req.officeCode);
      await requireServedDate(office, req.date, req.at);
      const key = { officeCode: office.code, date: req.date, session: req.session };
      await db.transaction().execute(async (tx) => {
        const live = await tx
          .selectFrom('waitlist_entries')
          .select(['id', 'date', 'session'])
          .where('application_id', '=', req.applicationId)
          .where('status', 'in', ['WAITING', 'OFFERED'])
          .forUpdate()
          .executeTakeFirst();
        // An entry for a day that has come waits for nothing any more.
        if (live && live.date <= localDate(new Date(req.at), office.time_zone)) {
          await tx.updateTable('waitlist_entries').set({ status: 'LEFT', closed_at: req.at }).where('id', '=', live.id).execute();
        } else if (live) {
          throw outOfOrder(`the application already waits for session ${live.date} ${live.session}: leave that waitlist first`);
        }
        if (await seatsFree(tx, office, key, req.kinds)) throw outOfOrder(`session ${office.code} ${req.date} ${req.session} has seats free: book it instead`);
        await tx
          .insertInto('waitlist_entries')
          .values({ id: req.entryId, office_code: office.code, date: req.date, session: req.session, application_id: req.applicationId, kinds: req.kinds, joined_at: req.at })
          .execute();
      });
      const joined = await waitlistPosition(db, req.entryId);
      if (!joined) throw new Error(`waitlist entry ${req.entryId} was not recorded`);
      return joined;
    },

    /** Takes the entry out of line; an offer it held goes to the next in line. Leaving twice is leaving once. */
    async leaveWaitlist(req: { applicationId: string; entryId: string; at: string }): Promise<void> {
      const freed = await db.transaction().execute(async (tx) => {
        const entry = await tx.selectFrom('waitlist_entries').selectAll().where('id', '=', req.entryId).where('application_id', '=', req.applicationId).forUpdate().executeTakeFirst();
        if (!entry || entry.status === 'LEFT') return undefined;
        if (entry.status !== 'WAITING' && entry.status !== 'OFFERED') throw outOfOrder(`the waitlist entry is ${entry.status}: there is nothing to leave`);
        await tx.updateTable('waitlist_entries').set({ status: 'LEFT', closed_at: req.at }).where('id', '=', entry.id).execute();
        if (entry.status === 'WAITING') return undefined;
        await tx.updateTable('seat_holds').set({ status: 'HELD', entry_id: null }).where('entry_id', '=', entry.id).where('status', '=', 'OFFERED').execute();
        return { officeCode: entry.office_code, date: entry.date, session: entry.session };
      });
      if (freed) await wakeWaitlist(deps, freed);
    },

    /**
     * Wakes the waitlist of each session of the office's `date` that has anyone in line (a closure's last step):
     * a pass on a day the office no longer serves lapses the open offers and closes the line.
     */
    async wakeWaitlistsOn(req: { officeCode: string; date: string }): Promise<void> {
      const sessions = await db
        .selectFrom('waitlist_entries')
        .select('session')
        .distinct()
        .where('office_code', '=', req.officeCode)
        .where('date', '=', req.date)
        .where('status', 'in', ['WAITING', 'OFFERED'])
        .execute();
      for (const { session } of sessions) await wakeWaitlist(deps, { officeCode: req.officeCode, date: req.date, session: session as Session });
    },

    /**
     * The application takes the seat offered to it (`offerId`, its own, OFFERED and unexpired by the workflow's
     * clock `at`): a booking of the hold's kind for (application, attempt), the hold TAKEN, the entry BOOKED, in
     * one transaction. The seat was counted as booked all along. A retry returns the seat already taken.
     */
    async takeOfferedSeat(req: { applicationId: string; officeCode: string; offerId: string; attempt: number; at: string }): Promise<Appointment> {
      const office = await getOffice(db, req.officeCode);
      const existing = await db.selectFrom('bookings').select(['date', 'session', 'kind']).where('application_id', '=', req.applicationId).where('attempt', '=', req.attempt).executeTakeFirst();
      if (existing) return appointmentAt(office, existing.date, existing.session as Session, existing.kind);
      return db.transaction().execute(async (tx) => {
        const entry = await tx.selectFrom('waitlist_entries').selectAll().where('offer_id', '=', req.offerId).forUpdate().executeTakeFirst();
        if (!entry || entry.application_id !== req.applicationId) throw outOfOrder('this application has no such seat offer');
        if (entry.status !== 'OFFERED') throw outOfOrder(`the seat offer is no longer open (the entry is ${entry.status})`);
        if (!entry.offer_expires_at || Date.parse(req.at) >= entry.offer_expires_at.getTime()) throw outOfOrder('the seat offer has expired');
        // An office closed that day after the offer was made: the offer is void (its next pass closes the line).
        if (!(await serviceDay(tx, office, entry.date))) throw outOfOrder(`${office.code} no longer serves applicants on ${entry.date}: the seat offer is void`);
        const hold = await tx
          .updateTable('seat_holds')
          .set({ status: 'TAKEN', settled_at: req.at })
          .where('entry_id', '=', entry.id)
          .where('status', '=', 'OFFERED')
          .returning(['kind'])
          .executeTakeFirstOrThrow();
        await tx.updateTable('waitlist_entries').set({ status: 'BOOKED', closed_at: req.at }).where('id', '=', entry.id).execute();
        await tx
          .insertInto('bookings')
          .values({ application_id: req.applicationId, attempt: req.attempt, office_code: entry.office_code, date: entry.date, session: entry.session, kind: hold.kind })
          .execute();
        return appointmentAt(office, entry.date, entry.session, hold.kind);
      });
    },

    /**
     * One pass of a session's waitlist (workflows/seat-waitlist.ts), at `at` by the workflow's clock: offers past
     * their expiry lapse (their seats held again); held seats go to the first eligible entries in queue order, or
     * back to the pool when nobody can take them; from the session's day on, every hold goes back and the line
     * closes. Answers when the next offer expires and how many holds are still open.
     */
    async offerHeldSeats(req: SeatWaitlistInput & { at: string }): Promise<{ nextExpiry?: string; openHolds: number }> {
      const key = { officeCode: req.officeCode, date: req.date, session: req.session };
      // A day the office no longer serves (closed since the line formed) closes the line as its coming would.
      const closed = !(await serviceDay(db, await getOffice(db, req.officeCode), req.date));
      const dayCame = req.at >= req.dayStartsAt || closed;
      const noticeIds = await db.transaction().execute(async (tx) => {
        const ids = await lapseOffers(tx, key, req.at, dayCame);
        if (dayCame) {
          await closeLine(tx, key, req.at);
          return ids;
        }
        const expiresAt = new Date(Math.min(Date.parse(req.at) + req.offerHoldMs, Date.parse(req.dayStartsAt))).toISOString();
        return [...ids, ...(await offerHolds(tx, key, req.at, expiresAt))];
      });
      // A pass that committed and then stopped before these starts (a crash) left notices no delivery carries: the
      // next pass starts them too. A second start of a notice is a delivery already under way.
      const undelivered = await db
        .selectFrom('waitlist_entries as e')
        .innerJoin('notifications as n', (join) =>
          join.onRef('n.application_id', '=', 'e.application_id').on(sql<boolean>`n.effect_key in ('waitlist-offer-' || e.offer_id, 'waitlist-lapsed-' || e.offer_id)`),
        )
        .leftJoin('notice_deliveries as d', (join) => join.onRef('d.notice_id', '=', 'n.id').on('d.source', '=', 'application'))
        .select('n.id')
        .distinct()
        .where('e.office_code', '=', key.officeCode)
        .where('e.date', '=', key.date)
        .where('e.session', '=', key.session)
        .where('d.notice_id', 'is', null)
        .execute();
      for (const id of new Set([...noticeIds, ...undelivered.map((n) => String(n.id))])) await deps.startDelivery?.('application', id);
      const open = await db
        .selectFrom('seat_holds')
        .leftJoin('waitlist_entries', 'waitlist_entries.id', 'seat_holds.entry_id')
        .select(({ fn }) => [fn.countAll<string>().as('holds'), fn.min('waitlist_entries.offer_expires_at').as('next')])
        .where('seat_holds.office_code', '=', key.officeCode)
        .where('seat_holds.date', '=', key.date)
        .where('seat_holds.session', '=', key.session)
        .where('seat_holds.status', 'in', ['HELD', 'OFFERED'])
        .executeTakeFirstOrThrow();
      const next = open.next as Date | string | null;
      return { openHolds: Number(open.holds), ...(next && { nextExpiry: new Date(next).toISOString() }) };
    },
  };
};

const sessionHolds = (tx: Transaction<DB>, key: SessionKey) =>
  tx.selectFrom('seat_holds').where('office_code', '=', key.officeCode).where('date', '=', key.date).where('session', '=', key.session);
const sessionEntries = (tx: Transaction<DB>, key: SessionKey) =>
  tx.selectFrom('waitlist_entries').where('office_code', '=', key.officeCode).where('date', '=', key.date).where('session', '=', key.session);

/** Offers expired at `at` (every open one once the day came): entry LAPSED with its notice, the seat HELD again. */
async function lapseOffers(tx: Transaction<DB>, key: SessionKey, at: string, dayCame: boolean): Promise<string[]> {
  const lapsed = await sessionEntries(tx, key)
    .select(['id', 'application_id', 'offer_id'])
    .where('status', '=', 'OFFERED')
    .$if(!dayCame, (q) => q.where('offer_expires_at', '<=', new Date(at)))
    .orderBy('seq')
    .forUpdate()
    .execute();
  const ids: string[] = [];
  for (const entry of lapsed) {
    await tx.updateTable('waitlist_entries').set({ status: 'LAPSED', closed_at: at }).where('id', '=', entry.id).execute();
    await tx.updateTable('seat_holds').set({ status: 'HELD', entry_id: null }).where('entry_id', '=', entry.id).where('status', '=', 'OFFERED').execute();
    const details = { appointment: { date: key.date, session: key.session } };
    ids.push(await recordNotice(tx, undefined, { applicationId: entry.application_id, effectKey: `waitlist-lapsed-${entry.offer_id}`, kind: 'WAITLIST_OFFER_LAPSED', at, details }));
  }
  return ids;
}

/** A held seat nobody in line can take goes back to the pool: its slot's booked count drops by one. */
async function returnHold(tx: Transaction<DB>, hold: { id: string; kind: SeatKind }, key: SessionKey, at: string): Promise<void> {
  await tx.updateTable('seat_holds').set({ status: 'RETURNED', settled_at: at }).where('id', '=', hold.id).execute();
  await tx
    .updateTable('appointment_slots')
    .set({ booked: sql`booked - 1` })
    .where('office_code', '=', key.officeCode)
    .where('date', '=', key.date)
    .where('session', '=', key.session)
    .where('kind', '=', hold.kind)
    .execute();
}

/** The session's day came: every held seat goes back and the entries still waiting lapse. */
async function closeLine(tx: Transaction<DB>, key: SessionKey, at: string): Promise<void> {
  const held = await sessionHolds(tx, key).select(['id', 'kind']).where('status', '=', 'HELD').forUpdate().execute();
  for (const hold of held) await returnHold(tx, hold, key, at);
  await tx
    .updateTable('waitlist_entries')
    .set({ status: 'LAPSED', closed_at: at })
    .where('office_code', '=', key.officeCode)
    .where('date', '=', key.date)
    .where('session', '=', key.session)
    .where('status', '=', 'WAITING')
    .execute();
}

/**
 * Each HELD seat, oldest first, to the first WAITING entry in queue order whose kinds include the seat's and whose
 * application still books (else the entry is LEFT); nobody: the seat goes back. Returns the notices recorded.
 */
async function offerHolds(tx: Transaction<DB>, key: SessionKey, at: string, expiresAt: string): Promise<string[]> {
  const held = await sessionHolds(tx, key).select(['id', 'kind']).where('status', '=', 'HELD').orderBy('id').forUpdate().execute();
  const ids: string[] = [];
  for (const hold of held) {
    const entry = await firstEligible(tx, key, hold.kind, at);
    if (!entry) {
      await returnHold(tx, hold, key, at);
      continue;
    }
    const offerId = randomUUID();
    await tx.updateTable('waitlist_entries').set({ status: 'OFFERED', offer_id: offerId, offered_at: at, offer_expires_at: expiresAt }).where('id', '=', entry.id).execute();
    await tx.updateTable('seat_holds').set({ status: 'OFFERED', entry_id: entry.id }).where('id', '=', hold.id).execute();
    const details = { appointment: { date: key.date, session: key.session }, offerExpiresAt: expiresAt };
    ids.push(await recordNotice(tx, undefined, { applicationId: entry.application_id, effectKey: `waitlist-offer-${offerId}`, kind: 'WAITLIST_OFFER', at, details }));
  }
  return ids;
}

/** The first WAITING entry that can take a seat of `kind`; entries met on the way whose application moved on are LEFT. */
async function firstEligible(tx: Transaction<DB>, key: SessionKey, kind: SeatKind, at: string): Promise<{ id: string; application_id: string } | undefined> {
  for (;;) {
    const entry = await sessionEntries(tx, key)
      .select(['id', 'application_id'])
      .where('status', '=', 'WAITING')
      .where(sql<boolean>`${kind} = any(kinds)`)
      .orderBy('seq')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (!entry || (await stillBooking(tx, entry.application_id))) return entry;
    await tx.updateTable('waitlist_entries').set({ status: 'LEFT', closed_at: at }).where('id', '=', entry.id).execute();
  }
}
