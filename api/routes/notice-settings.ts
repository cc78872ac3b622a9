// Applicants, with their own token: how their notices reach them (language and channels), per application,
// read by the sending activity at each send, so a change holds from the next notice on; and the notices sent.
import { createRoute } from '@hono/zod-openapi';
import { sql, type Kysely } from 'kysely';
import { applicantNotices } from '../../db/queries/notices.js';
import type { DB } from '../../db/schema.js';
import type { NoticeChannel } from '../../workflows/definitions.js';
import { requireRole, type ApplicantEnv } from '../auth.js';
import { HttpProblem } from '../problems.js';
import { jsonBody, jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { applicationIdParams, applicantNoticesSchema, noticeSettingsResultSchema, noticeSettingsSchema } from '../schemas.js';

const applicant = { tags: ['applicants'], security: [{ bearer: [] }] };
const path = '/applications/{applicationId}/notice-settings';

const read = createRoute({
  ...applicant,
  method: 'get',
  path,
  summary: "Your notices' language and channels for this application",
  request: { params: applicationIdParams },
  responses: { 200: jsonResponse('The notice settings', noticeSettingsResultSchema), ...problems(400, 401, 403, 404) },
});

const change = createRoute({
  ...applicant,
  method: 'put',
  path,
  summary: "Change your notices' language and channels for this application, from the next notice on",
  description: 'Both settings are given each time. The same settings again change nothing (`changedAt` stays).',
  request: { params: applicationIdParams, body: jsonBody(noticeSettingsSchema) },
  responses: { 200: jsonResponse('The notice settings now', noticeSettingsResultSchema), ...problems(400, 401, 403, 404) },
});

const sent = createRoute({
  ...applicant,
  method: 'get',
  path: '/applications/{applicationId}/notices',
  summary: 'The notices sent to you about this application, newest first: kind, when, and per channel where its delivery stands',
  request: { params: applicationIdParams },
  responses: { 200: jsonResponse('The notices', applicantNoticesSchema), ...problems(400, 401, 403, 404) },
});

/** The caller's own application's settings; another account's application answers as an unknown id does. */
async function ownSettings(db: Kysely<DB>, applicationId: string, accountId: string) {
  const row = await db
    .selectFrom('applications')
    .select(['language', 'notice_channels', 'notice_settings_at'])
    .where('id', '=', applicationId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row) throw new HttpProblem('not-found', 'you have no application with this id');
  return { language: row.language, noticeChannels: row.notice_channels, changedAt: row.notice_settings_at?.toISOString() ?? null };
}

export const noticeSettingsRoutes = (deps: ApiDeps) => {
  const { db } = deps;
  const router = newRouter<ApplicantEnv>();
  router.use(path.replace('{applicationId}', ':applicationId'), requireRole(deps.config.JWT_SECRET, 'applicant'));
  router.use('/applications/:applicationId/notices', requireRole(deps.config.JWT_SECRET, 'applicant'));
  return router
    .openapi(sent, async (c) => {
      const { applicationId } = c.req.valid('param');
      await ownSettings(db, applicationId, c.get('claims').sub); // another account's: 404, as an unknown id
      return c.json(await applicantNotices(db, applicationId), 200);
    })
    .openapi(read, async (c) => c.json(await ownSettings(db, c.req.valid('param').applicationId, c.get('claims').sub), 200))
    .openapi(change, async (c) => {
      const { applicationId } = c.req.valid('param');
      const { language, noticeChannels } = c.req.valid('json');
      const accountId = c.get('claims').sub;
      // Only a change is recorded: the same request again leaves the row, and its changedAt, as it was.
      await db
        .updateTable('applications')
        .set({ language, notice_channels: noticeChannels, notice_settings_at: sql`now()` })
        .where('id', '=', applicationId)
        .where('account_id', '=', accountId)
        .where((eb) => eb.or([eb('language', '!=', language), eb('notice_channels', '!=', sql<NoticeChannel[]>`${noticeChannels}::text[]`)]))
        .execute();
      return c.json(await ownSettings(db, applicationId, accountId), 200);
    });
};
