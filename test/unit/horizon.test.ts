// The booking window: the published horizon and the loaded holiday calendar, whichever ends first, and
// the warning managers get when the calendar falls short or is provisional.
import { describe, expect, it } from 'vitest';
import { beyondWindow, calendarWarning, windowOf, type CalendarYear } from '../../db/calendar.js';

const year = (y: number, status: CalendarYear['status'] = 'DECREED'): CalendarYear => ({ year: y, status, source: `SKB ${y}`, loadedAt: '2026-01-01T00:00:00.000Z', holidays: 20 });

describe('the booking window', () => {
  it('ends at the horizon when the calendar covers it, and says nothing to managers', () => {
    const w = windowOf([year(2026), year(2027)], '2026-11-27', 60);
    expect(w).toMatchObject({ from: '2026-11-28', until: '2027-01-26', horizonUntil: '2027-01-26', calendarUntil: '2027-12-31' });
    expect(beyondWindow('2027-01-26', w)).toBeUndefined();
    expect(beyondWindow('2027-01-27', w)).toBe('2027-01-27 is beyond the booking horizon (60 days, until 2027-01-26)');
    expect(beyondWindow('9999-12-30', w)).toBe('9999-12-30 is beyond the booking horizon (60 days, until 2027-01-26)');
    expect(calendarWarning(w)).toBeUndefined();
  });

  it('ends with the loaded calendar when the next decree is missing, and warns', () => {
    const w = windowOf([year(2026)], '2026-11-27', 60);
    expect(w.until).toBe('2026-12-31');
    expect(beyondWindow('2027-01-05', w)).toBe('2027-01-05 is beyond the holiday calendar, which is loaded only until 2026-12-31');
    expect(calendarWarning(w)).toBe(
      'the holiday calendar is loaded only until 2026-12-31, inside the booking horizon (60 days, until 2027-01-26): ' +
        'no appointment can be booked after 2026-12-31 until the next year\'s decree is loaded (npm run holidays -- import <file>)',
    );
  });

  it('takes no year after a gap, nor anything when this year is missing', () => {
    expect(windowOf([year(2026), year(2028)], '2026-11-27', 366).calendarUntil).toBe('2026-12-31');
    const none = windowOf([year(2027)], '2026-11-27', 60);
    expect(none.until).toBe('2025-12-31'); // before tomorrow: nothing bookable
    expect(beyondWindow('2026-11-30', none)).toMatch(/loaded only until 2025-12-31/);
  });

  it('warns when the horizon reaches into a provisional year', () => {
    const w = windowOf([year(2026), year(2027, 'PROVISIONAL')], '2026-11-27', 60);
    expect(w.until).toBe('2027-01-26'); // provisional years are bookable, with the warning
    expect(calendarWarning(w)).toBe('the holiday calendar for 2027 is provisional: load the decree (SKB 3 Menteri) when it is published');
    expect(calendarWarning(windowOf([year(2026), year(2027, 'PROVISIONAL')], '2026-10-01', 60))).toBeUndefined();
  });
});
