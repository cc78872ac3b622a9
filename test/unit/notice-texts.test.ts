// Every notice reads complete in both languages, with amounts in rupiah and times in the office's own zone.
import { describe, expect, it } from 'vitest';
import { LANGUAGES, formatDateTime, formatRupiah, formatTime, sessionWindow, type SessionHours } from '../../workflows/format.js';
import { bookingInvitation } from '../../activities/notices/invitation.js';
import { renderNotice, renderOfficeNotice } from '../../activities/notices/render.js';
import { ALL_NOTICE_KINDS, ALL_OFFICE_NOTICE_KINDS, SHORT_MAX, type AnyNoticeKind, type BaseContext, type NoticeContext, type NoticeFields, type OfficeNoticeContext, type OfficeNoticeFields } from '../../activities/notices/templates.js';

const jayapura: BaseContext['office'] = { name: 'Kantor Imigrasi Kelas I TPI Jayapura', address: 'Jl. Percetakan No. 15, Jayapura', timeZone: 'Asia/Jayapura' };
const palembang: BaseContext['office'] = { name: 'Kantor Imigrasi Kelas I TPI Palembang', address: 'Jl. Parameswara No. 1, Palembang', timeZone: 'Asia/Jakarta' };
const base: BaseContext = { applicationType: 'LOST', trackingCode: 'TRK-7Q2M9X', office: jayapura };

// 2026-12-07T14:59Z is 23:59 in Jayapura (WIT, +9) and 21:59 in Palembang (WIB, +7).
const deadline = new Date('2026-12-07T14:59:00Z');
const hours: SessionHours = { MORNING: ['08:00', '12:00'], AFTERNOON: ['13:00', '16:00'] };
const session = sessionWindow('2026-12-08', 'MORNING', 'Asia/Jayapura', hours);
const documents = [
  { document: 'KTP-el (electronic identity card), original', note: null, documentId: 'KTP-el asli', noteId: null },
  {
    document: 'Surat keterangan hilang from the police (Polri)',
    note: 'the report whose number you gave when applying',
    documentId: 'Surat keterangan hilang dari Kepolisian (Polri)',
    noteId: 'surat yang nomornya Anda isi saat mengajukan permohonan',
  },
];

/** One context per kind: a kind without one fails to compile. */
const FIELDS: { [K in AnyNoticeKind]: NoticeFields[K] } = {
  SUBMITTED: { billingCode: '820261207000123', amount: 650_000, paymentDeadline: deadline },
  PAYMENT_CONFIRMED: { amount: 650_000, bookingDeadline: deadline },
  BOOKING_REMINDER: { bookingDeadline: deadline },
  BOOKING_CONFIRMED: { session, documents },
  RESCHEDULED: { session, documents },
  NO_SHOW: { missed: session, rebookingAllowed: true, bookingDeadline: deadline },
  REJECTED: { reason: 'the birth certificate does not match the KTP-el' },
  EXPIRED: { billingCode: '820261207000123', cause: 'UNPAID' },
  CANCELLED: { reason: 'travel plans changed', cause: 'APPLICANT' },
  SLA_BREACHED_FREE_DELIVERY: { slaDeadline: deadline },
  READY_FOR_PICKUP: { pickupDeadline: deadline },
  PICKUP_REMINDER: { pickupDeadline: deadline },
  SENT_BY_POS: { posTrackingNumber: 'P2612070042ID' },
  DELIVERY_FAILED_BACK_AT_OFFICE: { posTrackingNumber: 'P2612070042ID', pickupDeadline: deadline },
  DELIVERY_OVERDUE: { posTrackingNumber: 'P2612070042ID', sentAt: deadline },
  SLA_AT_RISK: { slaDeadline: deadline },
  DELIVERY_AT_RISK: { posTrackingNumber: 'P2612070042ID', sentAt: deadline, deliveryDeadline: deadline },
  REFUND_OPENED: { amount: 650_000 },
  REFUND_APPROVED: { amount: 650_000 },
  REFUND_SENT: { amount: 650_000 },
  REFUNDED: { amount: 650_000 },
  REFUND_DECLINED: { amount: 650_000, reason: 'the payment was already refunded' },
  PRIORITY_NOT_CONFIRMED: { ground: 'PREGNANCY', movedTo: session },
  REGISTRY_MISMATCH: { fields: ['fullName', 'birthDate'] },
  SESSION_MOVED_BY_CLOSURE: { from: session, reason: 'the building lost power', session: sessionWindow('2026-12-09', 'AFTERNOON', 'Asia/Jayapura', hours) },
  WAITLIST_OFFER: { offered: session, offerExpiresAt: deadline },
  WAITLIST_OFFER_LAPSED: { offered: session },
};
const contextOf = <K extends AnyNoticeKind>(kind: K, office = jayapura): NoticeContext<K> => ({ ...base, office, ...FIELDS[kind] });

