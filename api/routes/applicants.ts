// Applicants, with their own token: submit, read their applications, book or change a session,
// choose the delivery, cancel before the interview. Each action is a workflow update.
import { createRoute, z } from '@hono/zod-openapi';
import type { UpdateDefinition } from '@temporalio/common';
import type { Context, MiddlewareHandler } from 'hono';
import { WorkflowFailedError } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import { applicationDetail, applicationsOfAccount } from '../../db/queries/applications.js';
import { decidedSoon } from '../../db/queries/bank-transactions.js';
import { nextAvailableSessions } from '../../db/queries/sessions.js';
import type { Application, DB } from '../../db/schema.js';
import {
  BEFORE_PRINTING_STAGES,
  PAYMENT_INQUIRY_WORKFLOW,
  REJECTIONS,
  bookSession,
  cancelApplication,
  chooseDelivery,
  paymentInquiryIdFor,
  rescheduleSession,
  seatKindsFor,
  type BankTransaction,
  type BookingRequest,
  type PaymentInquiryInput,
  type SeatKind,
  type Stage,
} from '../../workflows/definitions.js';
import { requireRole, type ApplicantClaims } from '../auth.js';
import type { BookingWindow } from '../../db/calendar.js';
import { officeWindow, requireBookable } from '../horizon.js';
import { HttpProblem, rejectionOf } from '../problems.js';
import { jsonBody, jsonResponse, newRouter, problems, retrySafe, type ApiDeps } from '../router.js';
import { rateLimited } from '../rate-limit.js';
import { runStep, stepResponses, withStepDeadline } from '../steps.js';
import {
  actionResultSchema,
  appointmentSchema,
  applicationDetailSchema,
  applicationIdParams,
  applicationSummarySchema,
  bookingSchema,
  cancellationSchema,
  deliveryChoiceSchema,
  idempotencyHeaders,
  paymentInquirySchema,
  submissionSchema,
  submittedSchema,
  problemSchema,
  submittedStartingSchema,
} from '../schemas.js';
import { registryFromConfig } from '../registry.js';
import { RegistryRefused, SubmissionRefused, submitApplication, UnknownReference } from '../submission.js';

type OwnApplication = Pick<Application, 'id' | 'office_code' | 'stage'>;
type ApplicantEnv = { Variables: { claims: ApplicantClaims; application: OwnApplication } };

const applicant = { tags: ['applicants'], security: [{ bearer: [] }] };

const submit = createRoute({
  ...applicant,
  method: 'post',
  path: '/applications',
  summary: 'Submit a passport application for yourself or a family member; returns the billing code to pay and the tracking code',
  request: { body: jsonBody(submissionSchema) },
  responses: {
    201: jsonResponse('Submitted', submittedSchema),
    202: jsonResponse(
      'Submitted and recorded, but Temporal did not confirm the start in time: processing starts shortly by itself (pay and track as usual; do not submit again)',
      submittedStartingSchema,
    ),
    ...problems(400, 401, 403, 409),
    422: {
      description: 'The population registry (Dukcapil) does not confirm the identity: `errors` names each field it disagrees with (`nik`: no such resident); nothing is stored',
      content: { 'application/problem+json': { schema: problemSchema } },
    },
  },
});

const list = createRoute({
  ...applicant,
  method: 'get',
  path: '/applications',
  summary: "Your account's applications, newest first",
  responses: { 200: jsonResponse('Applications', z.array(applicationSummarySchema)), ...problems(401, 403) },
});

const read = createRoute({
  ...applicant,
  method: 'get',
  path: '/applications/{applicationId}',
  summary: 'One of your applications, with its timeline',
  request: { params: applicationIdParams },
  responses: { 200: jsonResponse('Application', applicationDetailSchema), ...problems(400, 401, 403, 404) },
});

const book = createRoute({
  ...applicant,
  method: 'post',
  path: '/applications/{applicationId}/booking',
  summary: 'Book an interview session at the application office (once paid)',
  description: 'A full session answers 409 `/problems/slot-full` with `nextAvailable` sessions.',
  request: { params: applicationIdParams, headers: idempotencyHeaders, body: jsonBody(bookingSchema) },
  responses: { 200: jsonResponse('Booked', appointmentSchema), ...stepResponses, ...problems(400, 401, 403, 404, 409, 422) },
});

const reschedule = createRoute({
  ...applicant,
  method: 'put',
  path: '/applications/{applicationId}/booking',
  summary: 'Change the booked session, once, up to the day before the appointment',
  description: 'A full session answers 409 `/problems/slot-full` with `nextAvailable` sessions.',
  request: { params: applicationIdParams, headers: idempotencyHeaders, body: jsonBody(bookingSchema) },
  responses: { 200: jsonResponse('Rebooked', appointmentSchema), ...stepResponses, ...problems(400, 401, 403, 404, 409, 422) },
});

