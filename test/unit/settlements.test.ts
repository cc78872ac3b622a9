// The settlement report format (README, Reconciliation): what a bank's file must be, and how each problem is named
// (its line, the header being line 1, and its field), so the bank can fix the file from the answer alone.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { settlementSighting } from '../../activities/settlements.js';
import { bankCodeProblem, decodeSettlementFile, parseSettlementReport, SETTLEMENT_HEADER, settlementDateProblem } from '../../db/settlements.js';
import { addDays, localDate } from '../../workflows/calendar.js';

const today = localDate(new Date(), 'Asia/Jakarta');
const day = addDays(today, -1);
const meta = { bank: 'BRI', settlementDate: day };
const limits = { maxBytes: 1 << 20 };
const line = (n: number, overrides: Partial<Record<'ntpn' | 'transaction_id' | 'billing_code' | 'amount' | 'paid_at', string>> = {}) => {
  const values = { ntpn: `0A1B2C3D4E5F${String(n).padStart(4, '0')}`, transaction_id: `BRI-${n}`, billing_code: `8201${String(n).padStart(11, '0')}`, amount: '350000', paid_at: `${day}T10:15:00+07:00`, ...overrides };
  return [values.ntpn, values.transaction_id, values.billing_code, values.amount, values.paid_at].join(',');
};
const file = (...lines: string[]) => [SETTLEMENT_HEADER, ...lines].join('\n') + '\n';
const problemsOf = (text: string, options: { maxBytes: number; maxLines?: number } = limits) => {
  const parsed = parseSettlementReport(text, meta, options);
  return parsed.ok ? [] : parsed.problems;
};

