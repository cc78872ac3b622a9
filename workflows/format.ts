// Formatting for people (notices and pages): rupiah amounts and instants shown in the office's own time zone.
import type { Session } from './definitions.js';
import { endOfLocalDay, utcOffsetMinutes } from './calendar.js';

export const LANGUAGES = ['id', 'en'] as const;
/** Bahasa Indonesia is the default; English is the applicant's choice at submission. */
export type Language = (typeof LANGUAGES)[number];

const LOCALES: Record<Language, string> = { id: 'id-ID', en: 'en-GB' };

/** The names Indonesians read on a clock: WIB, WITA, WIT (the same in both languages). */
const ZONE_NAMES: Record<string, string> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Pontianak': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Jayapura': 'WIT',
};

export function zoneName(timeZone: string): string {
  utcOffsetMinutes(timeZone); // throws for a zone the calendar does not know
  const name = ZONE_NAMES[timeZone];
  if (name === undefined) throw new Error(`No zone name for office time zone: ${timeZone}`);
  return name;
}

/** "Rp 350.000" in Bahasa Indonesia, "IDR 350,000" in English: whole rupiah, no decimals. */
export function formatRupiah(amount: number, language: Language): string {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`Not a rupiah amount: ${amount}`);
  const digits = new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 0 }).format(amount);
  return language === 'id' ? `Rp ${digits}` : `IDR ${digits}`;
}

const dateFormat = (language: Language, timeZone: string) =>
  new Intl.DateTimeFormat(LOCALES[language], { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** "Senin, 7 Desember 2026" / "Monday, 7 December 2026": the office's calendar day of an instant. */
export function formatDate(instant: Date, language: Language, timeZone: string): string {
  zoneName(timeZone);
  return dateFormat(language, timeZone).format(instant);
}

/** "08.00 WIT" / "08:00 WIT": the office's clock time of an instant, with its zone's name. */
export function formatTime(instant: Date, language: Language, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('hour')}${language === 'id' ? '.' : ':'}${part('minute')} ${zoneName(timeZone)}`;
}

/** "Senin, 7 Desember 2026 pukul 23.59 WIT" / "Monday, 7 December 2026 at 23:59 WIT". */
export function formatDateTime(instant: Date, language: Language, timeZone: string): string {
  return `${formatDate(instant, language, timeZone)} ${language === 'id' ? 'pukul' : 'at'} ${formatTime(instant, language, timeZone)}`;
}

/** An office's local opening hours of each session (offices.session_hours), e.g. MORNING: ['08:00', '12:00']. */
export type SessionHours = Record<Session, [string, string]>;

const minutesOf = (clock: string) => {
  const match = /^(\d\d):(\d\d)$/.exec(clock);
  if (!match) throw new Error(`Not a local time HH:MM: ${clock}`);
  return Number(match[1]) * 60 + Number(match[2]);
};

/** The instants a session starts and ends on a local date ('YYYY-MM-DD') at an office, from its own hours. */
export function sessionWindow(date: string, session: Session, timeZone: string, hours: SessionHours): { start: Date; end: Date } {
  const dayStart = endOfLocalDay(date, timeZone).getTime() - 86_400_000;
  const [start, end] = hours[session];
  return { start: new Date(dayStart + minutesOf(start) * 60_000), end: new Date(dayStart + minutesOf(end) * 60_000) };
}
