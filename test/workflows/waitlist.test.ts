// The waitlist on the time-skipping server: real passportApplication workflows cancel their seats at once, the
// session's seatWaitlist workflow offers them in queue order, offers lapse to the next, and nothing is double-booked.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../activities/index.js';
import { createWaitlistActivities } from '../../activities/waitlist.js';
import { DEFAULT_WAITLIST_OFFER_HOURS } from '../../config.js';
import { acceptSeatOffer, cancelApplication, joinWaitlist, seatWaitlistIdFor, type Session } from '../../workflows/definitions.js';
import { eventually } from '../support/eventually.js';
import { officeWith, retireOffices } from '../support/offices.js';
import { book, pay, skipTo, stageReached, submitted, workingDayAhead } from '../support/scenarios.js';
import { startTimeSkipping } from '../support/workflows.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
// A small office of the test's own: ten regular seats a session, no other kind.
let office = '';
const SEATS = 10;
const session: Session = 'MORNING';

beforeAll(async () => {
  t = await startTimeSkipping();
  const kinds = { REGULAR: SEATS, PRIORITY: 0, SAME_DAY: 0 };
  office = await officeWith(t.db, 'W', 'Asia/Makassar', { MORNING: kinds, AFTERNOON: kinds });
});
afterAll(async () => {
  if (t) await retireOffices(t.db, [office]);
  await t?.teardown();
});

/** Every release runs twice, the second after the first committed: a retry whose answer was lost. */
const releaseRetried = (a: Activities): Activities => ({
  ...a,
  releaseSeat: async (req) => {
    await a.releaseSeat(req);
    await a.releaseSeat(req);
  },
});

async function paidApplications(n: number) {
  const apps = [];
  for (let i = 0; i < n; i += 10) {
    apps.push(...(await Promise.all(Array.from({ length: Math.min(10, n - i) }, async () => {
      const app = await submitted(t, { officeCode: office });
      await pay(t, app);
      return app;
    }))));
  }
  return apps;
}

const entriesOf = (date: string) =>
  t.db.selectFrom('waitlist_entries').select(['application_id', 'status', 'offer_id']).where('office_code', '=', office).where('date', '=', date).orderBy('seq').execute();

/** appointment_slots.booked against what holds it: live bookings and live holds, never more than the capacity. */
async function seatLedger(date: string) {
  const slot = await t.db.selectFrom('appointment_slots').select(['booked', 'capacity']).where('office_code', '=', office).where('date', '=', date).where('session', '=', session).executeTakeFirstOrThrow();
  const count = (q: { executeTakeFirstOrThrow: () => Promise<{ n: string | number | bigint }> }) => q.executeTakeFirstOrThrow().then((r) => Number(r.n));
  const bookings = await count(t.db.selectFrom('bookings').select((eb) => eb.fn.countAll().as('n')).where('office_code', '=', office).where('date', '=', date).where('released_at', 'is', null));
  const holds = await count(t.db.selectFrom('seat_holds').select((eb) => eb.fn.countAll().as('n')).where('office_code', '=', office).where('date', '=', date).where('status', 'in', ['HELD', 'OFFERED']));
  // Each open offer has exactly one seat, and no seat is offered to two entries.
  const { rows } = await sql<{ entry_id: string; n: string }>`select entry_id, count(*) as n from seat_holds where office_code = ${office} and date = ${date} and status = 'OFFERED' group by entry_id having count(*) > 1`.execute(t.db);
  expect(rows).toEqual([]);
  return { booked: slot.booked, capacity: slot.capacity, bookings, holds };
}

