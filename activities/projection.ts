// Stages: all. Writes the read model and the append-only audit log of each stage change.
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Actor, Stage } from '../workflows/definitions.js';

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
  passportNumber?: string;
  posTrackingNumber?: string;
}

export const createProjectionActivities = ({ db }: { db: Kysely<DB> }) => ({
  async recordStage(change: StageChange): Promise<void> {
    await db.transaction().execute(async (tx) => {
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
          // Dated like the applicant's own choice, so a late attempt of an older choice cannot undo it.
          ...(change.deliveryMethod && { delivery_method: change.deliveryMethod, delivery_method_at: change.at }),
          ...(change.passportNumber && { passport_number: change.passportNumber }),
          ...(change.posTrackingNumber && { pos_tracking_number: change.posTrackingNumber }),
        })
        .where('id', '=', change.applicationId)
        .where('stage_seq', '<', change.seq)
        .execute();
    });
  },

  /**
   * The applicant's choice of delivery (the address itself is written by the API, never carried here). Only a
   * newer choice moves it: an attempt that outlived its timeout and commits late never undoes a later change.
   */
  async recordDeliveryMethod(req: { applicationId: string; method: 'PICKUP' | 'POS'; at: string }): Promise<void> {
    await db
      .updateTable('applications')
      .set({ delivery_method: req.method, delivery_method_at: req.at, updated_at: req.at })
      .where('id', '=', req.applicationId)
      .where((eb) => eb.or([eb('delivery_method_at', 'is', null), eb('delivery_method_at', '<=', new Date(req.at))]))
      .execute();
  },
});
