// The days an office serves applicants and its seats on each: its weekdays that are not national holidays or
// cuti bersama, the weekend days it also serves on (offices.weekend_days), with its usual quotas per session
// and kind (offices.session_quotas); then the days it declared (office_days): an OPEN day is served with its own
// seats even on a weekend or a holiday, a CLOSED day is not served. Read by booking (activities/booking.ts),
// availability and closure moves. The SLA keeps the national working-day calendar (workflows/calendar.ts).
import type { Kysely } from 'kysely';
import { addDays, datesBetween, isWorkingDay } from '../../workflows/calendar.js';
import type { SessionQuotas } from '../../workflows/definitions.js';
import type { DB, Office, OfficeDay } from '../schema.js';
import { loadHolidays } from './holidays.js';

export type ServiceDayOffice = Pick<Office, 'code' | 'session_quotas' | 'weekend_days'>;

const WEEKEND = ['SUN', 'SAT'] as const;
/** 'SAT' or 'SUN' for a weekend date, else undefined. */
const weekendDay = (date: string): string | undefined => {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 ? WEEKEND[0] : weekday === 6 ? WEEKEND[1] : undefined;
};

/** The office's service days from `from` to `last` (both included, a bounded run of dates) and each one's seats. */
export async function serviceDays(db: Kysely<DB>, office: ServiceDayOffice, from: string, last: string): Promise<Map<string, SessionQuotas>> {
  const days = new Map<string, SessionQuotas>();
  if (from > last) return days;
  const holidays = await loadHolidays(db);
  for (const date of datesBetween(from, addDays(last, 1))) {
    const weekend = weekendDay(date);
    const serves = weekend ? office.weekend_days.includes(weekend) && !holidays.has(date) : isWorkingDay(date, holidays);
    if (serves) days.set(date, office.session_quotas);
  }
  for (const declared of await declaredDays(db, office.code, from, last)) {
    if (declared.status === 'OPEN' && declared.session_quotas) days.set(declared.date, declared.session_quotas);
    else days.delete(declared.date);
  }
  return new Map([...days].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The days the office declared from `from` to `last` (both included), in date order. */
export async function declaredDays(db: Kysely<DB>, officeCode: string, from: string, last: string): Promise<OfficeDay[]> {
  return db.selectFrom('office_days').selectAll().where('office_code', '=', officeCode).where('date', '>=', from).where('date', '<=', last).orderBy('date').execute();
}

/** The office's seats on `date`, or undefined when it does not serve that day. */
export async function serviceDay(db: Kysely<DB>, office: ServiceDayOffice, date: string): Promise<SessionQuotas | undefined> {
  return (await serviceDays(db, office, date, date)).get(date);
}
