// Submission: the personal data goes to PostgreSQL, and the workflow starts with ids and codes only.
import { randomInt, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { sql, type InsertObject, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DB, IncidentReport, WorkflowStart } from '../db/schema.js';
import { RegistryUnavailable, type PopulationRegistry, type RegistryField } from './registry.js';
import { withStepDeadline } from './steps.js';
import { confirmStarted, startSummary, startWorkflow } from './workflow-starts.js';
import { localDate } from '../workflows/calendar.js';
import {
  TERMINAL_STAGES,
  type ApplicationType,
  type DeliveryMethod,
  type NoticeChannel,
  type NoticeLanguage,
  type Policy,
  type PriorityGround,
  type PriorityStatus,
  type ServiceLevel,
  type SessionQuotas,
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
  /** The notices' language and channels; unset: Bahasa Indonesia, by email and WhatsApp (the column defaults). */
  language?: NoticeLanguage;
  noticeChannels?: NoticeChannel[];
  /** REGULAR (unset) or SAME_DAY (percepatan: its service fee billed too). */
  service?: ServiceLevel;
  /** A declared ground for a priority seat; one the birth date gives (ELDERLY, UNDER_FIVE) wins over it. */
  priority?: 'DISABILITY' | 'PREGNANCY';
}

export interface Submitted {
  applicationId: string;
  trackingCode: string;
  billingCode: string;
  amount: number;
  paymentDeadline: string;
  /** The civil-registry check: MATCH, or PENDING when the registry did not answer (checked again before payment is due). */
  registryCheck?: 'MATCH' | 'PENDING';
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

/** Thrown when the population registry does not confirm the identity: the fields it disagrees with (nik: no such resident). */
export class RegistryRefused extends Error {
  constructor(readonly fields: Array<RegistryField | 'nik'>) {
    super(fields.includes('nik') ? 'the population registry (Dukcapil) has no resident with this NIK' : `the population registry (Dukcapil) does not confirm ${fields.join(' and ')} for this NIK`);
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

type SubmissionDeps = {
  db: Kysely<DB>;
  temporal: Client;
  taskQueue: string;
  policy: Policy;
  config?: Pick<Config, 'WORKFLOW_STEP_TIMEOUT_SECONDS'>;
  /** The clock the billing's deadline counts from: the wall clock, or a time-skipping test server's. */
  now?: () => Promise<Date>;
  log?: Logger;
  /** The population registry (Dukcapil); without it no check is made (only outside production: scripts/api.ts). */
  registry?: PopulationRegistry;
};
/** The applicant's account, which may apply for at most `maxPeople` people at a time. */
type Account = { id: string; maxPeople: number };

/**
 * The office, the product's fee and, for same-day service (percepatan), the SAME_DAY service fee added to it. A
 * retired office or product is refused as an unknown one: it takes no new application. So is same-day service at
 * an office with no same-day seats, or while the fee schedule has no SAME_DAY fee in force.
 */
async function officeAndFee(db: Kysely<DB>, submission: Submission): Promise<{ officeCode: string; timeZone: string; amount: number }> {
  const office = await db
    .selectFrom('offices')
    .select(['code', 'time_zone', 'session_quotas'])
    .where('code', '=', submission.officeCode)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  if (!office) throw new UnknownReference('officeCode', `no immigration office with code ${submission.officeCode}`);
  const fee = (code: string, kind: 'PRODUCT' | 'SERVICE') =>
    db.selectFrom('fee_schedule').select('amount').where('code', '=', code).where('kind', '=', kind).where('retired_at', 'is', null).executeTakeFirst();
  const product = await fee(submission.product, 'PRODUCT');
  if (!product) throw new UnknownReference('product', `no passport product ${submission.product}`);
  let amount = product.amount;
  if (submission.service === 'SAME_DAY') {
    if (!sameDaySeats(office.session_quotas)) throw new UnknownReference('service', `office ${office.code} offers no same-day service (percepatan)`);
    const sameDay = await fee('SAME_DAY', 'SERVICE');
    if (!sameDay) throw new UnknownReference('service', 'same-day service (percepatan) has no fee in force in the fee schedule');
    amount += sameDay.amount;
  }
  return { officeCode: office.code, timeZone: office.time_zone, amount };
}

const sameDaySeats = (quotas: SessionQuotas): boolean => quotas.MORNING.SAME_DAY + quotas.AFTERNOON.SAME_DAY > 0;

/** Whole years from `birthDate` to `today` (both YYYY-MM-DD): a birthday today counts; 29 February's is 1 March in other years. */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const before = tm < bm || (tm === bm && td < bd);
  return ty - by - (before ? 1 : 0);
}

/**
 * The ground for a priority seat: from the birth date on the day of submission (office local), 60 and over or
 * under five, AUTOMATIC; else the declared one, until the officer reviews it.
 */
export function priorityOf(birthDate: string, today: string, declared: PriorityGround | undefined): { ground: PriorityGround; status: PriorityStatus } | undefined {
  const age = ageOn(birthDate, today);
  if (age >= 60) return { ground: 'ELDERLY', status: 'AUTOMATIC' };
  if (age < 5) return { ground: 'UNDER_FIVE', status: 'AUTOMATIC' };
  return declared && { ground: declared, status: 'DECLARED' };
}

/**
 * The registry's word on the identity, before anything is stored: a MISMATCH or NOT_FOUND refuses the submission;
 * a registry that cannot answer (down, slow, unreadable) leaves the check PENDING. Undefined: no registry to ask.
 */
async function registryCheck(deps: SubmissionDeps, submission: Submission, applicationId: string): Promise<'MATCH' | 'PENDING' | undefined> {
  if (!deps.registry) return undefined;
  try {
    const verdict = await deps.registry.verify({ nik: submission.nik, fullName: submission.fullName, birthDate: submission.birthDate });
    if (verdict.status === 'NOT_FOUND') throw new RegistryRefused(['nik']);
    if (verdict.status === 'MISMATCH') throw new RegistryRefused(verdict.fields);
    return 'MATCH';
  } catch (error) {
    if (!(error instanceof RegistryUnavailable)) throw error;
    deps.log?.warn({ applicationId, reason: error.message }, 'population registry unavailable at submission; the check is pending and is made again before payment is due');
    return 'PENDING';
  }
}

/** Stores the application in one transaction, under the rules on who may apply (one active per NIK, people per account). */
async function storeApplication(db: Kysely<DB>, application: InsertObject<DB, 'applications'>, account: Account | undefined): Promise<void> {
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
        .where('nik', '!=', application.nik)
        .execute();
      if (others.length >= account.maxPeople) {
        throw new SubmissionRefused('account-limit', `one account may apply for at most ${account.maxPeople} people at a time; this one has applications in progress for ${others.length}`);
      }
    }
    // Refused without an error: a unique violation would write its key, the NIK, into PostgreSQL's log.
    const stored = await tx
      .insertInto('applications')
      .values(application)
      .onConflict((oc) => oc.column('nik').where(ONE_ACTIVE_PER_NIK).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!stored) {
      throw new SubmissionRefused('active-application', 'this NIK already has an application in progress; it must complete, be cancelled or expire before another one');
    }
  });
}

