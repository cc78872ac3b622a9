// Officers of one office: today's queue, and the stage actions (interview, BAP, printing, hand-over, the review of a declared priority).
// The officer's id travels with each update, so the audit log says who moved the application.
import { createRoute } from '@hono/zod-openapi';
import type { UpdateDefinition } from '@temporalio/common';
import type { Context, MiddlewareHandler } from 'hono';
import { applicationDetail, officeQueue } from '../../db/queries/applications.js';
import { normaliseTrackingCode } from '../../managers/visibility.js';
import { findOffice } from '../../db/queries/offices.js';
import { localDate } from '../../workflows/calendar.js';
import { recordBap, recordHandover, recordInterview, recordPrinting, reviewPriority } from '../../workflows/definitions.js';
import { requireRole, type StaffClaims } from '../auth.js';
import { requireNearToday } from '../horizon.js';
import { HttpProblem } from '../problems.js';
import { jsonBody, jsonResponse, newRouter, problems, retrySafe, type ApiDeps } from '../router.js';
import { runStep, stepResponses } from '../steps.js';
import {
  actionResultSchema,
  applicationDetailSchema,
  applicationIdParams,
  bapSchema,
  idempotencyHeaders,
  interviewSchema,
  officerTrackingQuery,
  printingSchema,
  priorityReviewSchema,
  queueQuery,
  queueSchema,
} from '../schemas.js';

type OfficerEnv = { Variables: { claims: StaffClaims } };

const officer = { tags: ['officers'], security: [{ bearer: [] }] };
const officerAction = {
  ...officer,
  method: 'post' as const,
  responses: { 200: jsonResponse('The application after the step', actionResultSchema), ...stepResponses, ...problems(400, 401, 403, 404, 409, 422) },
};

