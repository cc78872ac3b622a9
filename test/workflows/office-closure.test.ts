// An office closed for a day moves its booked applicants (workflows/office-closure.ts, lifecycle/closure.ts), and
// declared days decide what can be booked, on the time-skipping server with the real activities.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeNotice } from '../../activities/notices/compose.js';
import { createOfficeClosureActivities } from '../../activities/office-closure.js';
import { loadHolidays } from '../../db/queries/holidays.js';
import { addDays, localDate, nthWorkingDayAfter } from '../../workflows/calendar.js';
import {
  OFFICE_CLOSURE_WORKFLOW,
  SESSIONS,
  acceptSeatOffer,
  bookSession,
  cancelApplication,
  getState,
  joinWaitlist,
  moveForClosure,
  officeClosureIdFor,
  type SessionQuotas,
} from '../../workflows/definitions.js';
import { eventually } from '../support/eventually.js';
import { officeWith } from '../support/offices.js';
import { applicationRow, auditStages } from '../support/read-model.js';
import { pay, stageReached, submitted } from '../support/scenarios.js';
import { startTimeSkipping } from '../support/workflows.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
/** An office of the test's own, so filling and closing its days touches no other test. */
let office = '';
const ZONE = 'Asia/Jakarta';
const quotas = (morning: number, afternoon: number): SessionQuotas => ({
  MORNING: { REGULAR: morning, PRIORITY: 0, SAME_DAY: 0 },
  AFTERNOON: { REGULAR: afternoon, PRIORITY: 0, SAME_DAY: 0 },
});

beforeAll(async () => {
  t = await startTimeSkipping();
});
beforeEach(async () => {
  office = await officeWith(t.db, 'Q', ZONE, quotas(2, 1)); // a free code: office-days.test.ts makes Q offices too
});
afterAll(async () => t?.teardown());

const today = async () => localDate(new Date(await t.env.currentTimeMs()), ZONE);
const workingDay = async (n: number) => nthWorkingDayAfter(await today(), n, await loadHolidays(t.db));
const notices = async (applicationId: string) =>
  (await t.db.selectFrom('notifications').select(['kind', 'details']).where('application_id', '=', applicationId).where('kind', '=', 'SESSION_MOVED_BY_CLOSURE').execute()).map((n) => n.details);
const heldSeats = (applicationId: string) => t.db.selectFrom('bookings').select(['date', 'session']).where('application_id', '=', applicationId).where('released_at', 'is', null).execute();
const booked = async (date: string) =>
  Number((await t.db.selectFrom('appointment_slots').select((eb) => eb.fn.sum<string>('booked').as('n')).where('office_code', '=', office).where('date', '=', date).executeTakeFirst())?.n ?? 0);

/** Paid and booked at this file's office on `date`. */
async function bookedOn(date: string, session: 'MORNING' | 'AFTERNOON') {
  const application = await submitted(t, { officeCode: office });
  await pay(t, application);
  const appointment = await application.handle.executeUpdate(bookSession, { args: [{ date, session }] });
  await stageReached(t, application.applicationId, 'AWAITING_INTERVIEW');
  return { ...application, appointment };
}