/**
 * Starts the stored application's workflow within the step deadline. False when Temporal did not confirm it:
 * the application keeps its start, tried again with the same workflow id (api/workflow-starts.ts).
 */
async function firstStart(deps: SubmissionDeps, start: WorkflowStart): Promise<boolean> {
  const { temporal } = deps;
  try {
    if (deps.config) await withStepDeadline({ temporal, config: deps.config }, () => startWorkflow(temporal, start));
    else await startWorkflow(temporal, start);
    await confirmStarted(deps.db, start.input.applicationId);
    return true;
  } catch (error) {
    deps.log?.warn({ applicationId: start.input.applicationId, err: error }, 'workflow start not confirmed at submission; it is tried again shortly');
    return false;
  }
}

/**
 * Stores the application, then starts its workflow. Once stored it is never undone: a start Temporal did not
 * confirm answers `workflowStarted: false` (the API's 202) and happens shortly.
 */
export async function submitApplication(deps: SubmissionDeps, submission: Submission, account?: Account): Promise<Submitted & { workflowStarted: boolean }> {
  const { officeCode, timeZone, amount } = await officeAndFee(deps.db, submission);
  const applicationId = randomUUID();
  const registry = await registryCheck(deps, submission, applicationId);
  const trackingCode = newTrackingCode();
  const billingCode = newBillingCode();
  const now = deps.now ? await deps.now() : new Date();
  const service = submission.service ?? 'REGULAR';
  const priority = priorityOf(submission.birthDate, localDate(now, timeZone), submission.priority);
  const paymentDeadline = new Date(now.getTime() + deps.policy.paymentWindowMs).toISOString();
  const { applicationType, deliveryMethod } = submission;
  const start: WorkflowStart = {
    taskQueue: deps.taskQueue,
    summary: startSummary({ trackingCode, applicationType, product: submission.product, officeCode }),
    input: {
      applicationId,
      trackingCode,
      officeCode,
      applicationType,
      billingCode,
      amount,
      deliveryMethod,
      policy: deps.policy,
      paymentDeadline,
      ...(service !== 'REGULAR' && { service }),
      // The workflow learns only that a ground was declared or comes from the birth date: never the ground (health data).
      ...(priority && { priority: priority.status === 'DECLARED' ? 'DECLARED' : 'BIRTH_DATE' }),
    },
  };
  // The workflow checks again while it waits for the payment (workflows/lifecycle/payment.ts).
  if (registry === 'PENDING') start.input.registryCheck = 'PENDING';
  await storeApplication(
    deps.db,
    {
      id: applicationId,
      tracking_code: trackingCode,
      billing_code: billingCode,
      application_type: applicationType,
      product: submission.product,
      office_code: officeCode,
      amount,
      nik: submission.nik,
      full_name: submission.fullName,
      birth_date: submission.birthDate,
      email: submission.email,
      phone: submission.phone,
      delivery_method: deliveryMethod,
      delivery_address: submission.address ?? null,
      account_id: account?.id ?? null,
      sex: submission.sex,
      old_passport_number: submission.oldPassportNumber ?? null,
      incident_report: submission.incidentReport ? JSON.stringify(submission.incidentReport) : null,
      language: submission.language,
      notice_channels: submission.noticeChannels,
      service,
      priority_ground: priority?.ground ?? null,
      priority_status: priority?.status ?? null,
      stage: 'AWAITING_PAYMENT',
      stage_entered_at: now,
      next_deadline: paymentDeadline,
      payment_deadline: paymentDeadline,
      workflow_start: JSON.stringify(start),
      workflow_start_tried_at: sql`now()`,
      ...(registry && { registry_check: registry, registry_checked_at: registry === 'MATCH' ? sql`now()` : null }),
    },
    account,
  );
  const workflowStarted = await firstStart(deps, start);
  return { applicationId, trackingCode, billingCode, amount, paymentDeadline, ...(registry && { registryCheck: registry }), workflowStarted };
}