const queue = createRoute({
  ...officer,
  method: 'get',
  path: '/officer/queue',
  summary: "The office's work for a day: interviews booked that day, passports to print, passports to hand over",
  description: "Without `date`, today (office local). Under the demo clock (DEMO_DAY_SECONDS) today's queue holds every interview booked, whatever its date: each appointment day opened at its booking.",
  request: { query: queueQuery },
  responses: { 200: jsonResponse('Queue, by stage then appointment', queueSchema), ...problems(400, 401, 403) },
});
const read = createRoute({
  ...officer,
  method: 'get',
  path: '/officer/applications/{applicationId}',
  summary: "An application of the officer's office, with the applicant's identity to check at the counter",
  request: { params: applicationIdParams },
  responses: { 200: jsonResponse('Application', applicationDetailSchema), ...problems(400, 401, 403, 404) },
});
const byTrackingCode = createRoute({
  ...officer,
  method: 'get',
  path: '/officer/applications',
  summary: "An application of the officer's office found by its tracking code (typed, or scanned from its QR)",
  description: "Another office's application is answered as no application (404): an officer learns of their own office's only.",
  request: { query: officerTrackingQuery },
  responses: { 200: jsonResponse('Application', applicationDetailSchema), ...problems(400, 401, 403, 404) },
});
const interview = createRoute({
  ...officerAction,
  path: '/officer/applications/{applicationId}/interview',
  summary: 'Record the interview outcome (photo and biometrics taken): APPROVED, REJECTED with a reason, or NO_SHOW',
  request: { params: applicationIdParams, headers: idempotencyHeaders, body: jsonBody(interviewSchema) },
});
const bap = createRoute({
  ...officerAction,
  path: '/officer/applications/{applicationId}/bap',
  summary: 'Record the BAP (investigation report) of a LOST or DAMAGED passport, before approval',
  request: { params: applicationIdParams, headers: idempotencyHeaders, body: jsonBody(bapSchema) },
});
const printing = createRoute({
  ...officerAction,
  path: '/officer/applications/{applicationId}/printing',
  summary: 'Record that the passport is printed, with its number',
  request: { params: applicationIdParams, headers: idempotencyHeaders, body: jsonBody(printingSchema) },
});
const priorityReview = createRoute({
  ...officerAction,
  path: '/officer/applications/{applicationId}/priority-review',
  summary: "Confirm the applicant's declared priority ground (DISABILITY, PREGNANCY) on the appointment day, or record it as false",
  description:
    'Only while the application waits for its interview, the declaration is not yet reviewed, and on the appointment day (office local); else 409. ' +
    'A false declaration is recorded; a priority seat is then changed for a regular seat of the same session if one is free, else the applicant ' +
    'is sent back to book a regular seat (their one change of session is not used). The interview is refused until the declaration is reviewed.',
  request: { params: applicationIdParams, headers: idempotencyHeaders, body: jsonBody(priorityReviewSchema) },
});
const handover = createRoute({
  ...officerAction,
  path: '/officer/applications/{applicationId}/handover',
  summary: 'Record that the applicant collected the passport',
  request: { params: applicationIdParams, headers: idempotencyHeaders },
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const officerRoutes = (deps: ApiDeps) => {
  const { db } = deps;
  /**
   * Another office's application is refused before anything is read or sent. Unlike an applicant's 404,
   * this 403 names the office: officers are staff, and it tells them where to send the applicant.
   */
  const ownOffice: MiddlewareHandler<OfficerEnv> = async (c, next) => {
    const id = /^\/officer\/applications\/([^/]+)/.exec(c.req.path)?.[1];
    if (id && UUID.test(id)) {
      const application = await db.selectFrom('applications').select('office_code').where('id', '=', id).executeTakeFirst();
      if (!application) throw new HttpProblem('not-found', 'no such application');
      if (application.office_code !== c.get('claims').office) throw new HttpProblem('forbidden', `the application belongs to office ${application.office_code}`);
    }
    await next();
  };
  const by = (c: { get(key: 'claims'): StaffClaims }) => ({ officerId: c.get('claims').sub, officeCode: c.get('claims').office });
  /** An officer's step: the Idempotency-Key checked against the officer's own request, then the update under the step deadline. */
  const step = async <Ret, Arg>(c: Context<OfficerEnv>, applicationId: string, update: UpdateDefinition<Ret, [Arg]>, args: [Arg], request: unknown) =>
    runStep(deps, { applicationId, applicationUrl: `/officer/applications/${applicationId}`, update, args, retry: await retrySafe(c, db, update, request) });

  const router = newRouter<OfficerEnv>();
  router.use('/officer/*', requireRole(deps.config.JWT_SECRET, 'officer'), ownOffice);
  return router
    .openapi(queue, async (c) => {
      const officeCode = c.get('claims').office;
      const office = await findOffice(db, officeCode);
      if (!office) throw new HttpProblem('forbidden', `the token's office ${officeCode} does not exist`);
      const today = localDate(new Date(), office.time_zone);
      const asked = c.req.valid('query').date;
      const date = asked ?? today;
      requireNearToday('query.date', date, today, deps.config.BOOKING_HORIZON_DAYS);
      // Under the demo clock every booked appointment's day opened at its booking: today's queue holds them all.
      const items = await officeQueue(db, officeCode, date, { everyInterview: !asked && deps.config.DEMO_DAY_SECONDS !== undefined });
      return c.json({ officeCode, date, items }, 200);
    })
    .openapi(byTrackingCode, async (c) => {
      const trackingCode = normaliseTrackingCode(c.req.valid('query').trackingCode);
      const found =
        trackingCode &&
        (await db.selectFrom('applications').select('id').where('tracking_code', '=', trackingCode).where('office_code', '=', c.get('claims').office).executeTakeFirst());
      if (!found) throw new HttpProblem('not-found', 'no application of your office has this tracking code');
      return c.json(await applicationDetail(db, found.id), 200);
    })
    .openapi(read, async (c) => c.json(await applicationDetail(db, c.req.valid('param').applicationId), 200))
    .openapi(interview, async (c) => c.json(await step(c, c.req.valid('param').applicationId, recordInterview, [{ ...c.req.valid('json'), ...by(c) }], c.req.valid('json')), 200))
    .openapi(bap, async (c) => c.json(await step(c, c.req.valid('param').applicationId, recordBap, [{ ...c.req.valid('json'), ...by(c) }], c.req.valid('json')), 200))
    .openapi(printing, async (c) => c.json(await step(c, c.req.valid('param').applicationId, recordPrinting, [{ ...c.req.valid('json'), ...by(c) }], c.req.valid('json')), 200))
    .openapi(priorityReview, async (c) =>
      c.json(await step(c, c.req.valid('param').applicationId, reviewPriority, [{ ...c.req.valid('json'), ...by(c) }], c.req.valid('json')), 200),
    )
    .openapi(handover, async (c) => c.json(await step(c, c.req.valid('param').applicationId, recordHandover, [by(c)], undefined), 200));
};
