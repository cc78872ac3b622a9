// Composes a recorded notice for sending: its kind and details, the application's codes and amount, the office's
// name, address, zone and session hours, the documents to bring. Reads nothing personal (no name, email, phone
// or NIK): the sending activity reads the recipient itself.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { OFFICE_AUDIENCE_KINDS, PRIORITY_GROUNDS, REGISTRY_MISMATCH_FIELDS, SESSIONS, type ApplicationType, type NoticeKind, type NoticeSession, type NoticeSource, type OfficeNoticeKind, type PriorityGround } from '../../workflows/definitions.js';
import type { MailAttachment } from '../mail.js';
import { sessionWindow, type Language, type SessionHours } from '../../workflows/format.js';
import { bookingInvitation } from './invitation.js';
import { trackingQrPng } from './qr.js';
import { renderNotice, renderOfficeNotice } from './render.js';
import type { BaseContext, DocumentToBring, NoticeFields, NoticeText, OfficeInfo, SessionTimes } from './templates.js';

export interface ComposedNotice {
  kind: NoticeKind | OfficeNoticeKind;
  /** Who reads it: the applicant, or the office's staff (at offices.notice_email). */
  audience: 'applicant' | 'office';
  language: Language;
  subject: string;
  /** Plain text for email. */
  text: string;
  /** WhatsApp/SMS: plain, at most SHORT_MAX characters, with the tracking code. */
  short: string;
  /** Email: the text as escaped HTML, with the QR code inline when there is one. */
  html: string;
  /** Email only: the calendar invitation of a booked session, the QR code of the tracking code (inline, by cid). */
  attachments: MailAttachment[];
}

/** The notice row `noticeId` of `source`, composed in its reader's language; undefined when there is no such row. */
export async function composeNotice(db: Kysely<DB>, req: { source: NoticeSource; noticeId: string }): Promise<ComposedNotice | undefined> {
  return req.source === 'application' ? composeApplicationNotice(db, req.noticeId) : composeOfficeNotice(db, req.noticeId);
}

async function readOffice(db: Kysely<DB>, code: string) {
  const row = await db.selectFrom('offices').select(['name', 'address', 'time_zone', 'session_hours']).where('code', '=', code).executeTakeFirstOrThrow();
  const office: OfficeInfo = { name: row.name, address: row.address, timeZone: row.time_zone };
  return { office, hours: row.session_hours as SessionHours };
}

async function composeApplicationNotice(db: Kysely<DB>, noticeId: string): Promise<ComposedNotice | undefined> {
  const notice = await db.selectFrom('notifications').select(['id', 'kind', 'details', 'application_id']).where('id', '=', noticeId).executeTakeFirst();
  if (!notice) return undefined;
  // Only what a notice may say: codes, amount, type, deadline, office. Never full_name, email, phone, nik.
  const app = await db
    .selectFrom('applications')
    .select(['tracking_code', 'billing_code', 'amount', 'application_type', 'language', 'payment_deadline', 'office_code', 'priority_ground'])
    .where('id', '=', notice.application_id)
    .executeTakeFirstOrThrow();
  const { office, hours } = await readOffice(db, app.office_code);
  const base: BaseContext = { applicationType: app.application_type as ApplicationType, trackingCode: app.tracking_code, office };
  const documents = ['BOOKING_CONFIRMED', 'RESCHEDULED'].includes(notice.kind)
    ? await db.selectFrom('document_requirements').select(['document', 'note', 'document_id', 'note_id']).where('application_type', '=', app.application_type).orderBy('position').execute()
    : [];
  const read = detailsReader(notice.kind, noticeId, notice.details ?? {});
  const session = (key: string): SessionTimes => {
    const s = read.session(key);
    return sessionWindow(s.date, s.session, office.timeZone, hours);
  };
  const fields = fieldsOf(notice.kind, read, {
    billingCode: app.billing_code,
    amount: app.amount,
    paymentDeadline: new Date(app.payment_deadline),
    session,
    documents: documents.map((d) => ({ document: d.document, note: d.note, documentId: d.document_id, noteId: d.note_id })),
    priorityGround: app.priority_ground ?? undefined,
  });
  const audience = OFFICE_AUDIENCE_KINDS.includes(notice.kind) ? 'office' : 'applicant';
  // The office's staff read Bahasa Indonesia, whatever the applicant chose.
  const language: Language = audience === 'office' ? 'id' : app.language;
  const text = renderNotice(notice.kind, { ...base, ...fields } as never, language);
  const attachments: MailAttachment[] = [];
  if ('session' in fields && fields.session) {
    attachments.push({ filename: language === 'id' ? 'jadwal-wawancara.ics' : 'interview.ics', content: bookingInvitation({ ...base, session: fields.session }, language, Number(noticeId)), contentType: 'text/calendar; charset=utf-8; method=PUBLISH' });
  }
  const qr: MailAttachment = { filename: `${app.tracking_code}.png`, content: await trackingQrPng(app.tracking_code), contentType: 'image/png', cid: `qr-${noticeId}@passport-service` };
  attachments.push(qr);
  return { kind: notice.kind, audience, language, ...composed(text, language, { cid: qr.cid!, trackingCode: app.tracking_code }), attachments };
}

