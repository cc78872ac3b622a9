// Officers of one office: record the interview, the printing and the hand-over.
import { createRoute } from '@hono/zod-openapi';
import { recordHandover, recordInterview, recordPrinting, workflowIdFor } from '../../workflows/definitions.js';
import { requireStaff, type StaffEnv } from '../auth.js';
import { HttpProblem } from '../problems.js';
import { jsonBody, jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { actionResultSchema, applicationIdParams, interviewSchema, printingSchema } from '../schemas.js';

const officerAction = {
  method: 'post' as const,
  tags: ['officers'],
  security: [{ bearer: [] }],
  responses: { 200: jsonResponse('The application after the step', actionResultSchema), ...problems(400, 401, 403, 404, 409) },
};

const interview = createRoute({
  ...officerAction,
  path: '/officer/applications/{applicationId}/interview',
  summary: 'Record the interview outcome (photo and biometrics taken)',
  request: { params: applicationIdParams, body: jsonBody(interviewSchema) },
});
const printing = createRoute({
  ...officerAction,
  path: '/officer/applications/{applicationId}/printing',
  summary: 'Record that the passport is printed',
  request: { params: applicationIdParams, body: jsonBody(printingSchema) },
});
const handover = createRoute({
  ...officerAction,
  path: '/officer/applications/{applicationId}/handover',
  summary: 'Record that the applicant collected the passport',
  request: { params: applicationIdParams },
});

export const officerRoutes = (deps: ApiDeps) => {
  /** The application's workflow, once the officer is known to belong to its office. */
  const handleFor = async (applicationId: string, office: string) => {
    const application = await deps.db.selectFrom('applications').select('office_code').where('id', '=', applicationId).executeTakeFirst();
    if (!application) throw new HttpProblem('not-found', 'no such application');
    if (application.office_code !== office) throw new HttpProblem('forbidden', `the application belongs to office ${application.office_code}`);
    return deps.temporal.workflow.getHandle(workflowIdFor(applicationId));
  };
  const router = newRouter<StaffEnv>();
  router.use('/officer/*', requireStaff(deps.config.JWT_SECRET, ['officer']));
  return router
    .openapi(interview, async (c) => {
      const staff = c.get('staff');
      const handle = await handleFor(c.req.valid('param').applicationId, staff.office);
      const state = await handle.executeUpdate(recordInterview, { args: [{ ...c.req.valid('json'), officerId: staff.sub, officeCode: staff.office }] });
      return c.json(state, 200);
    })
    .openapi(printing, async (c) => {
      const staff = c.get('staff');
      const handle = await handleFor(c.req.valid('param').applicationId, staff.office);
      const state = await handle.executeUpdate(recordPrinting, { args: [{ ...c.req.valid('json'), officerId: staff.sub, officeCode: staff.office }] });
      return c.json(state, 200);
    })
    .openapi(handover, async (c) => {
      const staff = c.get('staff');
      const handle = await handleFor(c.req.valid('param').applicationId, staff.office);
      const state = await handle.executeUpdate(recordHandover, { args: [{ officerId: staff.sub, officeCode: staff.office }] });
      return c.json(state, 200);
    });
};
