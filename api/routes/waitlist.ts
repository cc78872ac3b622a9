// Applicants, with their own token: wait for a full session of the application's office (one entry per
// application), see the place in line and an offer, leave, and accept a seat offered to this application.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { UpdateDefinition } from '@temporalio/common';
import { latestWaitlistEntry } from '../../db/queries/waitlist.js';
import { acceptSeatOffer, joinWaitlist, leaveWaitlist, type ApplicationState } from '../../workflows/definitions.js';
import { requireRole, type ApplicantEnv } from '../auth.js';
import { officeWindow, requireBookable } from '../horizon.js';
import { HttpProblem } from '../problems.js';
import { jsonBody, jsonResponse, newRouter, problems, retrySafe, type ApiDeps } from '../router.js';
import { runStep, stepResponses } from '../steps.js';
import {
  actionResultSchema,
  appointmentSchema,
  applicationIdParams,
  bookingSchema,
  idempotencyHeaders,
  seatOfferAcceptanceSchema,
  waitlistEntrySchema,
  waitlistPositionSchema,
} from '../schemas.js';

const applicant = { tags: ['applicants'], security: [{ bearer: [] }] };
const path = '/applications/{applicationId}/waitlist';

const join = createRoute({
  ...applicant,
  method: 'post',
  path,
  summary: 'Wait for a full session (paid, nothing booked): a seat freed there is offered to the first in line',
  description: 'One entry per application. 409 when the session has seats of a kind the application may take (book it instead), when the application already waits, or before payment.',
  request: { params: applicationIdParams, headers: idempotencyHeaders, body: jsonBody(bookingSchema) },
  responses: { 201: jsonResponse('In line', waitlistPositionSchema), ...stepResponses, ...problems(400, 401, 403, 404, 409, 422) },
});

const read = createRoute({
  ...applicant,
  method: 'get',
  path,
  summary: "The application's waitlist entry: its place in line, and the seat offered to it with the offer's expiry",
  request: { params: applicationIdParams },
  responses: { 200: jsonResponse('The latest entry, or null', waitlistEntrySchema), ...problems(400, 401, 403, 404) },
});

const leave = createRoute({
  ...applicant,
  method: 'delete',
  path,
  summary: 'Leave the waitlist; a seat offered to this application goes to the next in line',
  request: { params: applicationIdParams, headers: idempotencyHeaders },
  responses: { 200: jsonResponse('The application', actionResultSchema), ...stepResponses, ...problems(400, 401, 403, 404, 409, 422) },
});

const accept = createRoute({
  ...applicant,
  method: 'post',
  path: `${path}/accept`,
  summary: 'Take the seat offered to this application before the offer expires: booked like any booking',
  request: { params: applicationIdParams, headers: idempotencyHeaders, body: jsonBody(seatOfferAcceptanceSchema) },
  responses: { 200: jsonResponse('Booked', appointmentSchema), ...stepResponses, ...problems(400, 401, 403, 404, 409, 422) },
});

export const waitlistRoutes = (deps: ApiDeps) => {
  const { db } = deps;
  /** The caller's own application; another account's answers exactly as an unknown id does. */
  const own = async (c: Context<ApplicantEnv>, applicationId: string) => {
    const row = await db.selectFrom('applications').select(['id', 'office_code', 'account_id']).where('id', '=', applicationId).executeTakeFirst();
    if (!row || row.account_id !== c.get('claims').sub) throw new HttpProblem('not-found', 'you have no application with this id');
    return row;
  };
  const step = async <Ret, Arg>(c: Context<ApplicantEnv>, id: string, update: UpdateDefinition<Ret, [Arg]>, args: [Arg]) =>
    runStep(deps, { applicationId: id, applicationUrl: `/applications/${id}`, update, args, retry: await retrySafe(c, db, update, args[0]) });

  const router = newRouter<ApplicantEnv>();
  router.use('/applications/:applicationId/waitlist', requireRole(deps.config.JWT_SECRET, 'applicant'));
  router.use('/applications/:applicationId/waitlist/*', requireRole(deps.config.JWT_SECRET, 'applicant'));
  return router
    .openapi(join, async (c) => {
      const { id, office_code } = await own(c, c.req.valid('param').applicationId);
      const request = c.req.valid('json');
      requireBookable('date', request.date, await officeWindow(db, office_code, deps.config.BOOKING_HORIZON_DAYS));
      return c.json(await step(c, id, joinWaitlist, [request]), 201);
    })
    .openapi(read, async (c) => {
      const { id } = await own(c, c.req.valid('param').applicationId);
      return c.json({ entry: (await latestWaitlistEntry(db, id)) ?? null }, 200);
    })
    .openapi(leave, async (c) => {
      const { id } = await own(c, c.req.valid('param').applicationId);
      // The update takes no argument; the step's helper sends one, which the handler ignores.
      const leaving = leaveWaitlist as unknown as UpdateDefinition<ApplicationState, [Record<string, never>]>;
      return c.json(await step(c, id, leaving, [{}]), 200);
    })
    .openapi(accept, async (c) => {
      const { id } = await own(c, c.req.valid('param').applicationId);
      return c.json(await step(c, id, acceptSeatOffer, [c.req.valid('json')]), 200);
    });
};
