// The bank's signed settlement upload end to end, as the bank sends it (a CSV signed over its raw bytes):
// stored once, a correction kept and flagged, every refusal leaving nothing stored; and the directorate's view.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders, signedSettlementHeaders } from '../../api/signatures.js';
import { SETTLEMENT_HEADER } from '../../db/settlements.js';
import { addDays, localDate } from '../../workflows/calendar.js';
import { startService } from '../support/service.js';
import { settlementCsv } from '../support/settlements.js';

let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

const today = localDate(new Date(), 'Asia/Jakarta');
const day = addDays(today, -1);
/** A bank code of this test's own, so its reports are the only ones of that bank and day. */
const bankCode = () => `T${randomInt(100_000, 999_999)}`;
const csv = (bank: string, count: number) => settlementCsv(bank, day, count);

/** As the bank sends it: the CSV signed with its bank and day over its raw text, content-type text/csv. */
const upload = (bank: string, body: string, options: { date?: string; now?: number; url?: string } = {}) => {
  const date = options.date ?? day;
  const headers = signedSettlementHeaders(s.config.BANK_CALLBACK_SECRET, { bank, date, csv: body }, options.now);
  const path = `/callbacks/bank/settlements?bank=${bank}&date=${date}`;
  return { headers, send: (h: Record<string, string> = headers) => s.call('POST', path, body, h) };
};
const storedFor = async (bank: string) => {
  const reports = await s.db.selectFrom('settlement_reports').select(['id', 'revision', 'line_count', 'total_amount', 'source']).where('bank', '=', bank).orderBy('revision').execute();
  const lines = await s.db.selectFrom('settlement_lines').innerJoin('settlement_reports', 'settlement_reports.id', 'settlement_lines.report_id').select((eb) => eb.fn.countAll<string>().as('n')).where('settlement_reports.bank', '=', bank).executeTakeFirstOrThrow();
  return { reports, lines: Number(lines.n) };
};

