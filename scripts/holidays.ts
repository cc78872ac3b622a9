// `npm run holidays -- status | import <file.json|file.csv> [--status decreed|provisional --source "..."] [--force]`:
// the operator's hand on the holiday calendar. Each year's national holidays and cuti bersama are decreed
// yearly (SKB 3 Menteri); appointments are offered only up to the end of the loaded years.
// Reaches PostgreSQL at DATABASE_URL, or else the embedded one that `npm start` runs (EMBEDDED_PG_PORT).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { calendarFileSchema, calendarWarning, calendarYears, importCalendarYear, parseCalendarCsv, windowOf, type CalendarFile } from '../db/calendar.js';
import { localDate } from '../workflows/calendar.js';
import { operatorDatabase } from './operator-db.js';

const USAGE = `usage:
  npm run holidays -- status
  npm run holidays -- import <year.json>                  {"year", "status": "DECREED"|"PROVISIONAL", "source", "holidays": [{"date", "name", "kind"}]}
  npm run holidays -- import <year.csv> --status decreed --source "SKB ... Nomor ..."   (header: date,name,kind)
  add --force to let a provisional list replace a decreed year`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { status: { type: 'string' }, source: { type: 'string' }, force: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});
const [command, file] = positionals;
if (values.help || !command || !['status', 'import'].includes(command) || (command === 'import' && !file)) {
  console.error(USAGE);
  process.exit(2);
}

const { config, db, run } = operatorDatabase();

async function readCalendarFile(path: string): Promise<CalendarFile> {
  const text = await readFile(path, 'utf8');
  if (path.toLowerCase().endsWith('.csv')) {
    if (!values.status || !values.source) throw new Error('a CSV needs --status decreed|provisional and --source "<the decree, e.g. SKB number>"');
    return parseCalendarCsv(text, { status: values.status, source: values.source });
  }
  return JSON.parse(text) as CalendarFile;
}

async function status(): Promise<string | undefined> {
  const years = await calendarYears(db);
  // The latest local date in Indonesia (WIT): the horizon there reaches furthest.
  const window = windowOf(years, localDate(new Date(), 'Asia/Jayapura'), config.BOOKING_HORIZON_DAYS);
  console.log(`today ${window.today}; booking horizon ${window.horizonDays} days, until ${window.horizonUntil}`);
  console.log(`holiday calendar loaded until ${window.calendarUntil}; appointments bookable until ${window.until}`);
  for (const y of years.filter((y) => !y.source.startsWith('test:'))) {
    console.log(`  ${y.year}  ${y.status.padEnd(11)}  ${String(y.holidays).padStart(2)} days off  loaded ${y.loadedAt.slice(0, 10)}  ${y.source}`);
  }
  const warning = calendarWarning(window);
  if (warning) console.log(`WARNING: ${warning}`);
  return warning;
}

await run(async () => {
  if (command === 'import') {
    const parsed = calendarFileSchema.safeParse(await readCalendarFile(file!));
    if (!parsed.success) throw new Error(`${file} is not a calendar year:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
    const result = await importCalendarYear(db, parsed.data, { force: values.force });
    console.log(`${result.year} loaded as ${result.status}: ${result.added.length} added, ${result.removed.length} removed, ${result.renamed.length} renamed`);
    for (const b of result.bookingsOnNewHolidays) console.log(`  NOTE: application ${b.applicationId} has an appointment on ${b.date}, now a day off: the office must move it`);
  }
  await status();
});