describe('a session waitlist', () => {
  it('gives ten seats freed by ten concurrent cancellations to the first ten eligible in line, lapses to the next, and never double-books', async () => {
    await t.withWorker(
      async () => {
        const date = await workingDayAhead(t, 3, office);
        const apps = await paidApplications(SEATS + 50);
        const booked = apps.slice(0, SEATS);
        const waiting = apps.slice(SEATS);
        for (const app of booked) await book(t, app.handle, 3, session, office);

        for (const [i, app] of waiting.entries()) {
          const place = await app.handle.executeUpdate(joinWaitlist, { args: [{ date, session }] });
          expect(place).toMatchObject({ date, session, position: i + 1 });
        }
        // The first in line cancels before any seat is freed: its turn is skipped.
        await waiting[0]!.handle.executeUpdate(cancelApplication, { args: [{}] });
        await stageReached(t, waiting[0]!.applicationId, 'CANCELLED');

        await Promise.all(booked.map((app) => app.handle.executeUpdate(cancelApplication, { args: [{ reason: 'plans changed' }] })));
        let entries = await eventually(() => entriesOf(date), (es) => es.filter((e) => e.status === 'OFFERED').length === SEATS);
        const inLine = waiting.map((a) => a.applicationId);
        expect(entries.map((e) => e.application_id)).toEqual(inLine);
        expect(entries.map((e) => e.status)).toEqual(['LEFT', ...Array(SEATS).fill('OFFERED'), ...Array(49 - SEATS).fill('WAITING')]);
        expect(await seatLedger(date)).toEqual({ booked: SEATS, capacity: SEATS, bookings: 0, holds: SEATS });
        const offers = await t.db.selectFrom('notifications').select(['application_id', 'details']).where('kind', '=', 'WAITLIST_OFFER').where('application_id', 'in', inLine).execute();
        expect(offers.map((n) => n.application_id).sort()).toEqual(inLine.slice(1, SEATS + 1).sort());
        // A pass whose commit was not followed by its deliveries' starts (a crash) is healed by the next pass: it
        // starts every notice of the line that no delivery carries yet (here none does: this server sends nothing).
        const started: string[] = [];
        const pass = createWaitlistActivities({ db: t.db, temporal: t.client, startDelivery: async (_source, id) => void started.push(id) });
        await pass.offerHeldSeats({ officeCode: office, date, session, offerHoldMs: 3_600_000, dayStartsAt: '9999-12-31T00:00:00.000Z', at: new Date(await t.env.currentTimeMs()).toISOString() });
        const offerIds = await t.db.selectFrom('notifications').select('id').where('kind', '=', 'WAITLIST_OFFER').where('application_id', 'in', inLine).execute();
        expect(started.sort()).toEqual(offerIds.map((n) => String(n.id)).sort());

        // The second in line takes its seat: booked like any booking, the seat counted once.
        const taker = waiting[1]!;
        const offerId = entries[1]!.offer_id!;
        const appointment = await taker.handle.executeUpdate(acceptSeatOffer, { args: [{ offerId }] });
        expect(appointment).toMatchObject({ officeCode: office, date, session, kind: 'REGULAR' });
        await stageReached(t, taker.applicationId, 'AWAITING_INTERVIEW');
        const confirmed = await t.db.selectFrom('notifications').select('kind').where('application_id', '=', taker.applicationId).where('kind', '=', 'BOOKING_CONFIRMED').execute();
        expect(confirmed).toHaveLength(1);
        // Another application cannot use an offer that is not its own.
        await expect(waiting[20]!.handle.executeUpdate(acceptSeatOffer, { args: [{ offerId: entries[2]!.offer_id! }] })).rejects.toMatchObject({ cause: { cause: { type: 'StepOutOfOrder' } } });
        expect(await seatLedger(date)).toEqual({ booked: SEATS, capacity: SEATS, bookings: 1, holds: SEATS - 1 });

        // Nine offers not taken in time lapse, and their seats go to the next nine in line.
        await t.env.sleep(DEFAULT_WAITLIST_OFFER_HOURS * 3_600_000 + 60_000);
        entries = await eventually(() => entriesOf(date), (es) => es.filter((e) => e.status === 'OFFERED').length === SEATS - 1 && es.filter((e) => e.status === 'LAPSED').length === SEATS - 1);
        expect(entries.map((e) => e.status)).toEqual(['LEFT', 'BOOKED', ...Array(SEATS - 1).fill('LAPSED'), ...Array(SEATS - 1).fill('OFFERED'), ...Array(50 - 2 * SEATS).fill('WAITING')]);
        const lapsed = await t.db.selectFrom('notifications').select('application_id').where('kind', '=', 'WAITLIST_OFFER_LAPSED').where('application_id', 'in', inLine).execute();
        expect(lapsed.map((n) => n.application_id).sort()).toEqual(inLine.slice(2, SEATS + 1).sort());
        // An offer that lapsed is closed: accepting it now is refused and books nothing.
        await expect(waiting[2]!.handle.executeUpdate(acceptSeatOffer, { args: [{ offerId: entries[2]!.offer_id! }] })).rejects.toMatchObject({ cause: { cause: { type: 'StepOutOfOrder' } } });
        expect(await seatLedger(date)).toEqual({ booked: SEATS, capacity: SEATS, bookings: 1, holds: SEATS - 1 });

        // The session's day comes: the open offers close, their seats go back, the line closes and its workflow ends.
        await skipTo(t, new Date(Date.parse(appointment.startsAt!)).toISOString());
        await t.client.workflow.getHandle(seatWaitlistIdFor(office, date, session)).result();
        entries = await entriesOf(date);
        expect(entries.filter((e) => e.status === 'WAITING' || e.status === 'OFFERED')).toEqual([]);
        expect(await seatLedger(date)).toMatchObject({ booked: 1, holds: 0, bookings: 1 });
      },
      {},
      releaseRetried,
    );
  }, 120_000);
});

describe('privacy', () => {
  it('keeps every NIK, name and contact of this file out of the workflow histories', async () => {
    expect(await t.personalDataInHistories()).toEqual([]);
  });
});
