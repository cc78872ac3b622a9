// The text of every notice, in Bahasa Indonesia (the default) and English, built from a small typed context.
// Pure: compose.ts reads the notice, application, office and documents, builds the context and renders.
import { NOTICE_KINDS, OFFICE_NOTICE_KINDS, type ApplicationType, type RegistryMismatchField, type NoticeKind, type OfficeNoticeKind, type PriorityGround } from '../../workflows/definitions.js';
import { formatDate, formatDateTime, formatRupiah, formatTime, type Language } from '../../workflows/format.js';

/** Every notice about an application this module can write. */
export const ALL_NOTICE_KINDS = NOTICE_KINDS;
export type AnyNoticeKind = NoticeKind;
/** Every notice to an office's staff (office_notices) this module can write. */
export const ALL_OFFICE_NOTICE_KINDS = OFFICE_NOTICE_KINDS;

/** A document to bring, as document_requirements holds it: English, and Bahasa Indonesia when loaded. */
export interface DocumentToBring {
  document: string;
  note: string | null;
  documentId: string | null;
  noteId: string | null;
}
export interface OfficeInfo {
  name: string;
  address: string;
  /** IANA zone of the office (offices.time_zone): every date and time is shown in it. */
  timeZone: string;
}
/** What every notice about an application knows: nothing personal (no name, email, phone or NIK). */
export interface BaseContext {
  applicationType: ApplicationType;
  trackingCode: string;
  office: OfficeInfo;
}
/** A booked session as instants, from the office's own session hours. */
export interface SessionTimes {
  start: Date;
  end: Date;
}
/** The fields each kind needs beyond the base: its recorded details, plus the application's codes and amount. */
export interface NoticeFields {
  SUBMITTED: { billingCode: string; amount: number; paymentDeadline: Date };
  PAYMENT_CONFIRMED: { amount: number; bookingDeadline: Date };
  BOOKING_REMINDER: { bookingDeadline: Date };
  BOOKING_CONFIRMED: { session: SessionTimes; documents: DocumentToBring[] };
  RESCHEDULED: { session: SessionTimes; documents: DocumentToBring[] };
  NO_SHOW: { missed: SessionTimes; rebookingAllowed: boolean; bookingDeadline?: Date };
  REJECTED: { reason: string };
  EXPIRED: { billingCode: string; cause: 'UNPAID' | 'NOT_BOOKED' };
  CANCELLED: { reason?: string; cause: 'APPLICANT' | 'NOT_COLLECTED' };
  SLA_BREACHED_FREE_DELIVERY: { slaDeadline: Date };
  READY_FOR_PICKUP: { pickupDeadline: Date };
  PICKUP_REMINDER: { pickupDeadline: Date };
  SENT_BY_POS: { posTrackingNumber: string };
  DELIVERY_FAILED_BACK_AT_OFFICE: { posTrackingNumber: string; pickupDeadline: Date };
  DELIVERY_OVERDUE: { posTrackingNumber: string; sentAt: Date };
  SLA_AT_RISK: { slaDeadline: Date };
  DELIVERY_AT_RISK: { posTrackingNumber: string; sentAt: Date; deliveryDeadline: Date };
  REFUND_OPENED: { amount: number };
  REFUND_APPROVED: { amount: number };
  REFUND_SENT: { amount: number };
  REFUNDED: { amount: number };
  REFUND_DECLINED: { amount: number; reason: string };
  /** `ground`: read from the application row when sending (never in the notice's details or a workflow). */
  PRIORITY_NOT_CONFIRMED: { ground: PriorityGround; movedTo?: SessionTimes; bookingDeadline?: Date };
  REGISTRY_MISMATCH: { fields: RegistryMismatchField[] };
  /** `session`: the session moved to (with its calendar invitation); without one, `bookingDeadline` to book again. */
  SESSION_MOVED_BY_CLOSURE: { from: SessionTimes; reason: string; session?: SessionTimes; bookingDeadline?: Date };
  WAITLIST_OFFER: { offered: SessionTimes; offerExpiresAt: Date };
  WAITLIST_OFFER_LAPSED: { offered: SessionTimes };
}
export type NoticeContext<K extends AnyNoticeKind> = BaseContext & NoticeFields[K];