describe('an office closed for a day', () => {
  it('moves each booked applicant to the nearest free session, or back to booking, tells each once, and moves nobody twice', async () => {
    const lost = new Set<string>();
    await t.withWorker(
      async () => {
        const closed = await workingDay(2);
        const [next, later] = [await workingDay(3), await workingDay(4)];
        const apps = [await bookedOn(closed, 'MORNING'), await bookedOn(closed, 'MORNING'), await bookedOn(closed, 'AFTERNOON')];
        // After the closed day only two seats are left within the horizon: next day's morning, then the day after's afternoon.
        const full = [];
        for (let date = addDays(closed, 1); date <= addDays(await today(), 60); date = addDays(date, 1)) {
          for (const session of SESSIONS) {
            const free = (date === next && session === 'MORNING') || (date === later && session === 'AFTERNOON');
            full.push({ office_code: office, date, session, kind: 'REGULAR' as const, capacity: free ? 1 : 0 });
          }
        }
        await t.db.insertInto('appointment_slots').values(full).execute();
        await t.db.insertInto('office_days').values({ office_code: office, date: closed, status: 'CLOSED', reason: 'banjir', declared_by: 'manager-1' }).execute();

        const closure = await t.client.workflow.start(OFFICE_CLOSURE_WORKFLOW, { workflowId: officeClosureIdFor(office, closed), taskQueue: t.taskQueue, args: [{ officeCode: office, date: closed, reason: 'banjir' }] });
        // Polled, not awaited: awaiting a result lets the test server skip time, past the appointments.
        await eventually(async () => (await closure.describe()).status.name, (status) => status !== 'RUNNING', 25_000);
        expect((await closure.describe()).status.name).toBe('COMPLETED');

        const outcomes = [];
        for (const app of apps) {
          const state = await app.handle.query(getState);
          const row = await applicationRow(t.db, app.applicationId);
          const told = await notices(app.applicationId);
          expect(told).toHaveLength(1); // told once, whatever the retries
          expect(state.reschedulesLeft).toBe(1); // the office's move is not the applicant's change of session
          const from = { date: closed, session: app.appointment.session };
          if (state.appointment) {
            expect(row.stage).toBe('AWAITING_INTERVIEW');
            expect(told[0]).toEqual({ from, appointment: { date: state.appointment.date, session: state.appointment.session }, reason: 'banjir' });
            expect(await heldSeats(app.applicationId)).toEqual([{ date: state.appointment.date, session: state.appointment.session }]);
            outcomes.push(`${state.appointment.date} ${state.appointment.session}`);
          } else {
            await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
            expect(told[0]).toEqual({ from, reason: 'banjir', bookingDeadline: expect.any(String) });
            expect(await heldSeats(app.applicationId)).toEqual([]);
            outcomes.push('to booking');
          }
          expect((await auditStages(t.db, app.applicationId)).filter((s) => s === 'AWAITING_INTERVIEW')).toHaveLength(state.appointment ? 2 : 1);
          // What the applicant reads: the reason, and the new session with its invitation or the deadline to book again.
          const { id } = await t.db.selectFrom('notifications').select('id').where('application_id', '=', app.applicationId).where('kind', '=', 'SESSION_MOVED_BY_CLOSURE').executeTakeFirstOrThrow();
          const composed = await composeNotice(t.db, { source: 'application', noticeId: String(id) });
          expect(composed?.text).toContain('Alasan: banjir');
          expect(composed?.text).toContain(state.appointment ? 'Jadwal baru Anda:' : 'Silakan pilih jadwal baru sebelum');
          expect(composed?.attachments.some((a) => a.filename.endsWith('.ics'))).toBe(!!state.appointment);
        }
        expect(outcomes.sort()).toEqual([`${next} MORNING`, `${later} AFTERNOON`, 'to booking'].sort());
        // The closed day's seats are back; each seat taken once.
        expect(await booked(closed)).toBe(0);
        expect(await booked(next)).toBe(1);
        expect(await booked(later)).toBe(1);
        expect(lost.size).toBe(3); // each application's first ask lost its answer and was retried

        // Asked again (the same update id, or a new message): nothing moves.
        const again = createOfficeClosureActivities({ db: t.db, temporal: t.client });
        for (const app of apps) {
          await again.sendClosureMove({ officeCode: office, applicationId: app.applicationId, date: closed, reason: 'banjir' });
          await app.handle.executeUpdate(moveForClosure, { args: [{ date: closed, reason: 'banjir' }] });
          expect(await notices(app.applicationId)).toHaveLength(1);
        }
        expect([await booked(closed), await booked(next), await booked(later)]).toEqual([0, 1, 1]);
      },
      {},
      // The first ask of each application moves it, then its answer is lost: the activity is retried.
      (a) => ({
        ...a,
        async sendClosureMove(req) {
          const answer = await a.sendClosureMove(req);
          if (!lost.has(req.applicationId)) {
            lost.add(req.applicationId);
            throw new Error('the answer was lost on the way back');
          }
          return answer;
        },
      }),
    );
  });

  it("closes the day's waitlist: a seat offered before the closure is void, and nobody is booked on the closed day", async () => {
    await t.withWorker(async () => {
      const closed = await workingDay(2);
      const [first, second] = [await bookedOn(closed, 'MORNING'), await bookedOn(closed, 'MORNING')];
      const waiting = await submitted(t, { officeCode: office });
      await pay(t, waiting);
      await waiting.handle.executeUpdate(joinWaitlist, { args: [{ date: closed, session: 'MORNING' }] });
      const entry = () => t.db.selectFrom('waitlist_entries').select(['status', 'offer_id']).where('application_id', '=', waiting.applicationId).executeTakeFirstOrThrow();
      // A cancellation frees a seat: it is offered to the one waiting.
      await first.handle.executeUpdate(cancelApplication, { args: [{}] });
      const offered = await eventually(entry, (e) => e.status === 'OFFERED', 15_000);

      await t.db.insertInto('office_days').values({ office_code: office, date: closed, status: 'CLOSED', reason: 'banjir', declared_by: 'manager-1' }).execute();
      const closure = await t.client.workflow.start(OFFICE_CLOSURE_WORKFLOW, { workflowId: officeClosureIdFor(office, closed), taskQueue: t.taskQueue, args: [{ officeCode: office, date: closed, reason: 'banjir' }] });
      await eventually(async () => (await closure.describe()).status.name, (status) => status !== 'RUNNING', 25_000);
      expect((await second.handle.query(getState)).appointment?.date).not.toBe(closed);

      // The line closes; the offer made before the closure cannot be taken; the closed day's seats are all back.
      expect((await eventually(entry, (e) => e.status !== 'OFFERED', 15_000)).status).toBe('LAPSED');
      await expect(waiting.handle.executeUpdate(acceptSeatOffer, { args: [{ offerId: offered.offer_id ?? '' }] })).rejects.toMatchObject({ cause: { cause: { type: 'StepOutOfOrder' } } });
      expect((await waiting.handle.query(getState)).stage).toBe('AWAITING_BOOKING');
      expect(await eventually(() => booked(closed), (n) => n === 0, 15_000)).toBe(0);
      expect(await heldSeats(waiting.applicationId)).toEqual([]);
    });
  });

  it('takes bookings on a special Saturday with its own seats, and none on a closed weekday', async () => {
    await t.withWorker(async () => {
      const start = addDays(await today(), 14);
      let saturday = start;
      while (new Date(`${saturday}T00:00:00Z`).getUTCDay() !== 6) saturday = addDays(saturday, 1);
      const weekday = nthWorkingDayAfter(saturday, 1, await loadHolidays(t.db));
      await t.db
        .insertInto('office_days')
        .values([
          { office_code: office, date: saturday, status: 'OPEN', session_quotas: JSON.stringify(quotas(1, 0)), reason: 'layanan paspor akhir pekan', declared_by: 'manager-1' },
          { office_code: office, date: weekday, status: 'CLOSED', reason: 'renovasi', declared_by: 'manager-1' },
        ])
        .execute();

      const first = await submitted(t, { officeCode: office });
      await pay(t, first);
      expect(await first.handle.executeUpdate(bookSession, { args: [{ date: saturday, session: 'MORNING' }] })).toMatchObject({ date: saturday, session: 'MORNING' });

      const second = await submitted(t, { officeCode: office });
      await pay(t, second);
      // The Saturday's one morning seat is taken, its afternoon has none, and the closed weekday takes no one.
      for (const [date, session] of [[saturday, 'MORNING'], [saturday, 'AFTERNOON'], [weekday, 'MORNING']] as const) {
        const refused = await second.handle.executeUpdate(bookSession, { args: [{ date, session }] }).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      }
      expect(await heldSeats(second.applicationId)).toEqual([]);
    });
  });
});