describe('the signed settlement upload', () => {
  it('stores a report once: 201 with its counts, then 200 "already received" for the same file, and a replay is refused', async () => {
    const bank = bankCode();
    const body = csv(bank, 3);
    const first = upload(bank, body);
    const stored = await first.send();
    expect(stored).toMatchObject({ status: 201, body: { status: 'stored', bank, settlementDate: day, revision: 1, correction: false, lines: 3, totalAmount: 2_850_000 } });
    expect(stored.body.reportId).toMatch(/^[0-9a-f-]{36}$/);

    // The same request again (a replay of its signature) is refused before anything else.
    expect(await first.send()).toMatchObject({ status: 401, body: { detail: expect.stringContaining('replay') } });
    // The same file, freshly signed (the bank retries): already received, the same report, nothing new.
    const again = await upload(bank, body, { now: Date.now() + 1000 }).send();
    expect(again).toMatchObject({ status: 200, body: { status: 'already received', reportId: stored.body.reportId, revision: 1, lines: 3 } });
    expect(await storedFor(bank)).toEqual({ reports: [{ id: stored.body.reportId, revision: 1, line_count: 3, total_amount: 2_850_000, source: 'upload' }], lines: 3 });
    // The same bytes for another day are that day's report: a day without payments has the same file as another.
    const empty = `${SETTLEMENT_HEADER}\n`;
    expect(await upload(bank, empty, { date: addDays(day, -1) }).send()).toMatchObject({ status: 201, body: { revision: 1, lines: 0, settlementDate: addDays(day, -1) } });
    expect(await upload(bank, empty, { date: addDays(day, -2), now: Date.now() + 1000 }).send()).toMatchObject({ status: 201, body: { revision: 1, lines: 0, settlementDate: addDays(day, -2) } });
  });

  it('keeps a different file for the same bank and day as a correction, flagged by its revision', async () => {
    const bank = bankCode();
    const original = await upload(bank, csv(bank, 2)).send();
    const corrected = await upload(bank, csv(bank, 3)).send();
    expect(corrected).toMatchObject({ status: 201, body: { status: 'stored', revision: 2, correction: true, lines: 3 } });
    expect(corrected.body.reportId).not.toBe(original.body.reportId);
    // Both kept; the original again is still "already received" as revision 1, not a third revision.
    expect(await upload(bank, csv(bank, 2), { now: Date.now() + 1000 }).send()).toMatchObject({ status: 200, body: { revision: 1, reportId: original.body.reportId } });
    expect((await storedFor(bank)).reports.map((r) => [r.revision, r.line_count])).toEqual([[1, 2], [2, 3]]);
  });

  it('refuses a wrong or missing signature, or a stale one, storing nothing', async () => {
    const bank = bankCode();
    const body = csv(bank, 1);
    const { headers, send } = upload(bank, body);
    expect(await send({ ...headers, 'x-signature': `sha256=${'0'.repeat(64)}` })).toMatchObject({ status: 401, body: { detail: 'the signature does not match' } });
    expect(await send({ 'content-type': 'text/csv' })).toMatchObject({ status: 401, contentType: expect.stringContaining('problem+json') });
    expect(await send({ ...headers, 'x-signature': signedHeaders('another-secret-of-16+', body)['x-signature']! })).toMatchObject({ status: 401 });
    expect(await upload(bank, body, { now: Date.now() - 3_600_000 }).send()).toMatchObject({ status: 401, body: { detail: 'the signature timestamp is stale' } });
    // The body signed is the body read: one byte more and the signature no longer matches.
    expect(await s.call('POST', `/callbacks/bank/settlements?bank=${bank}&date=${day}`, `${body}\n`, headers)).toMatchObject({ status: 401 });
    // The bank and the day are signed too: the same signed file filed under another bank or day is refused.
    expect(await s.call('POST', `/callbacks/bank/settlements?bank=${bankCode()}&date=${day}`, body, headers)).toMatchObject({ status: 401, body: { detail: 'the signature does not match' } });
    expect(await s.call('POST', `/callbacks/bank/settlements?bank=${bank}&date=${addDays(day, -1)}`, body, headers)).toMatchObject({ status: 401, body: { detail: 'the signature does not match' } });
    expect(await storedFor(bank)).toEqual({ reports: [], lines: 0 });
  });

  it('answers bad lines with a 400 naming each line and field, and bad query or media type clearly, storing nothing', async () => {
    const bank = bankCode();
    const good = csv(bank, 3).trimEnd().split('\n');
    const bad = [good[0], good[1], good[2]!.replace(',950000,', ',950000.00,'), good[3]!.replace(/,[^,]+$/, `,${day}T09:00:00`), good[1]!.replace(`${bank}-1,`, `${bank}-9,`)].join('\n');
    const answer = await upload(bank, bad).send();
    expect(answer).toMatchObject({
      status: 400,
      contentType: expect.stringContaining('application/problem+json'),
      body: {
        type: '/problems/validation',
        detail: expect.stringMatching(/^the report was not stored: line 3\.amount: must be whole rupiah/),
        errors: [
          { field: 'line 3.amount', reason: expect.stringContaining('whole rupiah') },
          { field: 'line 4.paid_at', reason: expect.stringContaining('with its zone') },
          { field: 'line 5.ntpn', reason: expect.stringContaining('is already on line 2') },
        ],
      },
    });
    expect((await upload(bank, `${csv(bank, 1)}\u0000`).send()).body.errors).toEqual([{ field: 'line 3', reason: expect.stringContaining('NUL') }]);

    const query = await upload('bri', csv(bank, 1), { date: '9999-12-31' }).send();
    expect(query).toMatchObject({ status: 400 });
    expect(query.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['query.bank', 'query.date']);
    const { headers, send } = upload(bank, csv(bank, 1));
    expect(await send({ ...headers, 'content-type': 'application/json' })).toMatchObject({ status: 415, body: { detail: 'send the report with content-type: text/csv' } });
    expect(await storedFor(bank)).toEqual({ reports: [], lines: 0 });
  });

  it('takes a report far larger than a callback, and refuses one above SETTLEMENT_MAX_BYTES with 413', async () => {
    const bank = bankCode();
    const large = csv(bank, 1500); // ~130 KB: twice MAX_BODY_BYTES
    expect(Buffer.byteLength(large)).toBeGreaterThan(s.config.MAX_BODY_BYTES);
    expect(await upload(bank, large).send()).toMatchObject({ status: 201, body: { lines: 1500, totalAmount: 1500 * 950_000 } });

    const small = await s.listenWith({ SETTLEMENT_MAX_BYTES: '50000' });
    const other = bankCode();
    const body = csv(other, 1500);
    const tooLarge = await small.call('POST', `/callbacks/bank/settlements?bank=${other}&date=${day}`, body, signedSettlementHeaders(s.config.BANK_CALLBACK_SECRET, { bank: other, date: day, csv: body }));
    expect(tooLarge).toMatchObject({ status: 413, body: { type: '/problems/too-large', detail: 'the body may be at most 50000 bytes (SETTLEMENT_MAX_BYTES)' } });
    expect(await storedFor(other)).toEqual({ reports: [], lines: 0 });
    // Every other route keeps MAX_BODY_BYTES.
    const payment = await small.call('POST', '/callbacks/bank/payments', { padding: 'x'.repeat(70_000) });
    expect(payment).toMatchObject({ status: 413, body: { detail: expect.stringContaining('MAX_BODY_BYTES') } });
  });
});

describe('GET /manager/reconciliation', () => {
  it("is the directorate's: an office's manager is refused, and a stored report waits for the daily run", async () => {
    const bank = bankCode();
    const stored = await upload(bank, csv(bank, 2)).send();
    expect(stored.status).toBe(201);
    const office = { authorization: `Bearer ${await s.managerToken('PLU')}` };
    expect(await s.call('GET', `/manager/reconciliation?date=${day}`, undefined, office)).toMatchObject({ status: 403, body: { detail: expect.stringContaining('directorate') } });
    const directorate = { authorization: `Bearer ${await s.managerToken('*')}` };
    const view = await s.call('GET', `/manager/reconciliation?date=${day}&bank=${bank}`, undefined, directorate);
    expect(view).toMatchObject({ status: 200, body: { date: day, days: [], awaiting: [{ reportId: stored.body.reportId, bank, revision: 1, lines: 2, totalAmount: 1_900_000 }] } });
    // Yesterday (WIB) unless asked; a day to come is refused.
    expect((await s.call('GET', '/manager/reconciliation', undefined, directorate)).body.date).toBe(day);
    expect(await s.call('GET', `/manager/reconciliation?date=${addDays(today, 1)}`, undefined, directorate)).toMatchObject({ status: 400, body: { errors: [{ field: 'query.date' }] } });
  });
});