const delivery = createRoute({
  ...applicant,
  method: 'put',
  path: '/applications/{applicationId}/delivery',
  summary: 'Choose pickup at the office or delivery by Pos (with the address), until the passport is printed',
  request: { params: applicationIdParams, headers: idempotencyHeaders, body: jsonBody(deliveryChoiceSchema) },
  responses: { 200: jsonResponse('The application after the choice', actionResultSchema), ...stepResponses, ...problems(400, 401, 403, 404, 409, 422) },
});

const cancel = createRoute({
  ...applicant,
  method: 'post',
  path: '/applications/{applicationId}/cancel',
  summary: 'Withdraw the application before the interview; a booked seat is released',
  request: { params: applicationIdParams, headers: idempotencyHeaders, body: jsonBody(cancellationSchema) },
  responses: { 200: jsonResponse('Cancelled', actionResultSchema), ...stepResponses, ...problems(400, 401, 403, 404, 409, 422) },
});

const paymentInquiry = createRoute({
  ...applicant,
  method: 'post',
  path: '/applications/{applicationId}/payment-inquiry',
  summary: '"I paid": ask the bank now what it has for the billing code; a payment found is applied as its callback would be',
  description:
    'Each payment the bank has for the billing code goes through its bank transaction (applied to this application, or refunded with ' +
    'the reason when it cannot be); the answer says what was found and what became of it so far. Rate-limited per application ' +
    '(PAYMENT_INQUIRY_RATE_PER_HOUR, PAYMENT_INQUIRY_BURST): 429 with Retry-After. 501 when this deployment has no bank API (BANK_API_URL; not counted ' +
    'against the limit); 503 when the bank does not answer.',
  request: { params: applicationIdParams },
  responses: { 200: jsonResponse('What the bank has for the billing code', paymentInquirySchema), ...problems(400, 401, 404, 429, 501) },
});

/** How long the answer waits for the payments found to be applied (or refused): their workflows decide in moments. */
const INQUIRY_OUTCOME_WAIT_MS = 5_000;

/** What an applicant reads when the application is recorded but its processing has not started yet. */
const STARTS_SHORTLY =
  'your application is recorded, and its processing starts shortly by itself: pay the billing code as usual and follow it ' +
  'with the tracking code; do not submit it again';

/**
 * The Pos address, to PostgreSQL only (it is personal), before the workflow can print and ship. Only a newer
 * request replaces it: a retry of an older one (its Idempotency-Key first seen earlier) leaves a newer address be.
 */
async function saveDeliveryAddress(db: Kysely<DB>, id: string, address: string, askedAt: Date | undefined): Promise<void> {
  const at = askedAt ?? sql<Date>`now()`;
  const saved = await db
    .updateTable('applications')
    .set({ delivery_address: address, delivery_address_at: at })
    .where('id', '=', id)
    .where('stage', 'in', BEFORE_PRINTING_STAGES)
    .where((eb) => eb.or([eb('delivery_address_at', 'is', null), eb('delivery_address_at', '<=', at)]))
    .executeTakeFirst();
  if (saved.numUpdatedRows > 0n) return;
  const { stage } = await db.selectFrom('applications').select('stage').where('id', '=', id).executeTakeFirstOrThrow();
  if (!BEFORE_PRINTING_STAGES.includes(stage as Stage)) throw new HttpProblem('out-of-order', 'the passport is already printed; the delivery can no longer change');
}

/** The kinds of seat an application may take, as its workflow asks for them (a declaration found false: regular only). */
async function seatKindsOf(db: Kysely<DB>, id: string): Promise<SeatKind[]> {
  const row = await db.selectFrom('applications').select(['service', 'priority_ground', 'priority_status']).where('id', '=', id).executeTakeFirstOrThrow();
  return seatKindsFor({ service: row.service, priority: row.priority_status === 'NOT_CONFIRMED' ? undefined : (row.priority_ground ?? undefined) });
}

/**
 * Whether a booking would certainly be refused as full, read from the seats themselves (which the workflow's
 * reservation takes under `booked < capacity`): the application waits for a booking and holds no seat (a retry of
 * a booking that took one goes to the workflow, which answers it as before), and every kind of seat it may take
 * has its row in that session with nothing left. A kind without a row (nobody booked it yet, or none that day)
 * leaves the answer to the workflow. Under a rush for a few seats, most refusals need no workflow step.
 */
