import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { datesBetween, endOfLocalDay, localDate, nthWorkingDayAfter, slaDeadline } from '../../workflows/calendar.js';

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

describe('dates at the end of the calendar', () => {
  // Each case runs in a child process with a deadline: before the fix these loops never ended, and a
  // synchronous loop would hang this test file instead of failing it.
  const cases = {
    slaAfterTheLastDay: "nthWorkingDayAfter('9999-12-30', 3, new Set())",
    fromTheLastDay: "nthWorkingDayAfter('9999-12-31', 1, new Set())",
    pastTheLastDay: "addDays('9999-12-31', 1)",
    notADate: "nthWorkingDayAfter('2027-02-30', 1, new Set())",
    garbage: "nthWorkingDayAfter('+010000-01', 1, new Set())",
    everyDayAHoliday: "nthWorkingDayAfter('2026-01-01', 1, new Set([...datesBetween('2026-01-02', '2027-06-01', 600)]))",
    aMillionDays: "[...datesBetween('2026-01-01', '9999-12-31')].length",
    fractionalDays: "addDays('2026-01-01', 0.5)",
  };

  it('throws a clear RangeError instead of spinning, for year 9999 and for non-dates', { timeout: 30_000 }, () => {
    const script = [
      `const { addDays, datesBetween, nthWorkingDayAfter } = await import(${JSON.stringify(new URL('../../workflows/calendar.ts', import.meta.url).pathname)});`,
      `const cases = ${JSON.stringify(cases)};`,
      'const out = {};',
      'for (const [name, code] of Object.entries(cases)) {',
      '  try { out[name] = { value: eval(code) }; } catch (e) { out[name] = { error: `${e.name}: ${e.message}` }; }',
      '}',
      'console.log(JSON.stringify(out));',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000, encoding: 'utf8' });
    expect(child.signal, 'a date loop did not end within 20 s').toBeNull();
    expect(child.stderr).toBe('');
    const out = JSON.parse(child.stdout) as Record<keyof typeof cases, { value?: unknown; error?: string }>;
    expect(out.slaAfterTheLastDay.error).toBe('RangeError: 9999-12-31 + 1 days is outside the supported dates 0001-01-01 to 9999-12-31');
    expect(out.fromTheLastDay.error).toMatch(/^RangeError: 9999-12-31 \+ 1 days is outside/);
    expect(out.pastTheLastDay.error).toMatch(/^RangeError: .*outside the supported dates/);
    expect(out.notADate.error).toBe('RangeError: not a calendar date (YYYY-MM-DD): "2027-02-30"');
    expect(out.garbage.error).toMatch(/^RangeError: not a calendar date/);
    expect(out.everyDayAHoliday.error).toBe('RangeError: no 1 working days within 366 days after 2026-01-01');
    expect(out.aMillionDays.error).toBe('RangeError: more than 366 days from 2026-01-01 to 9999-12-31');
    expect(out.fractionalDays.error).toMatch(/^RangeError: not a whole number of days/);
  });

  it('still counts up to the last supported day', () => {
    expect(nthWorkingDayAfter('9999-12-27', 3, new Set())).toBe('9999-12-30'); // Mon 27 to Thu 30
    expect([...datesBetween('2026-12-30', '2027-01-02')]).toEqual(['2026-12-30', '2026-12-31', '2027-01-01']);
  });
});