/** What an office notice knows: the office and the refund (codes and amounts), nothing personal. */
export interface OfficeNoticeFields {
  REFUND_ESCALATED: { refundId: string; billingCode: string; amount: number; transferAttempts: number; openedAt: Date; trackingCode: string | null };
}
export type OfficeNoticeContext<K extends OfficeNoticeKind> = { office: OfficeInfo } & OfficeNoticeFields[K];

export interface NoticeText {
  subject: string;
  /** The full text (email): opens with the application and its tracking code. */
  body: string;
  /** WhatsApp/SMS: plain, short, always with the tracking code, without what only an email carries (attachments). */
  short: string;
}

/** Helpers a template uses, bound to the language and the office's zone. */
export interface Fmt {
  lang: Language;
  rp: (amount: number) => string;
  when: (instant: Date) => string;
  day: (instant: Date) => string;
  time: (instant: Date) => string;
}
export const formatterFor = (lang: Language, timeZone: string): Fmt => ({
  lang,
  rp: (amount) => formatRupiah(amount, lang),
  when: (instant) => formatDateTime(instant, lang, timeZone),
  day: (instant) => formatDate(instant, lang, timeZone),
  time: (instant) => formatTime(instant, lang, timeZone),
});

const TYPE_NAMES: Record<ApplicationType, Record<Language, string>> = {
  NEW: { id: 'paspor baru', en: 'new passport' },
  RENEWAL: { id: 'penggantian paspor habis berlaku', en: 'passport renewal' },
  LOST: { id: 'penggantian paspor hilang', en: 'replacement of a lost passport' },
  DAMAGED: { id: 'penggantian paspor rusak', en: 'replacement of a damaged passport' },
};

/** The longest short text: one WhatsApp message, a few SMS parts. */
export const SHORT_MAX = 1000;

/** [subject, main text, a line for email only (what is attached)]. */
type Parts = [string, string, string?];
type Built = { id: Parts; en: Parts };
type Template<C> = (c: C) => Record<Language, NoticeText>;
type Catalogue = { [K in AnyNoticeKind]: Template<NoticeContext<K>> };
type OfficeCatalogue = { [K in OfficeNoticeKind]: Template<OfficeNoticeContext<K>> };

const about = (c: BaseContext, lang: Language) =>
  lang === 'id'
    ? `Permohonan ${TYPE_NAMES[c.applicationType].id}, kode pelacakan ${c.trackingCode}.`
    : `Application for a ${TYPE_NAMES[c.applicationType].en}, tracking code ${c.trackingCode}.`;
const trackingLine = (code: string, lang: Language) => (lang === 'id' ? `Kode pelacakan: ${code}` : `Tracking code: ${code}`);
const office = (c: { office: OfficeInfo }) => `${c.office.name}, ${c.office.address}`;
const documentList = (documents: DocumentToBring[], lang: Language) =>
  documents
    .map((d) => {
      // A row loaded before the Indonesian names existed reads in English rather than not at all.
      const [name, note] = lang === 'id' && d.documentId ? [d.documentId, d.noteId] : [d.document, d.note];
      return `- ${name}${note ? ` (${note})` : ''}`;
    })
    .join('\n');
const GROUND_NAMES: Record<PriorityGround, Record<Language, string>> = {
  ELDERLY: { id: 'lanjut usia (60 tahun ke atas)', en: 'aged 60 or over' },
  UNDER_FIVE: { id: 'anak di bawah lima tahun', en: 'a child under five' },
  DISABILITY: { id: 'penyandang disabilitas', en: 'a person with a disability' },
  PREGNANCY: { id: 'ibu hamil', en: 'pregnancy' },
};
const sessionLine = (s: SessionTimes, f: Fmt) => `${f.day(s.start)}, ${f.time(s.start)} - ${f.time(s.end)}`;

/** The short text: subject, main text and the tracking code, cut at a line when too long. */
function shortText(subject: string, main: string, trackingCode: string | null, lang: Language): string {
  const tail = trackingCode ? `\n\n${trackingLine(trackingCode, lang)}` : '';
  const full = `${subject}\n\n${main}`;
  if (full.length + tail.length <= SHORT_MAX) return full + tail;
  const room = SHORT_MAX - tail.length - 2;
  const cut = full.lastIndexOf('\n', room);
  return `${full.slice(0, cut > subject.length ? cut : room)}\n…${tail}`;
}