/** What a reader must find in the text for each field of the context, in that language. */
function expectedPieces(fields: object, lang: 'id' | 'en'): string[] {
  return Object.entries(fields).flatMap(([key, value]): string[] => {
    if (key === 'cause') return []; // chooses the text; not quoted
    if (key === 'ground') return [lang === 'id' ? 'ibu hamil' : 'pregnancy']; // the ground in the reader's words, not its code
    if (typeof value === 'string') return [value];
    if (typeof value === 'number') return [formatRupiah(value, lang)];
    if (value instanceof Date) return [formatDateTime(value, lang, jayapura.timeZone)];
    if (key === 'documents') return documents.flatMap((d) => (lang === 'id' ? [d.documentId, ...(d.noteId ? [d.noteId] : [])] : [d.document, ...(d.note ? [d.note] : [])]));
    if (key === 'movedTo') return [formatTime(session.start, lang, jayapura.timeZone), formatTime(session.end, lang, jayapura.timeZone)];
    if (key === 'session' || key === 'missed') return [formatTime(session.start, lang, jayapura.timeZone), formatTime(session.end, lang, jayapura.timeZone)];
    return [];
  });
}

describe('notice texts', () => {
  it.each(ALL_NOTICE_KINDS.flatMap((kind) => LANGUAGES.map((lang) => [kind, lang] as const)))('%s in %s is complete', (kind, lang) => {
    const text = renderNotice(kind, contextOf(kind), lang);
    const all = `${text.subject}\n${text.body}`;
    expect(text.subject.length).toBeGreaterThan(5);
    expect(all).not.toMatch(/undefined|null|NaN|Invalid Date|\$\{|\[object/);
    expect(all).toContain(base.trackingCode);
    for (const piece of expectedPieces(FIELDS[kind], lang)) expect(all).toContain(piece);
  });

  it('writes Bahasa Indonesia by default and English on request', () => {
    const id = renderNotice('PAYMENT_CONFIRMED', contextOf('PAYMENT_CONFIRMED'));
    const en = renderNotice('PAYMENT_CONFIRMED', contextOf('PAYMENT_CONFIRMED'), 'en');
    expect(id.subject).toBe('Pembayaran diterima: TRK-7Q2M9X');
    expect(en.subject).toBe('Payment received: TRK-7Q2M9X');
    expect(id.body).toContain('Rp 650.000');
    expect(id.body).toContain('Senin, 7 Desember 2026 pukul 23.59 WIT');
    expect(en.body).toContain('IDR 650,000');
    expect(en.body).toContain('Monday, 7 December 2026 at 23:59 WIT');
  });

  it("shows the same deadline in each office's own zone", () => {
    const inJayapura = renderNotice('SUBMITTED', contextOf('SUBMITTED', jayapura), 'en').body;
    const inPalembang = renderNotice('SUBMITTED', contextOf('SUBMITTED', palembang), 'en').body;
    expect(inJayapura).toContain('Pay before: Monday, 7 December 2026 at 23:59 WIT');
    expect(inPalembang).toContain('Pay before: Monday, 7 December 2026 at 21:59 WIB');
  });

  it('puts a morning session at 08:00-12:00 on the office clock', () => {
    const text = renderNotice('BOOKING_CONFIRMED', contextOf('BOOKING_CONFIRMED'), 'id').body;
    expect(text).toContain('Jadwal Anda: Selasa, 8 Desember 2026, 08.00 WIT - 12.00 WIT');
    expect(session.start.toISOString()).toBe('2026-12-07T23:00:00.000Z');
  });

  it('names the office, its address and the documents to bring in a booking confirmation', () => {
    const { body } = renderNotice('BOOKING_CONFIRMED', contextOf('BOOKING_CONFIRMED'), 'en');
    expect(body).toContain('Place: Kantor Imigrasi Kelas I TPI Jayapura, Jl. Percetakan No. 15, Jayapura');
    expect(body).toContain('Documents to bring (originals):\n- KTP-el (electronic identity card), original\n- Surat keterangan hilang from the police (Polri) (the report whose number you gave when applying)');
  });

  it('refuses an office zone it cannot name rather than print a wrong time', () => {
    expect(() => renderNotice('BOOKING_REMINDER', contextOf('BOOKING_REMINDER', { ...jayapura, timeZone: 'Europe/Paris' }))).toThrow(/time zone/);
  });
});

describe('booking invitation (.ics)', () => {
  it("holds the session's start and end as exact instants, named in the office's zone", () => {
    const ics = bookingInvitation(contextOf('BOOKING_CONFIRMED'), 'en').replace(/\r\n[ \t]/g, ''); // unfold long lines
    // 08:00-12:00 WIT (+9) on 8 December is 23:00-03:00 UTC.
    expect(ics).toContain('DTSTART:20261207T230000Z');
    expect(ics).toContain('DTEND:20261208T030000Z');
    expect(ics).toContain('SUMMARY:Passport interview (TRK-7Q2M9X)');
    expect(ics).toContain('08:00 WIT - 12:00 WIT');
    expect(ics).toMatch(/LOCATION:Kantor Imigrasi Kelas I TPI Jayapura\\, Jl. Percetakan No. 15\\, Jayapura/);
  });

  it('keeps one event per application: a reschedule replaces the booked session in the calendar (same UID, higher SEQUENCE)', () => {
    const booked = bookingInvitation(contextOf('BOOKING_CONFIRMED'), 'id', 41);
    const later = { start: new Date(session.start.getTime() + 86_400_000), end: new Date(session.end.getTime() + 86_400_000) };
    const moved = bookingInvitation({ ...contextOf('RESCHEDULED'), session: later }, 'id', 57);
    const uid = (ics: string) => /UID:(.+)\r\n/.exec(ics)?.[1];
    expect(uid(moved)).toBe(uid(booked));
    expect(booked).toContain('SEQUENCE:41');
    expect(moved).toContain('SEQUENCE:57');
  });
});

describe('short texts (WhatsApp/SMS)', () => {
  it.each(ALL_NOTICE_KINDS.flatMap((kind) => LANGUAGES.map((lang) => [kind, lang] as const)))('%s in %s is short, plain and carries the tracking code', (kind, lang) => {
    const { short } = renderNotice(kind, contextOf(kind), lang);
    expect(short.length).toBeLessThanOrEqual(SHORT_MAX);
    expect(short).toContain(lang === 'id' ? `Kode pelacakan: ${base.trackingCode}` : `Tracking code: ${base.trackingCode}`);
    expect(short).not.toMatch(/terlampir|attached|undefined|<[a-z]/);
  });

  it('cuts a very long reason at a line, keeping the tracking code', () => {
    const { short } = renderNotice('REJECTED', { ...contextOf('REJECTED'), reason: `${'x'.repeat(600)}\n${'y'.repeat(600)}` }, 'en');
    expect(short.length).toBeLessThanOrEqual(SHORT_MAX);
    expect(short).toContain('x'.repeat(600));
    expect(short).not.toContain('yyy');
    expect(short.endsWith(`…\n\nTracking code: ${base.trackingCode}`)).toBe(true);
  });
});

describe('why an application ended', () => {
  it('tells an applicant who paid and never booked that no session was booked, not that nothing was paid', () => {
    const unbooked = renderNotice('EXPIRED', { ...contextOf('EXPIRED'), cause: 'NOT_BOOKED' }, 'id');
    expect(unbooked.body).toContain('tidak memilih jadwal wawancara');
    expect(unbooked.body).not.toContain('Pembayaran untuk kode billing');
    expect(renderNotice('EXPIRED', { ...contextOf('EXPIRED'), cause: 'NOT_BOOKED' }, 'en').body).toContain('No interview session was booked');
    // Unpaid: never "nothing was charged" (a payment whose callback was lost is refunded once the bank reports it).
    const unpaid = renderNotice('EXPIRED', contextOf('EXPIRED'), 'en').body;
    expect(unpaid).toContain('No payment for billing code');
    expect(unpaid).toContain('refunded automatically');
    expect(unpaid).not.toMatch(/nothing was charged/i);
  });

  it('names the data the registry did not confirm and what to do, in both languages', () => {
    const id = renderNotice('REGISTRY_MISMATCH', contextOf('REGISTRY_MISMATCH'), 'id');
    expect(id.body).toContain('nama lengkap dan tanggal lahir');
    expect(id.body).toContain('ajukan permohonan baru');
    const en = renderNotice('REGISTRY_MISMATCH', { ...contextOf('REGISTRY_MISMATCH'), fields: ['nik'] }, 'en');
    expect(en.body).toContain('does not confirm the NIK you gave');
    expect(en.body).toContain('apply again');
    expect(en.short).toContain(base.trackingCode);
  });

  it('says a passport not collected is cancelled under the regulation in the notice’s language, without the system’s English reason', () => {
    const reason = 'not collected within the pickup window; cancelled under the regulation';
    const lapsed = renderNotice('CANCELLED', { ...contextOf('CANCELLED'), reason, cause: 'NOT_COLLECTED' }, 'id');
    expect(lapsed.body).toContain('tidak diambil');
    expect(lapsed.body).not.toContain(reason);
    expect(renderNotice('CANCELLED', contextOf('CANCELLED'), 'id').body).toContain('Alasan: travel plans changed');
    // An applicant who gave no reason is quoted nothing, not the audit log's English default.
    const { reason: _none, ...noReason } = contextOf('CANCELLED');
    expect(renderNotice('CANCELLED', noReason, 'id').body).not.toContain('Alasan');
  });
});

describe('the SLA breach notice', () => {
  it('says what the service records, the breach and a free Pos delivery, and promises no money', () => {
    const id = renderNotice('SLA_BREACHED_FREE_DELIVERY', contextOf('SLA_BREACHED_FREE_DELIVERY'), 'id');
    const en = renderNotice('SLA_BREACHED_FREE_DELIVERY', contextOf('SLA_BREACHED_FREE_DELIVERY'), 'en');
    expect(id.body).toContain('batas layanan kami, Senin, 7 Desember 2026 pukul 23.59 WIT');
    expect(id.body).toContain('dikirim oleh Pos Indonesia ke alamat pengiriman Anda tanpa biaya');
    expect(en.body).toContain('sent to your delivery address by Pos Indonesia free of charge');
    for (const text of [id, en]) expect(`${text.subject}\n${text.body}`).not.toMatch(/Rp|IDR/);
  });
});

describe('session hours', () => {
  it("follow the office's own hours", () => {
    const afternoon = sessionWindow('2026-12-08', 'AFTERNOON', 'Asia/Makassar', { ...hours, AFTERNOON: ['13:30', '15:30'] });
    expect(afternoon.start.toISOString()).toBe('2026-12-08T05:30:00.000Z');
    expect(renderNotice('RESCHEDULED', { ...contextOf('RESCHEDULED', { ...jayapura, timeZone: 'Asia/Makassar' }), session: afternoon }, 'en').body).toContain(
      'Your session: Tuesday, 8 December 2026, 13:30 WITA - 15:30 WITA',
    );
  });

  it('list the documents in Bahasa Indonesia in an Indonesian notice, in English otherwise, and fall back to English when not loaded', () => {
    expect(renderNotice('BOOKING_CONFIRMED', contextOf('BOOKING_CONFIRMED'), 'id').body).toContain(
      'Dokumen yang harus dibawa (asli):\n- KTP-el asli\n- Surat keterangan hilang dari Kepolisian (Polri) (surat yang nomornya Anda isi saat mengajukan permohonan)',
    );
    const untranslated = documents.map((d) => ({ ...d, documentId: null, noteId: null }));
    expect(renderNotice('BOOKING_CONFIRMED', { ...contextOf('BOOKING_CONFIRMED'), documents: untranslated }, 'id').body).toContain('- KTP-el (electronic identity card), original');
  });
});

describe('office notices', () => {
  const OFFICE_FIELDS: { [K in (typeof ALL_OFFICE_NOTICE_KINDS)[number]]: OfficeNoticeFields[K] } = {
    REFUND_ESCALATED: { refundId: 'refund-BRI-42', billingCode: '820261207000123', amount: 650_000, transferAttempts: 3, openedAt: deadline, trackingCode: null },
  };
  it.each(ALL_OFFICE_NOTICE_KINDS.flatMap((kind) => LANGUAGES.map((lang) => [kind, lang] as const)))('%s in %s is complete', (kind, lang) => {
    const context: OfficeNoticeContext<typeof kind> = { office: jayapura, ...OFFICE_FIELDS[kind] };
    const text = renderOfficeNotice(kind, context, lang);
    const all = `${text.subject}\n${text.body}\n${text.short}`;
    expect(all).not.toMatch(/undefined|null|NaN|Invalid Date|\$\{|\[object/);
    expect(all).toContain('refund-BRI-42');
    expect(all).toContain(formatRupiah(650_000, lang));
    expect(all).toContain(formatDateTime(deadline, lang, jayapura.timeZone));
    expect(text.body.startsWith(jayapura.name)).toBe(true);
  });
});
