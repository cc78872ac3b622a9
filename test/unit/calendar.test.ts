import { describe, expect, it } from 'vitest';
import { endOfLocalDay, localDate, nthWorkingDayAfter, slaDeadline } from '../../workflows/calendar.js';

const holidays = new Set(['2026-12-24', '2026-12-25']);

describe('the three-working-day SLA', () => {
  it('counts three working days after a Monday approval: due at the end of Thursday, Palu time (WITA)', () => {
    const approved = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 WITA
    expect(slaDeadline(approved, 'Asia/Makassar', 3, holidays).toISOString()).toBe('2026-11-26T16:00:00.000Z'); // Fri 00:00 WITA
  });

  it('skips the weekend: a Thursday approval in Wonosobo (WIB) is due at the end of Tuesday', () => {
    const approved = new Date('2026-11-26T03:00:00Z'); // Thursday 10:00 WIB
    expect(slaDeadline(approved, 'Asia/Jakarta', 3, holidays).toISOString()).toBe('2026-12-01T17:00:00.000Z'); // Wed 00:00 WIB
  });

  it('skips national holidays and the weekend together (Christmas 2026, WITA and WIB)', () => {
    const approved = new Date('2026-12-23T01:00:00Z'); // Wednesday; Thu 24 and Fri 25 are holidays
    // Mon 28, Tue 29, Wed 30: due at the midnight that closes Wednesday 30 December.
    expect(slaDeadline(approved, 'Asia/Makassar', 3, holidays).toISOString()).toBe('2026-12-30T16:00:00.000Z');
    expect(slaDeadline(approved, 'Asia/Jakarta', 3, holidays).toISOString()).toBe('2026-12-30T17:00:00.000Z');
  });

  it('uses the office day, not the UTC day: 23:30 WIT on Friday is already Saturday in Jayapura', () => {
    const approved = new Date('2026-11-27T15:30:00Z'); // Saturday 00:30 WIT
    expect(localDate(approved, 'Asia/Jayapura')).toBe('2026-11-28');
    expect(slaDeadline(approved, 'Asia/Jayapura', 3, holidays).toISOString()).toBe(endOfLocalDay('2026-12-02', 'Asia/Jayapura').toISOString());
  });

  it('refuses a time zone it does not know rather than guessing', () => {
    expect(() => slaDeadline(new Date(), 'Europe/Amsterdam', 3, holidays)).toThrow(/time zone/);
  });

  it('counts holidays only on working days', () => {
    expect(nthWorkingDayAfter('2026-12-23', 1, holidays)).toBe('2026-12-28');
  });
});