const assemble = (parts: Parts, opening: string | null, trackingCode: string | null, lang: Language): NoticeText => {
  const [subject, main, emailOnly] = parts;
  return {
    subject,
    body: [opening, main, emailOnly].filter(Boolean).join('\n\n'),
    short: shortText(subject, main, trackingCode, lang),
  };
};

/** Each template gets one formatter per language, so dates and amounts follow the text; `about` opens every body. */
const t =
  <K extends AnyNoticeKind>(build: (c: NoticeContext<K>, id: Fmt, en: Fmt) => Built): Template<NoticeContext<K>> =>
  (c) => {
    const texts = build(c, formatterFor('id', c.office.timeZone), formatterFor('en', c.office.timeZone));
    return {
      id: assemble(texts.id, about(c, 'id'), c.trackingCode, 'id'),
      en: assemble(texts.en, about(c, 'en'), c.trackingCode, 'en'),
    };
  };

const booked = (verb: { id: string; en: string }) =>
  t<'BOOKING_CONFIRMED' | 'RESCHEDULED'>((c, id, en) => ({
    id: [
      `Jadwal wawancara ${verb.id}: ${c.trackingCode}`,
      `Jadwal Anda: ${sessionLine(c.session, id)}\nTempat: ${office(c)}\n\nDokumen yang harus dibawa (asli):\n${documentList(c.documents, 'id')}`,
      'Undangan kalender terlampir.',
    ],
    en: [
      `Interview ${verb.en}: ${c.trackingCode}`,
      `Your session: ${sessionLine(c.session, en)}\nPlace: ${office(c)}\n\nDocuments to bring (originals):\n${documentList(c.documents, 'en')}`,
      'A calendar invitation is attached.',
    ],
  }));

