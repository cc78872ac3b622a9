// Reads of applications from the read model, shaped as the API shows them.
import type { Kysely } from 'kysely';
import type { Application, DB } from '../db/schema.js';
import type { ApplicationType, Stage } from '../workflows/definitions.js';

export const summaryOf = (a: Application) => ({
  applicationId: a.id,
  trackingCode: a.tracking_code,
  applicationType: a.application_type as ApplicationType,
  product: a.product,
  officeCode: a.office_code,
  fullName: a.full_name,
  stage: a.stage as Stage,
  stageEnteredAt: a.stage_entered_at.toISOString(),
  nextDeadline: a.next_deadline?.toISOString() ?? null,
  billingCode: a.billing_code,
  amount: a.amount,
  paymentDeadline: a.payment_deadline.toISOString(),
  appointment: a.appointment_date ? { date: a.appointment_date, session: a.appointment_session ?? '' } : null,
  deliveryMethod: a.delivery_method,
  slaDeadline: a.sla_deadline?.toISOString() ?? null,
  slaBreached: a.sla_breached,
  posTrackingNumber: a.pos_tracking_number,
  createdAt: a.created_at.toISOString(),
});

/** Everything about one application, personal data included: for its applicant and its office only. */
export async function applicationDetail(db: Kysely<DB>, id: string) {
  const a = await db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const timeline = await db.selectFrom('audit_log').select(['stage', 'at', 'actor', 'reason']).where('application_id', '=', id).orderBy('seq').execute();
  return {
    ...summaryOf(a),
    nik: a.nik,
    sex: a.sex,
    birthDate: a.birth_date,
    email: a.email,
    phone: a.phone,
    deliveryAddress: a.delivery_address,
    oldPassportNumber: a.old_passport_number,
    incidentReport: a.incident_report,
    timeline: timeline.map((e) => ({ stage: e.stage as Stage, at: e.at.toISOString(), actor: e.actor, reason: e.reason })),
  };
}
