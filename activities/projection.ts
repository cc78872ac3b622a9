// Stages: all. Writes the read model and the append-only audit log of each stage change, with the notice the
// change tells the applicant (recorded in the same transaction, then its delivery started).
import { ApplicationFailure } from '@temporalio/common';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Actor, NoticeToRecord, PriorityStatus, Stage } from '../workflows/definitions.js';
import { recordNotice, type StartDelivery } from './notices/record.js';

/** The stages a passport goes to when it is printed (from AWAITING_PRINTING). */
const PRINTED_STAGES: ReadonlySet<Stage> = new Set(['READY_FOR_PICKUP', 'IN_DELIVERY']);

export interface StageChange {
  applicationId: string;
  /** The workflow's own count of stage changes: the audit entry's unique key and the projection's version. */
  seq: number;
  stage: Stage;
  previousStage?: Stage;
  actor: Actor;
  reason?: string;
  /** When the change happened (the audit entry's time). */
  at: string;
  /** When the current stage began; equal to `at` unless the stage is entered again (a reschedule, a breach). */
  stageEnteredAt: string;
  nextDeadline?: string;
  appointment?: { date: string; session: string };
  interviewApprovedAt?: string;
  slaDeadline?: string;
  slaBreached?: boolean;
  deliveryMethod?: 'PICKUP' | 'POS';
  /** The workflow's count of delivery-method changes (absent in workflows started before it was kept). */
  deliveryMethodVersion?: number;
  passportNumber?: string;
  posTrackingNumber?: string;
  /** The officer's review of a declared priority ground (CONFIRMED or NOT_CONFIRMED), recorded once. */
  priorityStatus?: Extract<PriorityStatus, 'CONFIRMED' | 'NOT_CONFIRMED'>;
  /** What the change tells the applicant (absent in workflows started before notices rode with their stage): key `stage-<seq>`. */
  notice?: NoticeToRecord;
}

/**
 * Sets the delivery method only when this write is newer than the stored one: by the workflow's count of
 * changes when it sends one (choices handled in one workflow task share their time), else by time. A late
 * attempt of an older write, however it races, never undoes a newer one.
 */
const newerDeliveryMethod = (method: 'PICKUP' | 'POS', at: string, version: number | undefined) => {
  const newer =
    version === undefined
      ? sql<boolean>`(delivery_method_version is null and (delivery_method_at is null or delivery_method_at <= ${at}::timestamptz))`
      : sql<boolean>`coalesce(delivery_method_version, 0) < ${version}::integer`;
  return {
    delivery_method: sql<'PICKUP' | 'POS'>`case when ${newer} then ${method} else delivery_method end`,
    delivery_method_at: sql<Date>`case when ${newer} then ${at}::timestamptz else delivery_method_at end`,
    delivery_method_version: sql<number | null>`case when ${newer} then ${version ?? null}::integer else delivery_method_version end`,
  };
};

export const createProjectionActivities = ({ db, startDelivery }: { db: Kysely<DB>; startDelivery?: StartDelivery }) => ({
  async recordStage(change: StageChange): Promise<void> {
    const noticeId = await db.transaction().execute(async (tx) => {
      const application = await tx.selectFrom('applications').select('id').where('id', '=', change.applicationId).executeTakeFirst();
      if (!application) {
        // Submission keeps the row of every start it tried (api/workflow-starts.ts), so this is a safety net: a
        // workflow started by hand, or whose row was deleted, ends with a clear reason instead of retrying forever.
        throw ApplicationFailure.create({
          type: 'ApplicationWithdrawn',
          message: 'no application row: this workflow was started without its application (or the row was deleted), so it has nothing to run',
          nonRetryable: true,
        });
      }
      await tx
        .insertInto('audit_log')
        .values({
          application_id: change.applicationId,
          seq: change.seq,
          stage: change.stage,
          previous_stage: change.previousStage ?? null,
          actor: change.actor,
          reason: change.reason ?? null,
          at: change.at,
        })
        .onConflict((oc) => oc.columns(['application_id', 'seq']).doNothing())
        .execute();
      // Only a newer change moves the read model, so a late retry never rolls it back.
      await tx
        .updateTable('applications')
        .set({
          stage: change.stage,
          stage_seq: change.seq,
          stage_entered_at: change.stageEnteredAt,
          next_deadline: change.nextDeadline ?? null,
          updated_at: change.at,
          ...(change.appointment && { appointment_date: change.appointment.date, appointment_session: change.appointment.session }),
          ...(change.interviewApprovedAt && { interview_approved_at: change.interviewApprovedAt }),
          ...(change.slaDeadline && { sla_deadline: change.slaDeadline }),
          ...(change.slaBreached !== undefined && { sla_breached: change.slaBreached }),
          // Ordered like the applicant's own choices, so a late attempt of an older choice cannot undo it.
          ...(change.deliveryMethod && newerDeliveryMethod(change.deliveryMethod, change.at, change.deliveryMethodVersion)),
          ...(change.passportNumber && { passport_number: change.passportNumber }),
          ...(change.posTrackingNumber && { pos_tracking_number: change.posTrackingNumber }),
        })
        .where('id', '=', change.applicationId)
        .where('stage_seq', '<', change.seq)
        .execute();
      // Printed: kept once, from the first write of the change (a retry or a replay finds it set and keeps it).
      if (change.previousStage === 'AWAITING_PRINTING' && PRINTED_STAGES.has(change.stage)) {
        await tx
          .updateTable('applications')
          .set({
            printed_at: change.at,
            interview_to_print_hours: sql<number | null>`(select working_hours_between(interview_approved_at, ${change.at}::timestamptz, o.time_zone) from offices o where o.code = office_code)`,
          })
          .where('id', '=', change.applicationId)
          .where('printed_at', 'is', null)
          .execute();
      }
      // A review decides a declared ground once: set whatever the order of the writes.
      if (change.priorityStatus) {
        await tx.updateTable('applications').set({ priority_status: change.priorityStatus }).where('id', '=', change.applicationId).where('priority_status', '=', 'DECLARED').execute();
      }
      const { notice } = change;
      return notice && recordNotice(tx, undefined, { applicationId: change.applicationId, effectKey: `stage-${change.seq}`, at: change.at, ...notice });
    });
    // After the commit: the delivery reads the row it is started for. A retry starts it again, which is harmless.
    if (noticeId) await startDelivery?.('application', noticeId);
  },

  /**
   * The applicant's choice of delivery (the address itself is written by the API, never carried here). Only a
   * newer choice moves it: an attempt that outlived its timeout and commits late never undoes a later change.
   */
  async recordDeliveryMethod(req: { applicationId: string; method: 'PICKUP' | 'POS'; at: string; version?: number }): Promise<void> {
    await db
      .updateTable('applications')
      .set({ ...newerDeliveryMethod(req.method, req.at, req.version), updated_at: req.at })
      .where('id', '=', req.applicationId)
      .execute();
  },
});