describe('a settlement report', () => {
  it('reads every line, totals the rupiah, keeps each payment time in UTC and hashes the text', () => {
    const text = file(line(1), line(2, { amount: '650000', paid_at: `${day}T23:59:59.999+07:00` }), line(3, { paid_at: `${addDays(day, -3)}T01:00:00Z` }));
    const parsed = parseSettlementReport(text, meta, limits);
    expect(parsed).toEqual({
      ok: true,
      report: {
        bank: 'BRI',
        settlementDate: day,
        sha256: createHash('sha256').update(text).digest('hex'),
        total: 1_350_000,
        lines: [
          { line: 2, ntpn: '0A1B2C3D4E5F0001', transactionId: 'BRI-1', billingCode: '820100000000001', amount: 350_000, paidAt: `${addDays(day, 0)}T03:15:00.000Z` },
          { line: 3, ntpn: '0A1B2C3D4E5F0002', transactionId: 'BRI-2', billingCode: '820100000000002', amount: 650_000, paidAt: `${day}T16:59:59.999Z` },
          { line: 4, ntpn: '0A1B2C3D4E5F0003', transactionId: 'BRI-3', billingCode: '820100000000003', amount: 350_000, paidAt: `${addDays(day, -3)}T01:00:00.000Z` },
        ],
      },
    });
  });

  it('takes Windows line ends, a byte-order mark, blank lines and no final newline, and hashes the text without the mark', () => {
    const plain = file(line(1), line(2));
    const windows = `\uFEFF${SETTLEMENT_HEADER}\r\n${line(1)}\r\n\r\n${line(2)}`;
    const a = parseSettlementReport(plain, meta, limits);
    const b = parseSettlementReport(windows, meta, limits);
    expect(a.ok && b.ok && b.report.lines.map((l) => l.line)).toEqual([2, 4]);
    expect(b.ok && b.report.sha256).toBe(createHash('sha256').update(windows.slice(1)).digest('hex'));
    // A header alone is a day without payments: a valid, empty report.
    expect(parseSettlementReport(`${SETTLEMENT_HEADER}\n`, meta, limits)).toMatchObject({ ok: true, report: { lines: [], total: 0 } });
  });

  it('needs the header as its first line', () => {
    expect(problemsOf('')).toEqual([{ field: 'line 1', reason: `must be the header ${SETTLEMENT_HEADER}` }]);
    expect(problemsOf(`NTPN,transaction_id,billing_code,amount,paid_at\n${line(1)}`)).toEqual([{ field: 'line 1', reason: expect.stringContaining('must be the header') }]);
    expect(problemsOf(`${line(1)}\n${line(2)}`)[0]?.field).toBe('line 1');
  });

  it('names the line and the field of each problem, every problem of the file at once', () => {
    const text = file(
      line(1, { ntpn: '0a1b2c3d4e5f0001' }),
      line(2, { transaction_id: ' BRI-2' }),
      line(3, { billing_code: '82010000000003' }),
      line(4, { amount: '350000.00' }),
      line(5, { amount: '-350000' }),
      line(6, { amount: '0' }),
      line(7, { amount: '350.000' }),
      line(8, { paid_at: `${day}T10:15:00` }),
      line(9, { paid_at: `${day} 10:15` }),
      `${line(10)},extra`,
      line(11).split(',').slice(0, 4).join(','),
      line(12, { billing_code: '"820100000000012"' }),
      line(13, { transaction_id: '' }),
    );
    expect(problemsOf(text)).toEqual([
      { field: 'line 2.ntpn', reason: 'must be the 16-character NTPN (digits and capital letters)' },
      { field: 'line 3.transaction_id', reason: expect.stringContaining('no space at either end') },
      { field: 'line 4.billing_code', reason: 'must be the 15-digit billing code' },
      { field: 'line 5.amount', reason: expect.stringContaining('whole rupiah') },
      { field: 'line 6.amount', reason: expect.stringContaining('whole rupiah') },
      { field: 'line 7.amount', reason: expect.stringContaining('more than 0') },
      { field: 'line 8.amount', reason: expect.stringContaining('whole rupiah') },
      { field: 'line 9.paid_at', reason: expect.stringContaining('with its zone') },
      { field: 'line 10.paid_at', reason: expect.stringContaining('with its zone') },
      { field: 'line 11', reason: `has 6 fields; a line has 5: ${SETTLEMENT_HEADER}` },
      { field: 'line 12', reason: expect.stringContaining('has 4 fields') },
      { field: 'line 13.billing_code', reason: expect.stringContaining('no quoting') },
      { field: 'line 14.transaction_id', reason: expect.stringContaining('transaction id') },
    ]);
  });

  it('refuses a payment after the settlement day or long before it, such as year 9999 or year 1', () => {
    const text = file(
      line(1, { paid_at: `${addDays(day, 1)}T00:00:00+07:00` }),
      line(2, { paid_at: '9999-12-31T23:59:59Z' }),
      line(3, { paid_at: `${addDays(day, -40)}T10:00:00+07:00` }),
      line(4, { paid_at: '0001-01-01T00:00:00Z' }),
      line(5, { paid_at: `${addDays(day, -31)}T00:00:00+07:00` }),
    );
    expect(problemsOf(text)).toEqual([
      { field: 'line 2.paid_at', reason: `${addDays(day, 1)}T00:00:00+07:00 is after the settlement day ${day} (WIB)` },
      { field: 'line 3.paid_at', reason: `9999-12-31T23:59:59Z is after the settlement day ${day} (WIB)` },
      { field: 'line 4.paid_at', reason: expect.stringContaining(`more than 31 days before the settlement day ${day}`) },
      { field: 'line 5.paid_at', reason: expect.stringContaining('more than 31 days before') },
    ]);
  });

  it('refuses an NTPN or a transaction id listed twice, naming the line that has it first', () => {
    const text = file(line(1), line(2), line(3, { ntpn: '0A1B2C3D4E5F0001' }), line(4, { transaction_id: 'BRI-2' }));
    expect(problemsOf(text)).toEqual([
      { field: 'line 4.ntpn', reason: '0A1B2C3D4E5F0001 is already on line 2' },
      { field: 'line 5.transaction_id', reason: 'BRI-2 is already on line 3' },
    ]);
  });

  it('refuses what is not text: a NUL byte (naming its line), or bytes that are not UTF-8', () => {
    expect(problemsOf(file(line(1), `${line(2)}\u0000`, line(3)))).toEqual([{ field: 'line 3', reason: 'contains a NUL byte: a settlement report is text' }]);
    expect(problemsOf(file(line(1), line(2, { transaction_id: 'BRI-\uFFFD' })))).toEqual([{ field: '(file)', reason: expect.stringContaining('not UTF-8') }]);
    expect(decodeSettlementFile(Buffer.from([0x6e, 0x74, 0xff, 0x70]))).toBeUndefined();
    expect(decodeSettlementFile(Buffer.from('ntpn', 'utf8'))).toBe('ntpn');
  });

  it('has a size and a line limit', () => {
    const text = file(line(1), line(2), line(3));
    expect(problemsOf(text, { maxBytes: 100 })).toEqual([{ field: '(file)', reason: `is ${Buffer.byteLength(text)} bytes; a settlement report may be at most 100 (SETTLEMENT_MAX_BYTES)` }]);
    expect(problemsOf(text, { ...limits, maxLines: 2 })).toEqual([{ field: '(file)', reason: 'has more than 2 lines after the header' }]);
    expect(parseSettlementReport(text, meta, { ...limits, maxLines: 3 }).ok).toBe(true);
  });

  it('lists at most 50 problems, then says how many more', () => {
    const text = file(...Array.from({ length: 80 }, (_, i) => line(i + 1, { amount: 'x' })));
    const problems = problemsOf(text);
    expect(problems).toHaveLength(51);
    expect(problems.at(-1)).toEqual({ field: '(file)', reason: '30 more problems on 80 lines in all; the first 50 are listed' });
  });
});

