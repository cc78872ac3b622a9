// The holiday calendar as loaded data: the years an operator imported (decreed or provisional), the
// booking window they and the published horizon allow, and the import of one year's decree.
// Used by the booking activity (the authority), the API (early, clear answers) and `npm run holidays`.
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { addDays, dateMs, localDate } from '../workflows/calendar.js';
import type { CalendarStatus, DB } from './schema.js';

export interface CalendarYear {
  year: number;
  status: CalendarStatus;
  source: string;
  loadedAt: string;
  holidays: number;
}

export async function calendarYears(db: Kysely<DB>): Promise<CalendarYear[]> {
  const [years, counts] = await Promise.all([
    db.selectFrom('calendar_years').selectAll().orderBy('year').execute(),
    db.selectFrom('holidays').select([(eb) => eb.fn<number>('date_part', [eb.val('year'), eb.ref('date')]).as('year'), (eb) => eb.fn.countAll<string>().as('n')]).groupBy('year').execute(),
  ]);
  const perYear = new Map(counts.map((c) => [Number(c.year), Number(c.n)]));
  return years.map((y) => ({ year: y.year, status: y.status, source: y.source, loadedAt: y.loaded_at.toISOString(), holidays: perYear.get(y.year) ?? 0 }));
}

/** The last day the calendar covers without a gap from `today`'s year on (the day before that year if it is missing). */
export const calendarUntil = (years: readonly CalendarYear[], today: string): string => {
  const loaded = new Set(years.map((y) => y.year));
  let year = Number(today.slice(0, 4));
  while (loaded.has(year)) year++;
  return `${String(year - 1).padStart(4, '0')}-12-31`;
};

export interface BookingWindow {
  /** Today and the first bookable day (tomorrow), office local. */
  today: string;
  from: string;
  /** The last bookable day: the horizon's end or the calendar's, whichever comes first. */
  until: string;
  horizonDays: number;
  horizonUntil: string;
  calendarUntil: string;
  /** Years inside the window that are provisional (no decree loaded yet). */
  provisionalYears: number[];
}

export function windowOf(years: readonly CalendarYear[], today: string, horizonDays: number): BookingWindow {
  const horizonUntil = addDays(today, horizonDays);
  const covered = calendarUntil(years, today);
  const until = horizonUntil < covered ? horizonUntil : covered;
  const provisionalYears = years.filter((y) => y.status === 'PROVISIONAL' && `${y.year}-12-31` >= today && `${y.year}-01-01` <= until).map((y) => y.year);
  return { today, from: addDays(today, 1), until, horizonDays, horizonUntil, calendarUntil: covered, provisionalYears };
}

/** The window in which an office takes appointments at `now` (the caller's clock: the workflow's, in the activity). */
export async function bookingWindow(db: Kysely<DB>, opts: { timeZone: string; now: Date; horizonDays: number }): Promise<BookingWindow> {
  return windowOf(await calendarYears(db), localDate(opts.now, opts.timeZone), opts.horizonDays);
}

/** Why `date` cannot be booked for being too far ahead, or undefined. (Too early is the booking rule's own check.) */
export function beyondWindow(date: string, w: BookingWindow): string | undefined {
  if (date > w.horizonUntil) return `${date} is beyond the booking horizon (${w.horizonDays} days, until ${w.horizonUntil})`;
  if (date > w.calendarUntil) return `${date} is beyond the holiday calendar, which is loaded only until ${w.calendarUntil}`;
  return undefined;
}

/**
 * What managers and operators must hear: the calendar does not cover the whole horizon (appointments
 * stop short of it), or the horizon reaches into a provisional year. Undefined when all is well.
 */
export function calendarWarning(w: BookingWindow): string | undefined {
  const warnings: string[] = [];
  if (w.calendarUntil < w.horizonUntil) {
    warnings.push(
      `the holiday calendar is loaded only until ${w.calendarUntil}, inside the booking horizon (${w.horizonDays} days, until ${w.horizonUntil}): ` +
        `no appointment can be booked after ${w.calendarUntil} until the next year's decree is loaded (npm run holidays -- import <file>)`,
    );
  }
  if (w.provisionalYears.length) {
    warnings.push(`the holiday calendar for ${w.provisionalYears.join(', ')} is provisional: load the decree (SKB 3 Menteri) when it is published`);
  }
  return warnings.length ? warnings.join('; ') : undefined;
}

/** The warning as of now, where the horizon reaches furthest (WIT, the latest local date in Indonesia). */
export async function calendarWarningNow(db: Kysely<DB>, horizonDays: number): Promise<string | undefined> {
  return calendarWarning(await bookingWindow(db, { timeZone: 'Asia/Jayapura', now: new Date(), horizonDays }));
}

// Import --------------------------------------------------------------------------------------------

/** Text an operator writes into reference data: trimmed, no control characters (a NUL cannot be stored; a newline would break the pages). */
export const printableText = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

const holidaySchema = z.strictObject({
  date: z.iso.date(),
  name: printableText(2, 200),
  kind: z.enum(['NATIONAL', 'CUTI_BERSAMA']).default('NATIONAL'),
});

