// The demo clock (DEMO_DAY_SECONDS) shortens days for demos and staging: the SLA's working days, the same-day
// commitment, the early warning before a deadline, and the appointment day of a booking or of a seat taken from the waitlist.
import { describe, expect, it } from 'vitest';
import type { Activities } from '../../activities/index.js';
import { compressDays } from '../../worker/demo-clock.js';

const seat = { officeCode: 'PLU', date: '2026-12-03', session: 'MORNING' as const, kind: 'REGULAR' as const, startsAt: 'real start', endsAt: 'real end' };
// The wrapped activities answer a real appointment; the wrapper must replace its day, not the seat.
const real = { reserveSeat: async () => seat, takeOfferedSeat: async () => seat, computeSlaDeadline: async () => 'real deadline' } as unknown as Activities;

describe('the demo clock', () => {
  const demo = compressDays(real, 60);
  const at = '2026-11-28T10:00:00.000Z';

  it('gives the SLA its working days in demo days, and same-day service one demo day', async () => {
    expect(await demo.computeSlaDeadline({ officeCode: 'PLU', approvedAt: at, workingDays: 3 })).toBe('2026-11-28T10:03:00.000Z');
    expect(await demo.computeSlaDeadline({ officeCode: 'PLU', approvedAt: at, workingDays: 3, sameDay: true })).toBe('2026-11-28T10:01:00.000Z');
  });

  it('warns one demo day before a deadline (same-day service: half a demo day), never before the wait starts', async () => {
    const deadline = '2026-11-28T10:03:00.000Z';
    expect(await demo.atRiskPoint({ officeCode: 'PLU', kind: 'PRINTING', deadline, since: at })).toBe('2026-11-28T10:02:00.000Z');
    expect(await demo.atRiskPoint({ officeCode: 'PLU', kind: 'PRINTING', deadline, since: at, sameDay: true })).toBe('2026-11-28T10:02:30.000Z');
    expect(await demo.atRiskPoint({ officeCode: 'PLU', kind: 'DELIVERY', deadline: '2026-11-28T10:00:30.000Z', since: at })).toBe(at);
    // Both at once, as an approved interview of release 1 asks for them.
    expect(await demo.printingDeadlines({ officeCode: 'PLU', approvedAt: at, workingDays: 3 })).toEqual({ slaDeadline: deadline, point: '2026-11-28T10:02:00.000Z' });
    expect(await demo.printingDeadlines({ officeCode: 'PLU', approvedAt: at, workingDays: 3, sameDay: true })).toEqual({ slaDeadline: '2026-11-28T10:01:00.000Z', point: '2026-11-28T10:00:30.000Z' });
  });

  it('makes a booked seat and a seat taken from the waitlist last one demo day from the moment they are taken', async () => {
    const day = { startsAt: at, endsAt: '2026-11-28T10:01:00.000Z' };
    expect(await demo.reserveSeat({ applicationId: 'a', officeCode: 'PLU', date: seat.date, session: 'MORNING', attempt: 1, at })).toEqual({ ...seat, ...day });
    expect(await demo.takeOfferedSeat({ applicationId: 'a', officeCode: 'PLU', offerId: 'o', attempt: 2, at })).toEqual({ ...seat, ...day });
  });
});
