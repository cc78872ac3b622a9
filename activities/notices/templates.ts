// The text of every notice, in Bahasa Indonesia (the default) and English, built from a small typed context.
// Pure: the sending activity reads the application, office and documents, builds the context and renders.
import { NOTICE_KINDS, type ApplicationType, type NoticeKind } from '../../workflows/definitions.js';
import { formatDate, formatDateTime, formatRupiah, formatTime, type Language } from './format.js';

/** Every notice this module can write. */
export const ALL_NOTICE_KINDS = NOTICE_KINDS;
export type AnyNoticeKind = NoticeKind;

export interface DocumentToBring {
  document: string;
  note: string | null;
}
export interface OfficeInfo {
  name: string;
  address: string;
  /** IANA zone of the office (offices.time_zone): every date and time is shown in it. */
  timeZone: string;
}
/** What every notice knows: nothing personal (no name, email or phone). */
export interface BaseContext {
  applicationType: ApplicationType;
  trackingCode: string;
  office: OfficeInfo;
}
interface Session {
  start: Date;
  end: Date;
}
/** The fields each kind needs beyond the base. */
export interface NoticeFields {
  SUBMITTED: { billingCode: string; amount: number; paymentDeadline: Date };
  PAYMENT_CONFIRMED: { amount: number; bookingDeadline: Date };
  BOOKING_REMINDER: { bookingDeadline: Date };
  BOOKING_CONFIRMED: { session: Session; documents: DocumentToBring[] };
  RESCHEDULED: { session: Session; documents: DocumentToBring[] };
  NO_SHOW: { missed: Session; rebookingAllowed: boolean; bookingDeadline?: Date };
  REJECTED: { reason: string };
  EXPIRED: { billingCode: string };
  CANCELLED: { reason: string };
  SLA_BREACHED_FREE_DELIVERY: { compensation: number; slaDeadline: Date };
  READY_FOR_PICKUP: { pickupDeadline: Date };
  PICKUP_REMINDER: { pickupDeadline: Date };
  SENT_BY_POS: { posTrackingNumber: string };
  DELIVERY_FAILED_BACK_AT_OFFICE: { posTrackingNumber: string; pickupDeadline: Date };
  DELIVERY_OVERDUE: { posTrackingNumber: string; sentAt: Date };
  REFUND_OPENED: { amount: number };
  REFUND_APPROVED: { amount: number };
  REFUND_SENT: { amount: number };
  REFUNDED: { amount: number };
  REFUND_DECLINED: { reason: string };
}
export type NoticeContext<K extends AnyNoticeKind> = BaseContext & NoticeFields[K];

export interface NoticeText {
  subject: string;
  body: string;
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

type Template<K extends AnyNoticeKind> = (c: NoticeContext<K>) => Record<Language, NoticeText>;
type Catalogue = { [K in AnyNoticeKind]: Template<K> };

const about = (c: BaseContext, f: Fmt) =>
  f.lang === 'id'
    ? `Permohonan ${TYPE_NAMES[c.applicationType].id}, kode pelacakan ${c.trackingCode}.`
    : `Application for a ${TYPE_NAMES[c.applicationType].en}, tracking code ${c.trackingCode}.`;
const office = (c: BaseContext) => `${c.office.name}, ${c.office.address}`;
const documentList = (documents: DocumentToBring[]) =>
  documents.map((d) => `- ${d.document}${d.note ? ` (${d.note})` : ''}`).join('\n');
const sessionLine = (s: Session, f: Fmt) => `${f.day(s.start)}, ${f.time(s.start)} - ${f.time(s.end)}`;

/** Each template gets one formatter per language, so dates and amounts follow the text; `about` opens every body. */
const t =
  <K extends AnyNoticeKind>(build: (c: NoticeContext<K>, id: Fmt, en: Fmt) => { id: [string, string]; en: [string, string] }): Template<K> =>
  (c) => {
    const fid = formatterFor('id', c.office.timeZone);
    const fen = formatterFor('en', c.office.timeZone);
    const texts = build(c, fid, fen);
    return {
      id: { subject: texts.id[0], body: `${about(c, fid)}\n\n${texts.id[1]}` },
      en: { subject: texts.en[0], body: `${about(c, fen)}\n\n${texts.en[1]}` },
    };
  };

const booked = (verb: { id: string; en: string }) =>
  t<'BOOKING_CONFIRMED' | 'RESCHEDULED'>((c, id, en) => ({
    id: [`Jadwal wawancara ${verb.id}: ${c.trackingCode}`, `Jadwal Anda: ${sessionLine(c.session, id)}\nTempat: ${office(c)}\n\nDokumen yang harus dibawa (asli):\n${documentList(c.documents)}\n\nUndangan kalender terlampir.`],
    en: [`Interview ${verb.en}: ${c.trackingCode}`, `Your session: ${sessionLine(c.session, en)}\nPlace: ${office(c)}\n\nDocuments to bring (originals):\n${documentList(c.documents)}\n\nA calendar invitation is attached.`],
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
  EXPIRED: t((c) => ({
    id: [`Permohonan berakhir: ${c.trackingCode}`, `Kode billing ${c.billingCode} tidak dibayar sebelum batas waktu. Tidak ada dana yang ditarik. Silakan ajukan permohonan baru.`],
    en: [`Application expired: ${c.trackingCode}`, `Billing code ${c.billingCode} was not paid in time. Nothing was charged. You may apply again.`],
  })),
  CANCELLED: t((c) => ({
    id: [`Permohonan dibatalkan: ${c.trackingCode}`, `Permohonan Anda dibatalkan.\nAlasan: ${c.reason}`],
    en: [`Application cancelled: ${c.trackingCode}`, `Your application was cancelled.\nReason: ${c.reason}`],
  })),
  SLA_BREACHED_FREE_DELIVERY: t((c, id, en) => ({
    id: [`Paspor terlambat: kompensasi ${id.rp(c.compensation)} dan pengiriman Pos gratis`, `Paspor Anda belum selesai pada batas layanan ${id.when(c.slaDeadline)}. Kami memberi kompensasi ${id.rp(c.compensation)} dan mengirim paspor lewat Pos Indonesia tanpa biaya.`],
    en: [`Passport late: ${en.rp(c.compensation)} compensation and free Pos delivery`, `Your passport was not ready by the service deadline, ${en.when(c.slaDeadline)}. We pay you ${en.rp(c.compensation)} in compensation and send the passport by Pos Indonesia free of charge.`],
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
  REFUND_DECLINED: t((c) => ({
    id: [`Pengembalian dana ditolak: ${c.trackingCode}`, `Pengembalian dana tidak dapat dilakukan.\nAlasan: ${c.reason}`],
    en: [`Refund declined: ${c.trackingCode}`, `The refund could not be made.\nReason: ${c.reason}`],
  })),
};