/** One year's decree (or a provisional list) as an operator loads it. */
export const calendarFileSchema = z
  .strictObject({
    year: z.number().int().min(2000).max(9999),
    status: z.enum(['DECREED', 'PROVISIONAL']),
    source: printableText(3, 500).describe('where the dates come from, e.g. the SKB number'),
    holidays: z.array(holidaySchema),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.holidays.forEach((h, i) => {
      if (!h.date.startsWith(`${file.year}-`)) ctx.addIssue({ code: 'custom', path: ['holidays', i, 'date'], message: `${h.date} is not in ${file.year}` });
      if (seen.has(h.date)) ctx.addIssue({ code: 'custom', path: ['holidays', i, 'date'], message: `${h.date} is listed twice` });
      seen.add(h.date);
    });
  });
export type CalendarFile = z.input<typeof calendarFileSchema>;

/** A CSV of `date,name,kind` rows (header first); the year's status and source come from the command line. */
export function parseCalendarCsv(text: string, meta: { status: string; source: string }): CalendarFile {
  const [header, ...rows] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!header || !/^date,name(,kind)?$/i.test(header.trim())) throw new Error('the CSV must start with the header: date,name,kind');
  const holidays = rows.map((line) => {
    const [date = '', ...rest] = line.split(',');
    const kind = /^(NATIONAL|CUTI_BERSAMA)$/.test(rest.at(-1)?.trim() ?? '') ? rest.pop()!.trim() : undefined;
    return { date: date.trim(), name: rest.join(',').trim().replace(/^"(.*)"$/, '$1'), ...(kind && { kind: kind as 'NATIONAL' | 'CUTI_BERSAMA' }) };
  });
  const year = Number(holidays[0]?.date.slice(0, 4));
  return { year, status: meta.status.toUpperCase() as CalendarStatus, source: meta.source, holidays };
}

export interface ImportResult {
  year: number;
  status: CalendarStatus;
  added: string[];
  removed: string[];
  renamed: string[];
  /** Appointments not yet released that fall on a day the import makes a holiday: the office must move them. */
  bookingsOnNewHolidays: { applicationId: string; date: string }[];
}

/**
 * Loads one year idempotently, in one transaction: the year's holidays become exactly the file's, and the
 * year is recorded with its status and source. A provisional list never replaces a decree unless forced.
 */
export async function importCalendarYear(db: Kysely<DB>, input: CalendarFile, opts: { force?: boolean } = {}): Promise<ImportResult> {
  const file = calendarFileSchema.parse(input);
  for (const h of file.holidays) dateMs(h.date); // a real date (2027-02-30 is not)
  // Inside a caller's transaction (the setup step loads every reference file in one) or in its own.
  const inTransaction = <T>(work: (tx: Kysely<DB>) => Promise<T>) => (db.isTransaction ? work(db) : db.transaction().execute(work));
  return inTransaction(async (tx) => {
    const current = await tx.selectFrom('calendar_years').select('status').where('year', '=', file.year).forUpdate().executeTakeFirst();
    if (current?.status === 'DECREED' && file.status === 'PROVISIONAL' && !opts.force) {
      throw new Error(`${file.year} is already loaded from its decree; a provisional list does not replace it (use --force to do so anyway)`);
    }
    const first = `${file.year}-01-01`;
    const last = `${file.year}-12-31`;
    const before = await tx.selectFrom('holidays').select(['date', 'name', 'kind']).where('date', '>=', first).where('date', '<=', last).execute();
    const old = new Map(before.map((h) => [h.date, h]));
    const wanted = new Map(file.holidays.map((h) => [h.date, h]));
    const removed = before.filter((h) => !wanted.has(h.date)).map((h) => h.date);
    const added = file.holidays.filter((h) => !old.has(h.date)).map((h) => h.date);
    const renamed = file.holidays.filter((h) => old.has(h.date) && (old.get(h.date)!.name !== h.name || old.get(h.date)!.kind !== h.kind)).map((h) => h.date);
    if (removed.length) await tx.deleteFrom('holidays').where('date', 'in', removed).execute();
    if (file.holidays.length) {
      await tx
        .insertInto('holidays')
        .values(file.holidays)
        .onConflict((oc) => oc.column('date').doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), kind: eb.ref('excluded.kind') })))
        .execute();
    }
    await tx
      .insertInto('calendar_years')
      .values({ year: file.year, status: file.status, source: file.source })
      .onConflict((oc) => oc.column('year').doUpdateSet((eb) => ({ status: eb.ref('excluded.status'), source: eb.ref('excluded.source'), loaded_at: eb.ref('excluded.loaded_at') })))
      .execute();
    const bookingsOnNewHolidays = added.length
      ? await tx.selectFrom('bookings').select(['application_id as applicationId', 'date']).where('date', 'in', added).where('date', '>=', sql<string>`current_date`).where('released_at', 'is', null).orderBy('date').execute()
      : [];
    return { year: file.year, status: file.status, added, removed, renamed, bookingsOnNewHolidays };
  });
}