export const TEMPLATES: Catalogue = {
  SUBMITTED: t((c, id, en) => ({
    id: [`Permohonan diterima: bayar ${id.rp(c.amount)} dengan kode billing ${c.billingCode}`, `Kode billing: ${c.billingCode}\nJumlah: ${id.rp(c.amount)}\nBayar sebelum: ${id.when(c.paymentDeadline)}\nSetelah batas itu kode billing tidak berlaku dan permohonan berakhir.`],
    en: [`Application received: pay ${en.rp(c.amount)} with billing code ${c.billingCode}`, `Billing code: ${c.billingCode}\nAmount: ${en.rp(c.amount)}\nPay before: ${en.when(c.paymentDeadline)}\nAfter that the billing code expires and the application ends.`],
  })),
  PAYMENT_CONFIRMED: t((c, id, en) => ({
    id: [`Pembayaran diterima: ${c.trackingCode}`, `Pembayaran ${id.rp(c.amount)} telah kami terima. Pilih jadwal wawancara sebelum ${id.when(c.bookingDeadline)}.`],
    en: [`Payment received: ${c.trackingCode}`, `We have received your payment of ${en.rp(c.amount)}. Book an interview session before ${en.when(c.bookingDeadline)}.`],
  })),
  BOOKING_REMINDER: t((c, id, en) => ({
    id: [`Pengingat: pilih jadwal wawancara (${c.trackingCode})`, `Anda belum memilih jadwal wawancara. Pilih sebelum ${id.when(c.bookingDeadline)}.`],
    en: [`Reminder: book your interview (${c.trackingCode})`, `You have not booked an interview session yet. Book before ${en.when(c.bookingDeadline)}.`],
  })),
  BOOKING_CONFIRMED: booked({ id: 'terkonfirmasi', en: 'booked' }),
  RESCHEDULED: booked({ id: 'diubah', en: 'rescheduled' }),
  NO_SHOW: t((c, id, en) => ({
    id: [`Anda tidak hadir: ${c.trackingCode}`, `Anda tidak hadir pada jadwal ${sessionLine(c.missed, id)} di ${office(c)}.\n${c.rebookingAllowed && c.bookingDeadline ? `Anda boleh memilih satu jadwal baru sebelum ${id.when(c.bookingDeadline)}.` : 'Tidak ada perubahan jadwal tersisa: permohonan dibatalkan.'}`],
    en: [`You missed your interview: ${c.trackingCode}`, `You did not come to your session ${sessionLine(c.missed, en)} at ${office(c)}.\n${c.rebookingAllowed && c.bookingDeadline ? `You may book one new session before ${en.when(c.bookingDeadline)}.` : 'No change of session is left: the application is cancelled.'}`],
  })),
  REJECTED: t((c) => ({
    id: [`Permohonan ditolak: ${c.trackingCode}`, `Petugas ${c.office.name} menolak permohonan Anda.\nAlasan: ${c.reason}`],
    en: [`Application rejected: ${c.trackingCode}`, `The officer at ${c.office.name} rejected your application.\nReason: ${c.reason}`],
  })),
  EXPIRED: t((c) =>
    c.cause === 'NOT_BOOKED'
      ? {
          id: [`Permohonan berakhir: ${c.trackingCode}`, `Anda tidak memilih jadwal wawancara sebelum batas waktu, sehingga permohonan berakhir. Silakan ajukan permohonan baru.`],
          en: [`Application expired: ${c.trackingCode}`, `No interview session was booked before the deadline, so the application has ended. You may apply again.`],
        }
      : {
          id: [`Permohonan berakhir: ${c.trackingCode}`, `Pembayaran untuk kode billing ${c.billingCode} tidak kami terima sebelum batas waktu, sehingga permohonan berakhir. Jika Anda sudah membayar dengan kode ini, pembayaran itu dikembalikan secara otomatis setelah bank melaporkannya. Silakan ajukan permohonan baru.`],
          en: [`Application expired: ${c.trackingCode}`, `No payment for billing code ${c.billingCode} reached us before the deadline, so the application has ended. If you did pay with this code, that payment is refunded automatically once the bank reports it. You may apply again.`],
        },
  ),
  CANCELLED: t((c, id, en) =>
    c.cause === 'NOT_COLLECTED'
      ? {
          id: [`Permohonan dibatalkan: ${c.trackingCode}`, `Paspor Anda tidak diambil di ${office(c)} dalam batas waktu pengambilan, sehingga permohonan dibatalkan sesuai peraturan.`],
          en: [`Application cancelled: ${c.trackingCode}`, `Your passport was not collected at ${office(c)} within the pickup window, so the application is cancelled under the regulation.`],
        }
      : {
          id: [`Permohonan dibatalkan: ${c.trackingCode}`, `Permohonan Anda dibatalkan atas permintaan Anda.${c.reason ? `\nAlasan: ${c.reason}` : ''}`],
          en: [`Application cancelled: ${c.trackingCode}`, `Your application was cancelled at your request.${c.reason ? `\nReason: ${c.reason}` : ''}`],
        },
  ),
  // What activities/compensation.ts records for a missed commitment: the breach itself and a free Pos delivery; no money.
  SLA_BREACHED_FREE_DELIVERY: t((c, id, en) => ({
    id: [
      `Paspor terlambat: dikirim lewat Pos tanpa biaya (${c.trackingCode})`,
      `Paspor Anda belum selesai pada batas layanan kami, ${id.when(c.slaDeadline)}. Keterlambatan ini kami catat, dan sebagai kompensasi paspor Anda dikirim oleh Pos Indonesia ke alamat pengiriman Anda tanpa biaya; cara pengambilan tidak dapat diubah kembali. Periksa alamat pengiriman Anda; alamat masih dapat diubah sampai paspor dicetak. Nomor resi Pos dikirim setelah paspor dikirim.`,
    ],
    en: [
      `Passport late: sent by Pos free of charge (${c.trackingCode})`,
      `Your passport was not ready by our service deadline, ${en.when(c.slaDeadline)}. We have recorded the missed commitment, and as compensation your passport is sent to your delivery address by Pos Indonesia free of charge; the delivery method cannot be changed back. Check your delivery address; you can still change it until the passport is printed. You will receive the Pos tracking number once it is sent.`,
    ],
  })),
  READY_FOR_PICKUP: t((c, id, en) => ({
    id: [`Paspor siap diambil: ${c.trackingCode}`, `Paspor Anda sudah dicetak. Ambil di ${office(c)} sebelum ${id.when(c.pickupDeadline)}. Bawa KTP-el asli.`],
    en: [`Passport ready for pickup: ${c.trackingCode}`, `Your passport is printed. Collect it at ${office(c)} before ${en.when(c.pickupDeadline)}. Bring your original KTP-el.`],
  })),
  PICKUP_REMINDER: t((c, id, en) => ({
    id: [`Pengingat: paspor menunggu diambil (${c.trackingCode})`, `Paspor Anda masih menunggu di ${office(c)}. Ambil sebelum ${id.when(c.pickupDeadline)}.`],
    en: [`Reminder: your passport is waiting (${c.trackingCode})`, `Your passport is still waiting at ${office(c)}. Collect it before ${en.when(c.pickupDeadline)}.`],
  })),
  SENT_BY_POS: t((c) => ({
    id: [`Paspor dikirim lewat Pos: ${c.trackingCode}`, `Paspor Anda dikirim oleh Pos Indonesia. Nomor resi: ${c.posTrackingNumber}.`],
    en: [`Passport sent by Pos: ${c.trackingCode}`, `Your passport is on its way with Pos Indonesia. Pos tracking number: ${c.posTrackingNumber}.`],
  })),
  DELIVERY_FAILED_BACK_AT_OFFICE: t((c, id, en) => ({
    id: [`Pengiriman gagal, paspor kembali ke kantor: ${c.trackingCode}`, `Pos Indonesia tidak dapat mengantar paspor Anda (resi ${c.posTrackingNumber}). Paspor kembali di ${office(c)}; ambil sebelum ${id.when(c.pickupDeadline)}.`],
    en: [`Delivery failed, passport back at the office: ${c.trackingCode}`, `Pos Indonesia could not deliver your passport (tracking number ${c.posTrackingNumber}). It is back at ${office(c)}; collect it before ${en.when(c.pickupDeadline)}.`],
  })),
  DELIVERY_OVERDUE: t((c, id, en) => ({
    id: [`Pengiriman Pos terlambat: ${c.trackingCode}`, `Paspor dikirim ${id.when(c.sentAt)} dengan resi ${c.posTrackingNumber} belum diterima pemohon. Mohon hubungi Pos Indonesia.`],
    en: [`Pos delivery overdue: ${c.trackingCode}`, `The passport sent ${en.when(c.sentAt)} with tracking number ${c.posTrackingNumber} has not reached the applicant. Please chase Pos Indonesia.`],
  })),
  SLA_AT_RISK: t((c, id, en) => ({
    id: [`Paspor belum dicetak, batas layanan mendekat: ${c.trackingCode}`, `Paspor ini belum dicetak. Batas janji layanan: ${id.when(c.slaDeadline)}. Jika terlewat, pemohon mendapat kompensasi dan pengiriman Pos gratis.`],
    en: [`Passport not printed, service deadline near: ${c.trackingCode}`, `This passport is not printed yet. The service commitment ends ${en.when(c.slaDeadline)}. If it is missed, the applicant is compensated and gets free Pos delivery.`],
  })),
  DELIVERY_AT_RISK: t((c, id, en) => ({
    id: [`Pengiriman Pos belum dikonfirmasi: ${c.trackingCode}`, `Paspor dikirim ${id.when(c.sentAt)} dengan resi ${c.posTrackingNumber} belum dikonfirmasi diterima. Batas pengiriman: ${id.when(c.deliveryDeadline)}. Mohon periksa dengan Pos Indonesia.`],
    en: [`Pos delivery not confirmed yet: ${c.trackingCode}`, `The passport sent ${en.when(c.sentAt)} with tracking number ${c.posTrackingNumber} is not confirmed delivered. The delivery window ends ${en.when(c.deliveryDeadline)}. Please check with Pos Indonesia.`],
  })),
  REFUND_OPENED: t((c, id, en) => ({
    id: [`Pengembalian dana diproses: ${c.trackingCode}`, `Pengembalian ${id.rp(c.amount)} sedang diproses.`],
    en: [`Refund opened: ${c.trackingCode}`, `A refund of ${en.rp(c.amount)} is being processed.`],
  })),
  REFUND_APPROVED: t((c, id, en) => ({
    id: [`Pengembalian dana disetujui: ${c.trackingCode}`, `Pengembalian ${id.rp(c.amount)} telah disetujui.`],
    en: [`Refund approved: ${c.trackingCode}`, `A refund of ${en.rp(c.amount)} was approved.`],
  })),
  REFUND_SENT: t((c, id, en) => ({
    id: [`Pengembalian dana dikirim ke bank: ${c.trackingCode}`, `Pengembalian ${id.rp(c.amount)} telah dikirim ke bank.`],
    en: [`Refund sent to the bank: ${c.trackingCode}`, `A refund of ${en.rp(c.amount)} was sent to the bank.`],
  })),
  REFUNDED: t((c, id, en) => ({
    id: [`Dana telah dikembalikan: ${c.trackingCode}`, `Bank mengonfirmasi pengembalian ${id.rp(c.amount)}.`],
    en: [`Refunded: ${c.trackingCode}`, `The bank confirmed the refund of ${en.rp(c.amount)}.`],
  })),
  REFUND_DECLINED: t((c, id, en) => ({
    id: [`Pengembalian dana ditolak: ${c.trackingCode}`, `Pengembalian ${id.rp(c.amount)} tidak dapat dilakukan.\nAlasan: ${c.reason}`],
    en: [`Refund declined: ${c.trackingCode}`, `The refund of ${en.rp(c.amount)} could not be made.\nReason: ${c.reason}`],
  })),
  PRIORITY_NOT_CONFIRMED: t((c, id, en) => ({
    id: [
      `Prioritas tidak dikonfirmasi: ${c.trackingCode}`,
      `Petugas ${c.office.name} tidak dapat mengonfirmasi alasan prioritas yang Anda nyatakan (${GROUND_NAMES[c.ground].id}).\n` +
        (c.movedTo
          ? `Jadwal Anda tetap ${sessionLine(c.movedTo, id)} di ${office(c)}, kini pada kursi reguler.`
          : `Tidak ada kursi reguler tersisa pada sesi itu: pilih jadwal baru (kursi reguler) sebelum ${c.bookingDeadline ? id.when(c.bookingDeadline) : 'batas waktu pemesanan'}. Satu kali perubahan jadwal Anda tetap tersedia.`),
    ],
    en: [
      `Priority not confirmed: ${c.trackingCode}`,
      `The officer at ${c.office.name} could not confirm the priority ground you declared (${GROUND_NAMES[c.ground].en}).\n` +
        (c.movedTo
          ? `Your session stays ${sessionLine(c.movedTo, en)} at ${office(c)}, now on a regular seat.`
          : `No regular seat is left in that session: book a new session (a regular seat) before ${c.bookingDeadline ? en.when(c.bookingDeadline) : 'the booking deadline'}. Your one change of session is still available.`),
    ],
  })),
  REGISTRY_MISMATCH: t((c) => {
    const named = (lang: 'id' | 'en') => c.fields.map((f) => REGISTRY_FIELD_NAMES[f][lang]).join(lang === 'id' ? ' dan ' : ' and ');
    return {
      id: [
        `Permohonan ditolak: data kependudukan tidak sesuai (${c.trackingCode})`,
        `Dukcapil (data kependudukan) tidak membenarkan ${named('id')} yang Anda isi, sehingga permohonan ditolak sebelum pembayaran. Jangan membayar kode billing ini; pembayaran yang tetap masuk dikembalikan secara otomatis.\nPeriksa NIK, nama lengkap dan tanggal lahir sesuai KTP-el Anda (atau perbaiki data Anda di Dukcapil), lalu ajukan permohonan baru.`,
      ],
      en: [
        `Application rejected: identity not confirmed by the population registry (${c.trackingCode})`,
        `The population registry (Dukcapil) does not confirm the ${named('en')} you gave, so the application is rejected before payment. Do not pay its billing code; a payment that still comes is refunded automatically.\nCheck your NIK, full name and birth date against your KTP-el (or have your record corrected at Dukcapil), then apply again.`,
      ],
    };
  }),
  SESSION_MOVED_BY_CLOSURE: t((c, id, en) => ({
    id: [
      `Kantor tutup, jadwal wawancara ${c.session ? 'dipindahkan' : 'perlu dipilih ulang'}: ${c.trackingCode}`,
      `${c.office.name} tutup pada ${id.day(c.from.start)} (jadwal Anda ${sessionLine(c.from, id)}).\nAlasan: ${c.reason}\n${
        c.session
          ? `Jadwal baru Anda: ${sessionLine(c.session, id)}\nTempat: ${office(c)}\nPemindahan ini tidak mengurangi jatah satu kali perubahan jadwal Anda.`
          : `Tidak ada jadwal kosong dalam masa pemesanan. Silakan pilih jadwal baru sebelum ${id.when(c.bookingDeadline ?? c.from.end)}.`
      }`,
      ...(c.session ? ['Undangan kalender terlampir.'] : []),
    ] as [string, string, string?],
    en: [
      `Office closed, your interview ${c.session ? 'is moved' : 'needs a new session'}: ${c.trackingCode}`,
      `${c.office.name} is closed on ${en.day(c.from.start)} (your session ${sessionLine(c.from, en)}).\nReason: ${c.reason}\n${
        c.session
          ? `Your new session: ${sessionLine(c.session, en)}\nPlace: ${office(c)}\nThis move does not use up your one change of session.`
          : `No session is free within the booking horizon. Please book a new session before ${en.when(c.bookingDeadline ?? c.from.end)}.`
      }`,
      ...(c.session ? ['A calendar invitation is attached.'] : []),
    ] as [string, string, string?],
  })),
  WAITLIST_OFFER: t((c, id, en) => ({
    id: [
      `Kursi tersedia untuk Anda: ${c.trackingCode}`,
      `Ada kursi kosong pada jadwal yang Anda tunggu: ${sessionLine(c.offered, id)} di ${office(c)}.\nKursi ini disimpan hanya untuk permohonan ini sampai ${id.when(c.offerExpiresAt)}. Terima tawaran ini pada permohonan Anda sebelum batas itu; setelahnya kursi ditawarkan kepada antrean berikutnya.`,
    ],
    en: [
      `A seat is free for you: ${c.trackingCode}`,
      `A seat is free in the session you are waiting for: ${sessionLine(c.offered, en)} at ${office(c)}.\nIt is held for this application only until ${en.when(c.offerExpiresAt)}. Accept the offer on your application before then; after that the seat is offered to the next in line.`,
    ],
  })),
  WAITLIST_OFFER_LAPSED: t((c, id, en) => ({
    id: [
      `Tawaran kursi berakhir: ${c.trackingCode}`,
      `Tawaran kursi pada jadwal ${sessionLine(c.offered, id)} di ${office(c)} tidak diterima tepat waktu dan sudah ditutup. Anda masih dapat memilih jadwal lain yang tersedia.`,
    ],
    en: [
      `Seat offer closed: ${c.trackingCode}`,
      `The seat offered in the session ${sessionLine(c.offered, en)} at ${office(c)} was not accepted in time and is closed. You can still book another session with seats free.`,
    ],
  })),
};