async function certainlyFull(db: Kysely<DB>, application: OwnApplication, request: BookingRequest, kinds: SeatKind[], window: BookingWindow): Promise<boolean> {
  // A date before the first bookable day is the workflow's refusal to word (400), not a full session.
  if (application.stage !== 'AWAITING_BOOKING' || request.date < window.from) return false;
  const rows = await db
    .selectFrom('appointment_slots')
    .select(['kind', 'booked', 'capacity'])
    .where('office_code', '=', application.office_code)
    .where('date', '=', request.date)
    .where('session', '=', request.session)
    .where('kind', 'in', kinds)
    .execute();
  if (!kinds.every((kind) => rows.some((r) => r.kind === kind && r.booked >= r.capacity))) return false;
  // Read after the seats: a booking that took the last seat committed its row with the count, so a retry of it
  // that saw the session full sees its seat here too.
  const held = await db.selectFrom('bookings').select('attempt').where('application_id', '=', application.id).where('released_at', 'is', null).executeTakeFirst();
  return !held;
}

/** The registry's refusal as the applicant reads it: the fields to check against their KTP, never the registry's own data. */
function registryProblem(refused: RegistryRefused): HttpProblem {
  const errors = refused.fields.map((field) => ({
    field,
    reason: field === 'nik' ? 'is not found in the population registry (Dukcapil)' : 'does not match the population registry (Dukcapil) record for this NIK',
  }));
  return new HttpProblem('registry-mismatch', `${refused.message}: check the ${refused.fields.join(' and ')} against the identity card (KTP) and submit again; nothing was stored`, errors);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const applicantRoutes = (deps: ApiDeps) => {
  const { db } = deps;
  /**
   * The application in the path must be the caller's own; checked before the body is read. Another
   * account's application answers exactly as an unknown id does, so ids cannot be probed.
   */
  const own: MiddlewareHandler<ApplicantEnv> = async (c, next) => {
    const id = /^\/applications\/([^/]+)/.exec(c.req.path)?.[1];
    if (id && UUID.test(id)) {
      const row = await db.selectFrom('applications').select(['id', 'office_code', 'stage', 'account_id']).where('id', '=', id).executeTakeFirst();
      if (!row || row.account_id !== c.get('claims').sub) throw new HttpProblem('not-found', 'you have no application with this id');
      c.set('application', row);
    }
    await next();
  };
  /** A step with the caller's Idempotency-Key (checked first, against `request`), under the step deadline. */
  const step = async <Ret, Arg>(c: Context, id: string, update: UpdateDefinition<Ret, [Arg]>, args: [Arg], retry?: { updateId?: string }) =>
    runStep(deps, { applicationId: id, applicationUrl: `/applications/${id}`, update, args, retry: retry ?? (await retrySafe(c, db, update, args[0])) });
  /** A full session: say which ones still have seats of the kinds the application may take. */
  const slotFull = async (application: OwnApplication, date: string, message: string, kinds?: SeatKind[]) =>
    new HttpProblem('slot-full', `${message}; choose another session`, undefined, {
      nextAvailable: await nextAvailableSessions(db, application.office_code, date, deps.config.BOOKING_HORIZON_DAYS, { kinds: kinds ?? (await seatKindsOf(db, application.id)) }),
    });
  const withNextAvailable = async <T>(application: OwnApplication, date: string, action: () => Promise<T>, kinds?: SeatKind[]): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      const rejection = rejectionOf(error);
      if (rejection?.type !== REJECTIONS.slotFull) throw error;
      throw await slotFull(application, date, rejection.message, kinds);
    }
  };

  /** Asks the bank through the paymentInquiry workflow (a second request while one runs joins it). */
  const askTheBank = async (applicationId: string, billingCode: string): Promise<BankTransaction[]> => {
    try {
      return await withStepDeadline(deps, () =>
        deps.temporal.workflow.execute(PAYMENT_INQUIRY_WORKFLOW, {
          workflowId: paymentInquiryIdFor(applicationId),
          taskQueue: deps.taskQueue,
          args: [{ billingCode } satisfies PaymentInquiryInput],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      );
    } catch (error) {
      if (error instanceof WorkflowFailedError) throw new HttpProblem('unavailable', 'the bank did not answer the inquiry; try again in a few minutes');
      throw error;
    }
  };

  const registry = registryFromConfig(deps.config);
  const router = newRouter<ApplicantEnv>();
  router.use('/applications/*', requireRole(deps.config.JWT_SECRET, 'applicant'), own);
  router.use('/applications/:applicationId/payment-inquiry', async (_c, next) => {
    // Asking again cannot help: answered before the rate limit, so it counts against nothing.
    if (!deps.config.BANK_API_URL) throw new HttpProblem('not-configured', "this service has no bank inquiry API configured (BANK_API_URL); the bank's callback still applies a payment");
    await next();
  });
  router.use(
    '/applications/:applicationId/payment-inquiry',
    rateLimited(db, {
      scope: 'payment-inquiry',
      perMinute: deps.config.PAYMENT_INQUIRY_RATE_PER_HOUR / 60,
      burst: deps.config.PAYMENT_INQUIRY_BURST,
      trustProxy: false,
      secret: deps.config.JWT_SECRET,
      keyOf: (c) => c.req.path,
      refusal: `at most ${deps.config.PAYMENT_INQUIRY_RATE_PER_HOUR} inquiries an hour for one application`,
    }),
  );
  return router
    .openapi(submit, async (c) => {
      try {
        const account = { id: c.get('claims').sub, maxPeople: deps.config.MAX_PEOPLE_PER_ACCOUNT };
        const { workflowStarted, ...submitted } = await submitApplication({ ...deps, registry }, c.req.valid('json'), account);
        if (workflowStarted) return c.json(submitted, 201);
        c.header('location', `/applications/${submitted.applicationId}`);
        return c.json({ ...submitted, status: 'starting' as const, detail: STARTS_SHORTLY }, 202);
      } catch (error) {
        if (error instanceof UnknownReference) throw new HttpProblem('validation', error.message, [{ field: error.field, reason: error.message }]);
        if (error instanceof SubmissionRefused) throw new HttpProblem(error.reason, error.message);
        if (error instanceof RegistryRefused) throw registryProblem(error);
        throw error;
      }
    })
    .openapi(list, async (c) => c.json(await applicationsOfAccount(db, c.get('claims').sub), 200))
    .openapi(read, async (c) => c.json(await applicationDetail(db, c.get('application').id), 200))
    .openapi(book, async (c) => {
      const application = c.get('application');
      const request = c.req.valid('json');
      const window = await officeWindow(db, application.office_code, deps.config.BOOKING_HORIZON_DAYS);
      requireBookable('date', request.date, window);
      const retry = await retrySafe(c, db, bookSession, request);
      const kinds = await seatKindsOf(db, application.id);
      if (await certainlyFull(db, application, request, kinds, window)) {
        // The workflow's own words for it (activities/booking.ts reserveSeat).
        throw await slotFull(application, request.date, `session: ${application.office_code} ${request.date} ${request.session} has no ${kinds.join(' or ')} seat left`, kinds);
      }
      const appointment = await withNextAvailable(application, request.date, () => step(c, application.id, bookSession, [request], retry), kinds);
      return c.json(appointment, 200);
    })
    .openapi(reschedule, async (c) => {
      const application = c.get('application');
      const request = c.req.valid('json');
      requireBookable('date', request.date, await officeWindow(db, application.office_code, deps.config.BOOKING_HORIZON_DAYS));
      const appointment = await withNextAvailable(application, request.date, () => step(c, application.id, rescheduleSession, [request]));
      return c.json(appointment, 200);
    })
    .openapi(delivery, async (c) => {
      const { id } = c.get('application');
      const { method, address } = c.req.valid('json');
      const retry = await retrySafe(c, db, chooseDelivery, { method, address });
      if (method === 'POS') {
        // The address is personal: it goes to PostgreSQL only, before the workflow can print and ship.
        if (address) {
          await saveDeliveryAddress(db, id, address, retry.firstSeenAt);
        } else {
          const onFile = await db.selectFrom('applications').select('delivery_address').where('id', '=', id).executeTakeFirstOrThrow();
          if (!onFile.delivery_address) throw new HttpProblem('validation', 'delivery by Pos needs an address', [{ field: 'address', reason: 'is required for delivery by Pos' }]);
        }
      }
      const state = await step(c, id, chooseDelivery, [{ method }], retry);
      return c.json(state, 200);
    })
    .openapi(cancel, async (c) => {
      const request = c.req.valid('json');
      const state = await step(c, c.get('application').id, cancelApplication, [request]);
      return c.json(state, 200);
    })
    .openapi(paymentInquiry, async (c) => {
      const { id } = c.get('application');
      const { billing_code: billingCode } = await db.selectFrom('applications').select('billing_code').where('id', '=', id).executeTakeFirstOrThrow();
      const found = await askTheBank(id, billingCode);
      const entries = await decidedSoon(db, found, INQUIRY_OUTCOME_WAIT_MS);
      const payments = entries.map((e) => ({ bank: e.bank, transactionId: e.transaction_id, amount: e.amount, paidAt: e.paid_at.toISOString(), outcome: e.outcome, reason: e.outcome_reason }));
      const applied = entries.some((e) => e.outcome === 'APPLIED' && e.application_id === id);
      const { stage } = await db.selectFrom('applications').select('stage').where('id', '=', id).executeTakeFirstOrThrow();
      const [status, detail] = applied
        ? (['applied', 'the bank has your payment, and it is applied to this application'] as const)
        : found.length > 0
          ? (['found', 'the bank has a payment for this billing code that is not applied to this application (yet, or it is refunded: see each payment)'] as const)
          : (['nothing-found', 'the bank has no payment for this billing code yet; a payment made moments ago may take a few minutes to reach it'] as const);
      return c.json({ status, detail, stage: stage as Stage, payments }, 200);
    });
};
