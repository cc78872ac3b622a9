// Applicants: submit an application, book a session.
import { createRoute } from '@hono/zod-openapi';
import { bookSession, workflowIdFor } from '../../workflows/definitions.js';
import { HttpProblem } from '../problems.js';
import { jsonBody, jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { appointmentSchema, applicationIdParams, bookingSchema, submissionSchema, submittedSchema } from '../schemas.js';
import { submitApplication, UnknownReference } from '../submission.js';

const submit = createRoute({
  method: 'post',
  path: '/applications',
  tags: ['applicants'],
  summary: 'Submit a passport application; returns the billing code to pay and the tracking code',
  request: { body: jsonBody(submissionSchema) },
  responses: { 201: jsonResponse('Submitted', submittedSchema), ...problems(400) },
});

const book = createRoute({
  method: 'post',
  path: '/applications/{applicationId}/booking',
  tags: ['applicants'],
  summary: 'Book an interview session at the application office (after payment)',
  request: { params: applicationIdParams, body: jsonBody(bookingSchema) },
  responses: { 200: jsonResponse('Booked', appointmentSchema), ...problems(400, 404, 409) },
});

export const applicantRoutes = (deps: ApiDeps) =>
  newRouter()
    .openapi(submit, async (c) => {
      try {
        return c.json(await submitApplication(deps, c.req.valid('json')), 201);
      } catch (error) {
        if (error instanceof UnknownReference) throw new HttpProblem('validation', error.message, [{ field: error.field, reason: error.message }]);
        throw error;
      }
    })
    .openapi(book, async (c) => {
      const { applicationId } = c.req.valid('param');
      const handle = deps.temporal.workflow.getHandle(workflowIdFor(applicationId));
      const appointment = await handle.executeUpdate(bookSession, { args: [c.req.valid('json')] });
      return c.json(appointment, 200);
    });
