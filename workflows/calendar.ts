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
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS - utcOffsetMinutes(timeZone) * 60_000);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(date);
}

/** The date of the n-th working day after `date` (which itself does not count). */
export function nthWorkingDayAfter(date: string, n: number, holidays: ReadonlySet<string>): string {
  let day = date;
  for (let counted = 0; counted < n; ) {
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
