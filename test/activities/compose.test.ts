// A recorded notice composed from the real database: the office's zone, hours and address, the documents in the
// applicant's language, the calendar invitation and a QR code that scans back to the tracking code; nothing personal.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { composeNotice, type ComposedNotice } from '../../activities/notices/compose.js';
import { SHORT_MAX } from '../../activities/notices/templates.js';
import { createDb } from '../../db/connect.js';
import { scanQr } from '../support/qr.js';
import type { NoticeKind } from '../../workflows/definitions.js';

const db = createDb(inject('databaseUrl'), { max: 4 });
afterAll(() => db.destroy());

/** The personal data every test application carries: none of it may appear in a composed notice. */
const PERSONAL = { full_name: 'Siti Rahmawati Lamaluta', email: 'siti.rahma@example.id', phone: '+6281234567890' };
/** One active application per NIK: each test application has its own. */
const nikOf = (id: string) => `7271${id.replace(/\D/g, '').padEnd(12, '1').slice(0, 12)}`;
const niks: string[] = [];

async function application(opts: { officeCode: string; language: 'id' | 'en'; type: 'NEW' | 'LOST' }) {
  const id = randomUUID();
  const trackingCode = `TRK-${id.slice(0, 8).toUpperCase()}`;
  const billingCode = randomUUID().replace(/\D/g, '').padEnd(15, '3').slice(0, 15);
  await db
    .insertInto('applications')
    .values({
      id,
      tracking_code: trackingCode,
      billing_code: billingCode,
      application_type: opts.type,
      product: 'ORDINARY_5Y',
      office_code: opts.officeCode,
      amount: 350_000,
      ...PERSONAL,
      nik: nikOf(id),
      birth_date: '1990-01-01',
      delivery_method: 'PICKUP',
      delivery_address: 'Jl. Rahasia No. 9, Palu',
      stage: 'AWAITING_PAYMENT',
      stage_entered_at: new Date(),
      payment_deadline: '2026-12-07T06:30:00Z', // 14:30 in Palu (WITA, +8)
      language: opts.language,
    })
    .execute();
  niks.push(nikOf(id));
  return { id, trackingCode, billingCode };
}

