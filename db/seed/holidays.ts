// The holiday calendar that ships with the service: one file per year, loaded like an operator's import
// (db/calendar.ts). 2026 is the decree; 2027 is provisional until its SKB 3 Menteri is published.
import year2026 from './calendar/2026.json' with { type: 'json' };
import year2027 from './calendar/2027.json' with { type: 'json' };
import type { CalendarFile } from '../calendar.js';

export const shippedCalendar = [year2026, year2027] as CalendarFile[];