describe('the upload\'s bank and settlement date', () => {
  it('takes a bank code of capitals and digits', () => {
    expect(bankCodeProblem('BRI')).toBeUndefined();
    expect(bankCodeProblem('MANDIRI')).toBeUndefined();
    for (const bad of ['bri', 'B', '1BRI', 'BRI-2', 'A'.repeat(17)]) expect(bankCodeProblem(bad), bad).toMatch(/must be a bank code/);
  });

  it('takes a real date from a year ago up to today (WIB), never a day to come or year 9999', () => {
    const reason = settlementDateProblem;
    expect(reason(today)).toBeUndefined();
    expect(reason(addDays(today, -366))).toBeUndefined();
    expect(reason(addDays(today, 1))).toBe(`${addDays(today, 1)} is in the future (today is ${today} WIB): a day is settled once it has begun`);
    expect(reason('9999-12-31')).toMatch(/is in the future/);
    expect(reason(addDays(today, -367))).toMatch(/more than 366 days ago/);
    for (const bad of ['2026-02-30', '27-11-2026', '2026-11-27T00:00:00Z', '']) expect(reason(bad), bad).toBe('must be a date as YYYY-MM-DD');
  });
});

describe('a settlement line as a bank transaction (the sighting the next step sends to bankTransaction)', () => {
  it('carries the bank, its own id, the NTPN, billing code, amount and payment time, from the settlement', () => {
    const line = { ntpn: '0A1B2C3D4E5F0001', transaction_id: 'BRI-1', billing_code: '820100000000001', amount: 950_000, paid_at: new Date('2026-11-27T03:15:00Z') };
    expect(settlementSighting('BRI', line)).toEqual({
      bank: 'BRI',
      transactionId: 'BRI-1',
      ntpn: '0A1B2C3D4E5F0001',
      billingCode: '820100000000001',
      amount: 950_000,
      paidAt: '2026-11-27T03:15:00.000Z',
      source: 'settlement',
    });
  });
});