async function composeOfficeNotice(db: Kysely<DB>, noticeId: string): Promise<ComposedNotice | undefined> {
  const notice = await db.selectFrom('office_notices').select(['kind', 'office_code', 'refund_id']).where('id', '=', noticeId).executeTakeFirst();
  if (!notice) return undefined;
  const { office } = await readOffice(db, notice.office_code);
  if (!notice.refund_id) throw new Error(`office notice ${noticeId} (${notice.kind}) names no refund`);
  const refund = await db
    .selectFrom('refunds')
    .leftJoin('applications', 'applications.id', 'refunds.application_id')
    .select(['refunds.refund_id', 'refunds.billing_code', 'refunds.amount', 'refunds.transfer_attempts', 'refunds.opened_at', 'applications.tracking_code'])
    .where('refunds.refund_id', '=', notice.refund_id)
    .executeTakeFirstOrThrow();
  const language: Language = 'id';
  const text = renderOfficeNotice(
    notice.kind,
    {
      office,
      refundId: refund.refund_id,
      billingCode: refund.billing_code,
      amount: refund.amount,
      transferAttempts: refund.transfer_attempts,
      openedAt: new Date(refund.opened_at),
      trackingCode: refund.tracking_code,
    },
    language,
  );
  return { kind: notice.kind, audience: 'office', language, ...composed(text, language), attachments: [] };
}