/** The submitted fields the registry may not confirm, as the applicant knows them from the form. */
const REGISTRY_FIELD_NAMES: Record<RegistryMismatchField, { id: string; en: string }> = {
  nik: { id: 'NIK', en: 'NIK' },
  fullName: { id: 'nama lengkap', en: 'full name' },
  birthDate: { id: 'tanggal lahir', en: 'birth date' },
};

/** Office notices: to the office's staff, about its office; no applicant's application opens them. */
const o =
  <K extends OfficeNoticeKind>(build: (c: OfficeNoticeContext<K>, id: Fmt, en: Fmt) => Built, trackingCode: (c: OfficeNoticeContext<K>) => string | null): Template<OfficeNoticeContext<K>> =>
  (c) => {
    const texts = build(c, formatterFor('id', c.office.timeZone), formatterFor('en', c.office.timeZone));
    return { id: assemble(texts.id, c.office.name, trackingCode(c), 'id'), en: assemble(texts.en, c.office.name, trackingCode(c), 'en') };
  };

export const OFFICE_TEMPLATES: OfficeCatalogue = {
  REFUND_ESCALATED: o(
    (c, id, en) => ({
      id: [
        `Pengembalian dana belum dikonfirmasi bank: ${c.refundId}`,
        `Pengembalian ${id.rp(c.amount)} (kode billing ${c.billingCode}${c.trackingCode ? `, permohonan ${c.trackingCode}` : ''}), dibuka ${id.when(c.openedAt)}, belum dikonfirmasi bank setelah ${c.transferAttempts} kali transfer. Mohon hubungi bank; konfirmasi bank tetap ditunggu.`,
      ],
      en: [
        `Refund not confirmed by the bank: ${c.refundId}`,
        `The refund of ${en.rp(c.amount)} (billing code ${c.billingCode}${c.trackingCode ? `, application ${c.trackingCode}` : ''}), opened ${en.when(c.openedAt)}, is not confirmed by the bank after ${c.transferAttempts} transfers. Please contact the bank; its confirmation is still awaited.`,
      ],
    }),
    (c) => c.trackingCode,
  ),
};
