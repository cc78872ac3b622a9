// Working-day arithmetic in an office's own time zone. Pure: used by activities (SLA deadline,
// end of the appointment day) and by the API (estimated completion), so both always agree.

/** Indonesia's zones keep no daylight saving, so a fixed offset is exact. */
const OFFSETS_MINUTES: Record<string, number> = {
  'Asia/Jakarta': 7 * 60, // WIB
  'Asia/Pontianak': 7 * 60, // WIB
  'Asia/Makassar': 8 * 60, // WITA
  'Asia/Jayapura': 9 * 60, // WIT
};

const DAY_MS = 86_400_000;

export function utcOffsetMinutes(timeZone: string): number {
  const offset = OFFSETS_MINUTES[timeZone];
  if (offset === undefined) throw new Error(`Unsupported office time zone: ${timeZone}`);
  return offset;
}

/** The calendar date ('YYYY-MM-DD') of an instant, as seen in the office. */
export function localDate(instant: Date, timeZone: string): string {
  return new Date(instant.getTime() + utcOffsetMinutes(timeZone) * 60_000).toISOString().slice(0, 10);
}

/** The instant a local calendar day ends (midnight at its close) in the office. */
export function endOfLocalDay(date: string, timeZone: string): Date {
  return new Date(dateMs(date) + DAY_MS - utcOffsetMinutes(timeZone) * 60_000);
}

/** The dates every computation here accepts: four-digit years, far beyond any booking horizon. */
export const FIRST_DATE = '0001-01-01';
export const LAST_DATE = '9999-12-31';
/** No working-day count needs more calendar days than this (a year of weekends and holidays). */
export const MAX_SCAN_DAYS = 366;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Midnight UTC of a 'YYYY-MM-DD' calendar date; a malformed or impossible date (2027-02-30) throws. */
export function dateMs(date: string): number {
  const ms = ISO_DATE.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return ms;
}

export function isCalendarDate(date: unknown): date is string {
  try {
    return typeof date === 'string' && dateMs(date) >= Date.parse(`${FIRST_DATE}T00:00:00Z`);
  } catch {
    return false;
  }
}

/** `date` moved by whole `days`; throws past year 9999 or before year 1 instead of producing a non-date. */
export function addDays(date: string, days: number): string {
  if (!Number.isSafeInteger(days)) throw new RangeError(`not a whole number of days: ${days}`);
  const ms = dateMs(date) + days * DAY_MS;
  if (ms < Date.parse(`${FIRST_DATE}T00:00:00Z`) || ms > Date.parse(`${LAST_DATE}T00:00:00Z`)) {
    throw new RangeError(`${date} ${days < 0 ? '-' : '+'} ${Math.abs(days)} days is outside the supported dates ${FIRST_DATE} to ${LAST_DATE}`);
  }
  return new Date(ms).toISOString().slice(0, 10);
}

/** Every date in [from, until), at most `max` of them: a loop over it always ends. */
export function* datesBetween(from: string, until: string, max = MAX_SCAN_DAYS): Generator<string> {
  dateMs(until);
  let date = from;
  for (let i = 0; date < until; i++) {
    if (i >= max) throw new RangeError(`more than ${max} days from ${from} to ${until}`);
    yield date;
    if (date === LAST_DATE) return;
    date = addDays(date, 1);
  }
}

export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  const weekday = new Date(dateMs(date)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(date);
}

/**
 * The date of the n-th working day after `date` (which itself does not count). Looks at most
 * MAX_SCAN_DAYS ahead and never past year 9999: beyond either it throws a RangeError.
 */
export function nthWorkingDayAfter(date: string, n: number, holidays: ReadonlySet<string>): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a number of working days: ${n}`);
  let day = date;
  dateMs(day);
  for (let counted = 0, scanned = 0; counted < n; scanned++) {
    if (scanned >= MAX_SCAN_DAYS) throw new RangeError(`no ${n} working days within ${MAX_SCAN_DAYS} days after ${date}`);
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) counted++;
  }
  return day;
}

/**
 * The service commitment: the end of the n-th working day after interview approval,
 * in the office's time zone, skipping weekends and the given holidays.
 */
export function slaDeadline(approvedAt: Date, timeZone: string, workingDays: number, holidays: ReadonlySet<string>): Date {
  return endOfLocalDay(nthWorkingDayAfter(localDate(approvedAt, timeZone), workingDays, holidays), timeZone);
}