/** Subject, text, short and HTML of a rendered notice; the QR code, when given, shown under the text. */
function composed(text: NoticeText, language: Language, qr?: { cid: string; trackingCode: string }) {
  const paragraphs = text.body
    .split('\n\n')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
  const alt = language === 'id' ? `Kode QR kode pelacakan ${qr?.trackingCode}` : `QR code of tracking code ${qr?.trackingCode}`;
  const image = qr ? `\n<p><img src="cid:${escapeHtml(qr.cid)}" alt="${escapeHtml(alt)}" width="200" height="200"></p>` : '';
  const html = `<!doctype html>\n<html lang="${language}">\n<head><meta charset="utf-8"><title>${escapeHtml(text.subject)}</title></head>\n<body>\n${paragraphs}${image}\n</body>\n</html>\n`;
  return { subject: text.subject, text: text.body, short: text.short, html };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

/** What the application row gives every notice that needs it. */
interface FromApplication {
  billingCode: string;
  amount: number;
  paymentDeadline: Date;
  session: (key: string) => SessionTimes;
  documents: DocumentToBring[];
  /** applications.priority_ground: said only in the applicant's own notice (PRIORITY_NOT_CONFIRMED). */
  priorityGround?: PriorityGround;
}

/** The fields of each kind: its recorded details, and the application's codes where the kind names them. */
function fieldsOf(kind: NoticeKind, read: DetailsReader, app: FromApplication): NoticeFields[NoticeKind] {
  const builders: { [K in NoticeKind]: () => NoticeFields[K] } = {
    SUBMITTED: () => ({ billingCode: app.billingCode, amount: app.amount, paymentDeadline: app.paymentDeadline }),
    PAYMENT_CONFIRMED: () => ({ amount: app.amount, bookingDeadline: read.instant('bookingDeadline') }),
    BOOKING_REMINDER: () => ({ bookingDeadline: read.instant('bookingDeadline') }),
    BOOKING_CONFIRMED: () => ({ session: app.session('appointment'), documents: app.documents }),
    RESCHEDULED: () => ({ session: app.session('appointment'), documents: app.documents }),
    NO_SHOW: () => {
      const bookingDeadline = read.optionalInstant('bookingDeadline');
      return { missed: app.session('missed'), rebookingAllowed: read.flag('rebookingAllowed'), ...(bookingDeadline && { bookingDeadline }) };
    },
    REJECTED: () => ({ reason: read.text('reason') }),
    EXPIRED: () => ({ billingCode: app.billingCode, cause: read.choice('cause', ['UNPAID', 'NOT_BOOKED'], 'UNPAID') }),
    CANCELLED: () => {
      const reason = read.optionalText('reason');
      return { ...(reason && { reason }), cause: read.choice('cause', ['APPLICANT', 'NOT_COLLECTED'], 'APPLICANT') };
    },
    SLA_BREACHED_FREE_DELIVERY: () => ({ slaDeadline: read.instant('slaDeadline') }),
    READY_FOR_PICKUP: () => ({ pickupDeadline: read.instant('pickupDeadline') }),
    PICKUP_REMINDER: () => ({ pickupDeadline: read.instant('pickupDeadline') }),
    SENT_BY_POS: () => ({ posTrackingNumber: read.text('posTrackingNumber') }),
    DELIVERY_FAILED_BACK_AT_OFFICE: () => ({ posTrackingNumber: read.text('posTrackingNumber'), pickupDeadline: read.instant('pickupDeadline') }),
    DELIVERY_OVERDUE: () => ({ posTrackingNumber: read.text('posTrackingNumber'), sentAt: read.instant('sentAt') }),
    SLA_AT_RISK: () => ({ slaDeadline: read.instant('slaDeadline') }),
    DELIVERY_AT_RISK: () => ({ posTrackingNumber: read.text('posTrackingNumber'), sentAt: read.instant('sentAt'), deliveryDeadline: read.instant('deliveryDeadline') }),
    REFUND_OPENED: () => ({ amount: read.amount('amount') }),
    REFUND_APPROVED: () => ({ amount: read.amount('amount') }),
    REFUND_SENT: () => ({ amount: read.amount('amount') }),
    REFUNDED: () => ({ amount: read.amount('amount') }),
    REFUND_DECLINED: () => ({ amount: read.amount('amount'), reason: read.text('reason') }),
    PRIORITY_NOT_CONFIRMED: () => {
      const bookingDeadline = read.optionalInstant('bookingDeadline');
      // The ground is health data: the application row has it, the notice's details never do.
      const ground = app.priorityGround ?? read.oneOf('ground', PRIORITY_GROUNDS);
      return { ground, ...(read.present('movedTo') ? { movedTo: app.session('movedTo') } : bookingDeadline ? { bookingDeadline } : {}) };
    },
    REGISTRY_MISMATCH: () => ({ fields: read.choices('fields', REGISTRY_MISMATCH_FIELDS) }),
    SESSION_MOVED_BY_CLOSURE: () => {
      const bookingDeadline = read.optionalInstant('bookingDeadline');
      const moved = read.optionalSession('appointment');
      return { from: app.session('from'), reason: read.text('reason'), ...(moved && { session: app.session('appointment') }), ...(bookingDeadline && { bookingDeadline }) };
    },
    WAITLIST_OFFER: () => ({ offered: app.session('appointment'), offerExpiresAt: read.instant('offerExpiresAt') }),
    WAITLIST_OFFER_LAPSED: () => ({ offered: app.session('appointment') }),
  };
  return builders[kind]();
}

type DetailsReader = ReturnType<typeof detailsReader>;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads notifications.details (NoticeDetailsByKind) and says which field is missing or malformed, never guesses. */
function detailsReader(kind: NoticeKind, noticeId: string, details: Record<string, unknown>) {
  const wrong = (key: string, what: string): never => {
    throw new Error(`notice ${noticeId} (${kind}) cannot be written: details.${key} ${what}`);
  };
  const instant = (key: string): Date => {
    const value = details[key];
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return wrong(key, 'must be an ISO instant');
    return new Date(value);
  };
  const text = (key: string): string => {
    const value = details[key];
    return typeof value === 'string' && value.trim() ? value : wrong(key, 'must be a text');
  };
  const session = (key: string): NoticeSession => {
    const value = details[key] as Partial<NoticeSession> | undefined;
    if (typeof value?.date !== 'string' || !LOCAL_DATE.test(value.date) || !SESSIONS.includes(value.session as never)) {
      return wrong(key, 'must be { date: YYYY-MM-DD, session: MORNING|AFTERNOON }');
    }
    return value as NoticeSession;
  };
  return {
    instant,
    optionalInstant: (key: string): Date | undefined => (details[key] === undefined || details[key] === null ? undefined : instant(key)),
    optionalText: (key: string): string | undefined => (details[key] === undefined || details[key] === null ? undefined : text(key)),
    text,
    amount: (key: string): number => {
      const value = details[key];
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : wrong(key, 'must be whole rupiah');
    },
    /** One of `choices`, or `absent` when the notice was recorded without it. */
    choice: <C extends string>(key: string, choices: readonly C[], absent: C): C => {
      const value = details[key];
      if (value === undefined || value === null) return absent;
      return choices.includes(value as C) ? (value as C) : wrong(key, `must be one of ${choices.join(', ')}`);
    },
    present: (key: string): boolean => details[key] !== undefined && details[key] !== null,
    oneOf: <C extends string>(key: string, choices: readonly C[]): C => (choices.includes(details[key] as C) ? (details[key] as C) : wrong(key, `must be one of ${choices.join(', ')}`)),
    /** A non-empty list of `choices`. */
    choices: <C extends string>(key: string, choices: readonly C[]): C[] => {
      const value = details[key];
      return Array.isArray(value) && value.length > 0 && value.every((v) => choices.includes(v as C)) ? (value as C[]) : wrong(key, `must be a list of ${choices.join(', ')}`);
    },
    flag: (key: string): boolean => {
      const value = details[key];
      return typeof value === 'boolean' ? value : wrong(key, 'must be true or false');
    },
    session,
    optionalSession: (key: string): NoticeSession | undefined => (details[key] === undefined || details[key] === null ? undefined : session(key)),
  };
}