async function notice(applicationId: string, kind: NoticeKind, details: object): Promise<string> {
  const row = await db
    .insertInto('notifications')
    .values({ application_id: applicationId, effect_key: `${kind}-${randomUUID()}`, kind, details: JSON.stringify(details), created_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const everything = (n: ComposedNotice) => [n.subject, n.text, n.short, n.html, ...n.attachments.map((a) => a.content.toString())].join('\n');
function expectNothingPersonal(n: ComposedNotice) {
  const all = everything(n);
  for (const value of [...Object.values(PERSONAL), ...niks, 'Siti', 'Jl. Rahasia']) expect(all).not.toContain(value);
}

describe('composeNotice', () => {
  it('writes a booking confirmation in Bahasa Indonesia, on the office clock (WITA), with the documents, .ics and QR', async () => {
    const app = await application({ officeCode: 'PLU', language: 'id', type: 'LOST' });
    const noticeId = await notice(app.id, 'BOOKING_CONFIRMED', { appointment: { date: '2026-12-08', session: 'AFTERNOON' } });
    const n = (await composeNotice(db, { source: 'application', noticeId }))!;

    expect(n).toMatchObject({ kind: 'BOOKING_CONFIRMED', audience: 'applicant', language: 'id', subject: `Jadwal wawancara terkonfirmasi: ${app.trackingCode}` });
    expect(n.text).toContain('Jadwal Anda: Selasa, 8 Desember 2026, 13.00 WITA - 16.00 WITA');
    expect(n.text).toContain('Tempat: Kantor Imigrasi Kelas I TPI Palu, Jl. Kartini No. 41');
    expect(n.text).toContain('- Surat keterangan hilang dari Kepolisian (Polri) (surat yang nomornya Anda isi saat mengajukan permohonan)');
    expect(n.text).toContain('- KTP-el asli');
    expect(n.text).not.toContain('from the police');
    expect(n.text).toContain('Undangan kalender terlampir.');

    expect(n.short.length).toBeLessThanOrEqual(SHORT_MAX);
    expect(n.short).toContain(`Kode pelacakan: ${app.trackingCode}`);
    expect(n.short).toContain('13.00 WITA - 16.00 WITA');
    expect(n.short).not.toContain('terlampir'); // WhatsApp/SMS carry no attachment

    const [ics, qr] = n.attachments;
    expect(ics).toMatchObject({ filename: 'jadwal-wawancara.ics', contentType: expect.stringMatching(/^text\/calendar/) });
    const calendar = String(ics!.content).replace(/\r\n[ \t]/g, '');
    expect(calendar).toContain('DTSTART:20261208T050000Z'); // 13:00 WITA
    expect(calendar).toContain('DTEND:20261208T080000Z');
    expect(calendar).toContain(`SUMMARY:Wawancara paspor (${app.trackingCode})`);

    expect(qr).toMatchObject({ contentType: 'image/png', cid: expect.any(String) });
    expect(scanQr(qr!.content as Buffer)).toBe(app.trackingCode);
    expect(n.html).toContain(`<img src="cid:${qr!.cid}"`);
    expect(n.html).toContain('<html lang="id">');
    expect(n.html).toContain('Kantor Imigrasi Kelas I TPI Palu');
    expectNothingPersonal(n);
  });

  it("writes in English when the applicant chose it, with rupiah and the office's zone", async () => {
    const app = await application({ officeCode: 'PLU', language: 'en', type: 'NEW' });
    const n = (await composeNotice(db, { source: 'application', noticeId: await notice(app.id, 'SUBMITTED', {}) }))!;
    expect(n).toMatchObject({ kind: 'SUBMITTED', audience: 'applicant', language: 'en' });
    expect(n.subject).toBe(`Application received: pay IDR 350,000 with billing code ${app.billingCode}`);
    expect(n.text).toContain('Pay before: Monday, 7 December 2026 at 14:30 WITA');
    expect(n.short).toContain(`Tracking code: ${app.trackingCode}`);
    expect(n.attachments.map((a) => a.contentType)).toEqual(['image/png']); // no invitation: nothing is booked
    expectNothingPersonal(n);
  });

  it("escapes what an officer typed, in the HTML", async () => {
    const app = await application({ officeCode: 'JPR', language: 'en', type: 'NEW' });
    const n = (await composeNotice(db, { source: 'application', noticeId: await notice(app.id, 'REJECTED', { reason: 'photo <b>blurred</b> & "torn"' }) }))!;
    expect(n.text).toContain('Reason: photo <b>blurred</b> & "torn"');
    expect(n.html).toContain('Reason: photo &lt;b&gt;blurred&lt;/b&gt; &amp; &quot;torn&quot;');
    expect(n.html).not.toContain('<b>');
  });

  it('sends a Pos delivery overdue to the office, in Bahasa Indonesia whatever the applicant chose', async () => {
    const app = await application({ officeCode: 'JPR', language: 'en', type: 'NEW' });
    const noticeId = await notice(app.id, 'DELIVERY_OVERDUE', { posTrackingNumber: 'P2612070042ID', sentAt: '2026-12-01T01:00:00Z' });
    const n = (await composeNotice(db, { source: 'application', noticeId }))!;
    expect(n).toMatchObject({ kind: 'DELIVERY_OVERDUE', audience: 'office', language: 'id' });
    expect(n.text).toContain('Selasa, 1 Desember 2026 pukul 10.00 WIT');
    expect(n.text).toContain('P2612070042ID');
    expectNothingPersonal(n);
  });

  it('writes an office notice (a refund the bank never confirmed) for the office staff', async () => {
    const app = await application({ officeCode: 'PLU', language: 'en', type: 'NEW' });
    const refundId = `refund-BRI-${randomUUID()}`;
    const at = new Date('2026-12-02T02:00:00Z');
    await db
      .insertInto('refunds')
      .values({ refund_id: refundId, bank: 'BRI', transaction_id: randomUUID(), ntpn: '0123456789ABCDEF', billing_code: app.billingCode, amount: 650_000, paid_at: at, reason: 'paid twice', application_id: app.id, office_code: 'PLU', stage: 'ESCALATED', stage_seq: 5, stage_entered_at: at, transfer_attempts: 3, opened_at: at, updated_at: at })
      .execute();
    const row = await db
      .insertInto('office_notices')
      .values({ office_code: 'PLU', effect_key: `${refundId}:REFUND_ESCALATED`, kind: 'REFUND_ESCALATED', refund_id: refundId, created_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    const n = (await composeNotice(db, { source: 'office', noticeId: row.id }))!;
    expect(n).toMatchObject({ kind: 'REFUND_ESCALATED', audience: 'office', language: 'id', attachments: [] });
    expect(n.subject).toBe(`Pengembalian dana belum dikonfirmasi bank: ${refundId}`);
    expect(n.text).toContain(`Pengembalian Rp 650.000 (kode billing ${app.billingCode}, permohonan ${app.trackingCode}), dibuka Rabu, 2 Desember 2026 pukul 10.00 WITA`);
    expect(n.text).toContain('setelah 3 kali transfer');
    expect(n.short).toContain(`Kode pelacakan: ${app.trackingCode}`);
    expectNothingPersonal(n);
  });

  it('answers undefined for a notice that does not exist, and names a detail the record lacks', async () => {
    expect(await composeNotice(db, { source: 'application', noticeId: '999999999' })).toBeUndefined();
    expect(await composeNotice(db, { source: 'office', noticeId: '999999999' })).toBeUndefined();
    const app = await application({ officeCode: 'WSB', language: 'id', type: 'NEW' });
    const noticeId = await notice(app.id, 'PAYMENT_CONFIRMED', {});
    await expect(composeNotice(db, { source: 'application', noticeId })).rejects.toThrow(`notice ${noticeId} (PAYMENT_CONFIRMED) cannot be written: details.bookingDeadline must be an ISO instant`);
  });
});
