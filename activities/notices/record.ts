// Recording a notice: one row per (application or office, effect key) with the facts it tells (details), then
// its delivery started. Every activity that tells someone something records through these two functions.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { NoticeDetails, NoticeKind, NoticeSource, OfficeNoticeKind } from '../../workflows/definitions.js';

/**
 * Starts the delivery of a recorded notice (the noticeDelivery workflow `notice-<source>-<id>`); a second start of
 * the same notice is a delivery already under way, not an error.
 */
export type StartDelivery = (source: NoticeSource, noticeId: string) => Promise<void>;

export interface ApplicationNotice {
  applicationId: string;
  effectKey: string;
  kind: NoticeKind;
  at: string;
  /** NoticeDetailsByKind[kind]. Absent only from workflows that asked before notices carried them: recorded, never delivered. */
  details?: NoticeDetails;
}

export interface OfficeNotice {
  officeCode: string;
  effectKey: string;
  kind: OfficeNoticeKind;
  refundId?: string;
  at: string;
  details: Record<string, unknown>;
}

/**
 * Records the applicant's notice once per (application, effect key) and returns its id (the first recording's on a
 * repeat), then starts its delivery when `startDelivery` is given. Inside a transaction, pass none and start the
 * delivery after the commit, so the delivery never looks for a row that is not there yet.
 */
export async function recordNotice(db: Kysely<DB>, startDelivery: StartDelivery | undefined, notice: ApplicationNotice): Promise<string> {
  const { applicationId, effectKey, kind, at, details } = notice;
  const inserted = await db
    .insertInto('notifications')
    .values({ application_id: applicationId, effect_key: effectKey, kind, created_at: at, details: details ? JSON.stringify(details) : null })
    .onConflict((oc) => oc.columns(['application_id', 'effect_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  // A repeat (a retried activity, a replayed effect) inserts nothing: the first recording's id.
  const { id } =
    inserted ?? (await db.selectFrom('notifications').select('id').where('application_id', '=', applicationId).where('effect_key', '=', effectKey).executeTakeFirstOrThrow());
  if (details) await startDelivery?.('application', id);
  return id;
}

/** The same for a notice to an office's staff (office_notices, delivered to the office's notice address). */
export async function recordOfficeNotice(db: Kysely<DB>, startDelivery: StartDelivery | undefined, notice: OfficeNotice): Promise<string> {
  const { officeCode, effectKey, kind, refundId, at, details } = notice;
  const inserted = await db
    .insertInto('office_notices')
    .values({ office_code: officeCode, effect_key: effectKey, kind, refund_id: refundId ?? null, created_at: at, details: JSON.stringify(details) })
    .onConflict((oc) => oc.columns(['office_code', 'effect_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  const { id } =
    inserted ?? (await db.selectFrom('office_notices').select('id').where('office_code', '=', officeCode).where('effect_key', '=', effectKey).executeTakeFirstOrThrow());
  await startDelivery?.('office', id);
  return id;
}
