// Submission: the personal data goes to PostgreSQL, and the workflow starts with ids and codes only.
import { randomInt, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { DB, IncidentReport } from '../db/schema.js';
import { withStepDeadline } from './steps.js';
import {
  ApplicationTypeKey,
  OfficeCode,
  PassportStage,
  TERMINAL_STAGES,
  WORKFLOW_TYPE,
  workflowIdFor,
  type ApplicationInput,
  type ApplicationType,
  type DeliveryMethod,
  type Policy,
} from '../workflows/definitions.js';

export interface Submission {
  applicationType: ApplicationType;
  product: string;
  officeCode: string;
  nik: string;
  fullName: string;
  sex: 'M' | 'F';
  birthDate: string;
  email: string;
  phone: string;
  deliveryMethod: DeliveryMethod;
  address?: string;
  oldPassportNumber?: string;
  incidentReport?: IncidentReport;
}

export interface Submitted {
  applicationId: string;
  trackingCode: string;
  billingCode: string;
  amount: number;
  paymentDeadline: string;
}

/** Thrown for a submission that names something that does not exist. */
export class UnknownReference extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** Thrown when the rules on who may apply refuse the submission. */
export class SubmissionRefused extends Error {
  constructor(readonly reason: 'active-application' | 'account-limit', message: string) {
    super(message);
  }
}

/** The predicate of the partial unique index `applications_one_active_per_nik` (migration 101), as its conflict target. */
const ONE_ACTIVE_PER_NIK = sql<boolean>`stage not in (${sql.join(TERMINAL_STAGES.map((stage) => sql.lit(stage)))})`;

const TRACKING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'; // no 0/O, 1/I/L: read aloud and typed by people
/** 12 random characters (~59 bits): unguessable, and short enough to type from an SMS. */
export const newTrackingCode = (): string =>
  Array.from({ length: 12 }, (_, i) => (i > 0 && i % 4 === 0 ? '-' : '') + TRACKING_ALPHABET[randomInt(TRACKING_ALPHABET.length)]).join('');
/** The bank's 15-digit billing code (kode billing). */
export const newBillingCode = (): string => String(randomInt(1, 10)) + Array.from({ length: 14 }, () => randomInt(10)).join('');

export async function submitApplication(
  deps: {
    db: Kysely<DB>;
    temporal: Client;
    taskQueue: string;
    policy: Policy;
    config?: Pick<Config, 'WORKFLOW_STEP_TIMEOUT_SECONDS'>;
    /** The clock the billing's deadline counts from: the wall clock, or a time-skipping test server's. */
    now?: () => Promise<Date>;
  },
  submission: Submission,
  /** The applicant's account, which may apply for at most `maxPeople` people at a time. */
  account?: { id: string; maxPeople: number },
): Promise<Submitted> {
  const { db, temporal, taskQueue, policy } = deps;
  // A retired office or product is refused as an unknown one: it takes no new application.
  const office = await db.selectFrom('offices').select('code').where('code', '=', submission.officeCode).where('retired_at', 'is', null).executeTakeFirst();
  if (!office) throw new UnknownReference('officeCode', `no immigration office with code ${submission.officeCode}`);
  const fee = await db
    .selectFrom('fee_schedule')
    .select('amount')
    .where('code', '=', submission.product)
    .where('kind', '=', 'PRODUCT')
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  if (!fee) throw new UnknownReference('product', `no passport product ${submission.product}`);

  const applicationId = randomUUID();
  const trackingCode = newTrackingCode();
  const billingCode = newBillingCode();
  const now = deps.now ? await deps.now() : new Date();
  const paymentDeadline = new Date(now.getTime() + policy.paymentWindowMs).toISOString();
  await db.transaction().execute(async (tx) => {
    if (account) {
      // The account row is the lock: two submissions of one family are counted one after the other.
      await tx.selectFrom('accounts').select('id').where('id', '=', account.id).forUpdate().executeTakeFirstOrThrow();
      const others = await tx
        .selectFrom('applications')
        .select('nik')
        .distinct()
        .where('account_id', '=', account.id)
        .where('stage', 'not in', TERMINAL_STAGES)
        .where('nik', '!=', submission.nik)
        .execute();
      if (others.length >= account.maxPeople) {
        throw new SubmissionRefused('account-limit', `one account may apply for at most ${account.maxPeople} people at a time; this one has applications in progress for ${others.length}`);
      }
    }
    // Refused without an error: a unique violation would write its key, the NIK, into PostgreSQL's log.
    const stored = await tx
      .insertInto('applications')
      .values({
        id: applicationId,
        tracking_code: trackingCode,
        billing_code: billingCode,
        application_type: submission.applicationType,
        product: submission.product,
        office_code: office.code,
        amount: fee.amount,
        nik: submission.nik,
        full_name: submission.fullName,
        birth_date: submission.birthDate,
        email: submission.email,
        phone: submission.phone,
        delivery_method: submission.deliveryMethod,
        delivery_address: submission.address ?? null,
        account_id: account?.id ?? null,
        sex: submission.sex,
        old_passport_number: submission.oldPassportNumber ?? null,
        incident_report: submission.incidentReport ? JSON.stringify(submission.incidentReport) : null,
        stage: 'AWAITING_PAYMENT',
        stage_entered_at: now,
        next_deadline: paymentDeadline,
        payment_deadline: paymentDeadline,
      })
      .onConflict((oc) => oc.column('nik').where(ONE_ACTIVE_PER_NIK).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!stored) {
      throw new SubmissionRefused('active-application', 'this NIK already has an application in progress; it must complete, be cancelled or expire before another one');
    }
  });

  const input: ApplicationInput = {
    applicationId,
    officeCode: office.code,
    applicationType: submission.applicationType,
    billingCode,
    amount: fee.amount,
    deliveryMethod: submission.deliveryMethod,
    policy,
    paymentDeadline,
  };
  try {
    const start = () => temporal.workflow.start(WORKFLOW_TYPE, {
      workflowId: workflowIdFor(applicationId),
      taskQueue,
      args: [input],
      staticSummary: `${submission.applicationType} passport (${submission.product}) at ${office.code}`,
      typedSearchAttributes: [
        { key: PassportStage, value: 'AWAITING_PAYMENT' },
        { key: OfficeCode, value: office.code },
        { key: ApplicationTypeKey, value: submission.applicationType },
      ],
    });
    // Bounded: a Temporal that does not answer gives a 503 (and the application is not kept), never a hang.
    if (deps.config) await withStepDeadline({ temporal, config: deps.config }, start);
    else await start();
  } catch (error) {
    // No workflow, no application: the applicant retries and nothing half-made remains.
    await db.deleteFrom('applications').where('id', '=', applicationId).execute();
    throw error;
  }
  return { applicationId, trackingCode, billingCode, amount: fee.amount, paymentDeadline };
}
