// A minimal composer, so delivery can be built and tested before the full one (issue 14, texts) lands: the
// subject and text of renderNotice, no HTML beyond the text, no attachments. The texts part replaces this file.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { OFFICE_AUDIENCE_KINDS, type ApplicationType, type NoticeKind, type NoticeLanguage, type NoticeSource } from '../../workflows/definitions.js';
import type { MailAttachment } from '../mail.js';
import { renderNotice } from './render.js';
import type { AnyNoticeKind, NoticeContext } from './templates.js';

export interface ComposedNotice {
  kind: NoticeKind;
  /** Who it is for: the applicant, or the office's notice address. */
  audience: 'applicant' | 'office';
  language: NoticeLanguage;
  subject: string;
  text: string;
  /** For WhatsApp and SMS. */
  short: string;
  html: string;
  attachments: MailAttachment[];
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T/;
/** Details as recorded (jsonb): instants become Dates, as the templates take them. */
const revive = (details: Record<string, unknown>) => Object.fromEntries(Object.entries(details).map(([k, v]) => [k, typeof v === 'string' && ISO_INSTANT.test(v) ? new Date(v) : v]));
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The notice as it is sent, or undefined when it is not there (or is an office notice of another kind). */
export async function composeNotice(db: Kysely<DB>, { source, noticeId }: { source: NoticeSource; noticeId: string }): Promise<ComposedNotice | undefined> {
  if (source === 'office') {
    const office = await db.selectFrom('office_notices').select(['kind', 'office_code', 'refund_id']).where('id', '=', noticeId).executeTakeFirst();
    if (!office) return undefined;
    const text = `${office.kind} (${office.office_code}${office.refund_id ? `, ${office.refund_id}` : ''})`;
    return { kind: office.kind as NoticeKind, audience: 'office', language: 'id', subject: text, text, short: text, html: `<p>${escapeHtml(text)}</p>`, attachments: [] };
  }
  const notice = await db.selectFrom('notifications').select(['kind', 'details', 'application_id']).where('id', '=', noticeId).executeTakeFirst();
  if (!notice) return undefined;
  const row = await db
    .selectFrom('applications')
    .innerJoin('offices', 'offices.code', 'applications.office_code')
    .select(['applications.tracking_code', 'applications.billing_code', 'applications.amount', 'applications.application_type', 'applications.language', 'applications.payment_deadline', 'offices.name', 'offices.address', 'offices.time_zone'])
    .where('applications.id', '=', notice.application_id)
    .executeTakeFirstOrThrow();
  const context = {
    applicationType: row.application_type as ApplicationType,
    trackingCode: row.tracking_code,
    office: { name: row.name, address: row.address, timeZone: row.time_zone },
    billingCode: row.billing_code,
    amount: row.amount,
    paymentDeadline: row.payment_deadline,
    documents: [],
    ...revive(notice.details ?? {}),
  } as unknown as NoticeContext<AnyNoticeKind>;
  const { subject, body } = renderNotice(notice.kind, context, row.language);
  return {
    kind: notice.kind,
    audience: OFFICE_AUDIENCE_KINDS.includes(notice.kind) ? 'office' : 'applicant',
    language: row.language,
    subject,
    text: body,
    short: `${subject}\n${body}`,
    html: `<pre>${escapeHtml(body)}</pre>`,
    attachments: [],
  };
}
