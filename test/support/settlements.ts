// Banks' settlement reports for tests: valid CSV of any length for a bank and day.
import { SETTLEMENT_HEADER } from '../../db/settlements.js';
import { addDays, localDate } from '../../workflows/calendar.js';

/** Yesterday in WIB: a settlement day every report may name. */
export const settlementDay = () => addDays(localDate(new Date(), 'Asia/Jakarta'), -1);

/**
 * `count` payments of `amount` rupiah made on `day`, one a line: NTPNs, transaction ids and billing codes of the
 * bank's own (bank codes are a letter and six digits in tests), so files of different banks never share one.
 */
export const settlementCsv = (bank: string, day: string, count: number, amount = 950_000) =>
  [
    SETTLEMENT_HEADER,
    ...Array.from({ length: count }, (_, i) => `${String(i + 1).padStart(4, '0')}NTPN${bank.slice(1).padStart(8, '0')},${bank}-${i + 1},8201${String(i + 1).padStart(11, '0')},${amount},${day}T09:${String(i % 60).padStart(2, '0')}:00+07:00`),
  ].join('\n') + '\n';
