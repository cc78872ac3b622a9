// The early-warning point (issue 16) as pure date logic: the office's opening on the last working day before a
// deadline, in the office's own zone; same-day service's afternoon; AT_RISK_HOURS_BEFORE; the calendar's edges.
import { describe, expect, it } from 'vitest';
import { earlyWarningPoint, type EarlyWarningRule } from '../../activities/at-risk.js';
import { loadConfig } from '../../config.js';
import { endOfLocalDay } from '../../workflows/calendar.js';

const HOURS = { MORNING: ['08:00', '12:00'], AFTERNOON: ['13:00', '16:00'] } as EarlyWarningRule['hours'];
const holidays = new Set(['2026-12-24', '2026-12-25']);
const point = (deadline: string, since: string, more: Partial<EarlyWarningRule> = {}) =>
  earlyWarningPoint({ deadline: new Date(deadline), since: new Date(since), timeZone: 'Asia/Makassar', hours: HOURS, holidays, ...more }).toISOString();

describe('the early-warning point', () => {
  it("is the office's opening on the SLA deadline's own day, office time (WITA)", () => {
    // Due at the midnight that closes Tuesday 1 December (WITA): warned at 08:00 WITA that Tuesday, after a weekend.
    expect(point('2026-12-01T16:00:00Z', '2026-11-26T02:00:00Z')).toBe('2026-12-01T00:00:00.000Z');
    // The same deadline day in Jayapura (WIT) opens an hour earlier in UTC.
    const wit = endOfLocalDay('2026-12-01', 'Asia/Jayapura').toISOString();
    expect(point(wit, '2026-11-26T02:00:00Z', { timeZone: 'Asia/Jayapura' })).toBe('2026-11-30T23:00:00.000Z');
  });

  it("takes the office's own opening hours", () => {
    const early = { MORNING: ['07:30', '12:00'], AFTERNOON: ['13:00', '16:00'] } as EarlyWarningRule['hours'];
    expect(point('2026-12-01T16:00:00Z', '2026-11-26T02:00:00Z', { hours: early })).toBe('2026-11-30T23:30:00.000Z');
  });

  it('moves back over a holiday and the weekend before the deadline', () => {
    // A Pos window ending Monday 28 December at 07:00 WITA, before that day opens: Friday 25 and Thursday 24
    // are holidays, so the last working day is Wednesday 23 December.
    expect(point('2026-12-27T23:00:00Z', '2026-12-14T02:00:00Z')).toBe('2026-12-23T00:00:00.000Z');
    // Ending on Sunday afternoon: Friday's opening.
    expect(point('2026-11-29T06:00:00Z', '2026-11-15T02:00:00Z')).toBe('2026-11-27T00:00:00.000Z');
  });

  it('is the wait\'s start when no working day opens between it and the deadline (marked at once)', () => {
    // Approved Thursday 24 December (a holiday) with a deadline at the end of Friday 25 (another).
    expect(point('2026-12-25T16:00:00Z', '2026-12-24T03:00:00Z')).toBe('2026-12-24T03:00:00.000Z');
    // A whole year of holidays ahead: the search ends, it does not spin.
    const everyDay = new Set(Array.from({ length: 400 }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)));
    expect(point('2026-12-31T16:00:00Z', '2026-01-01T00:00:00Z', { holidays: everyDay })).toBe('2026-01-01T00:00:00.000Z');
  });

  it('is the afternoon session of the interview day for same-day service', () => {
    expect(point('2026-12-01T16:00:00Z', '2026-12-01T00:30:00Z', { sameDay: true })).toBe('2026-12-01T05:00:00.000Z'); // 13:00 WITA
    // Approved after the afternoon began: at once.
    expect(point('2026-12-01T16:00:00Z', '2026-12-01T06:00:00Z', { sameDay: true })).toBe('2026-12-01T06:00:00.000Z');
  });

  it('is AT_RISK_HOURS_BEFORE hours before the deadline when set, never before the wait starts', () => {
    expect(point('2026-12-01T16:00:00Z', '2026-11-26T02:00:00Z', { hoursBefore: 30 })).toBe('2026-11-30T10:00:00.000Z');
    expect(point('2026-12-01T16:00:00Z', '2026-11-26T02:00:00Z', { hoursBefore: 720 })).toBe('2026-11-26T02:00:00.000Z');
    expect(point('2026-12-01T16:00:00Z', '2026-11-26T02:00:00Z', { hoursBefore: 30, sameDay: true })).toBe('2026-11-30T10:00:00.000Z');
  });

  it('does not throw for deadlines at the end of the calendar (9999-12-31) or past it', () => {
    const last = endOfLocalDay('9999-12-31', 'Asia/Jayapura');
    expect(point(last.toISOString(), '9999-12-20T00:00:00Z', { timeZone: 'Asia/Jayapura' })).toBe('9999-12-30T23:00:00.000Z'); // Friday 31 December 9999
    // A Pos window past year 9999 in the office: the last calendar day's opening.
    expect(point('+010000-01-10T00:00:00Z', '9999-12-20T00:00:00Z', { timeZone: 'Asia/Jayapura' })).toBe('9999-12-30T23:00:00.000Z');
    expect(point('+010000-01-10T00:00:00Z', '9999-12-20T00:00:00Z', { hoursBefore: 24 })).toBe('+010000-01-09T00:00:00.000Z');
  });
});

describe('AT_RISK_HOURS_BEFORE', () => {
  it('is unset by default, a whole number of hours from 1 to 720 when set, and refused at start otherwise', () => {
    expect(loadConfig({}).AT_RISK_HOURS_BEFORE).toBeUndefined();
    expect(loadConfig({ AT_RISK_HOURS_BEFORE: '36' }).AT_RISK_HOURS_BEFORE).toBe(36);
    for (const bad of ['0', '721', '1.5', 'six']) {
      expect(() => loadConfig({ AT_RISK_HOURS_BEFORE: bad }), bad).toThrow(/AT_RISK_HOURS_BEFORE: must be a whole number of hours, 1 to 720/);
    }
  });
});
