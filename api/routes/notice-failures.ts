// Managers: notices that could not be delivered on a channel (notice_deliveries FAILED), in their scope, newest
// first. Says what and why, never to whom: no email address or phone number.
import { createRoute, z } from '@hono/zod-openapi';
import { listFailedDeliveries } from '../../db/queries/notice-deliveries.js';
import { managerScope, requireRole, type StaffClaims } from '../auth.js';
import { jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { scopeQuery } from '../schemas.js';

type ManagerEnv = { Variables: { claims: StaffClaims } };

const LIST_LIMIT = 100;

export const noticeFailuresSchema = z
  .object({
    scope: z.string(),
    items: z.array(
      z.object({
        source: z.enum(['application', 'office']).openapi({ description: "An applicant's notice (notifications) or an office's (office_notices)" }),
        noticeId: z.string(),
        kind: z.string(),
        channel: z.enum(['EMAIL', 'WHATSAPP', 'SMS']),
        attempts: z.number().int(),
        lastError: z.string().nullable().openapi({ description: "The provider's or SMTP server's answer, without the address" }),
        permanent: z.boolean().openapi({ description: 'true: refused for good (no such mailbox, not a WhatsApp number, channel not configured), not retried; false: the last attempt failed and it is retried until NOTICE_RETRY_HOURS have passed' }),
        trackingCode: z.string().nullable().openapi({ description: "The application's public tracking code; null for an office's own notice" }),
        officeCode: z.string(),
        failedAt: z.iso.datetime(),
      }),
    ),
  })
  .openapi('NoticeFailures');

const noticeFailures = createRoute({
  tags: ['managers'],
  security: [{ bearer: [] }],
  method: 'get',
  path: '/manager/notice-failures',
  request: { query: scopeQuery.pick({ office: true }) },
  summary: 'Notices whose delivery failed on a channel (kind, channel, attempts, last error, permanent or still retried), newest first',
  responses: { 200: jsonResponse('Failed deliveries', noticeFailuresSchema), ...problems(400, 401, 403) },
});

export const noticeFailureRoutes = ({ db, config }: ApiDeps) => {
  const router = newRouter<ManagerEnv>();
  router.use('/manager/notice-failures', requireRole(config.JWT_SECRET, 'manager'));
  return router.openapi(noticeFailures, async (c) => {
    const scope = managerScope(c.get('claims').office, c.req.valid('query').office);
    const rows = await listFailedDeliveries(db, scope, LIST_LIMIT);
    return c.json(
      {
        scope,
        items: rows.map((r) => ({
          source: r.source,
          noticeId: r.notice_id,
          kind: r.kind,
          channel: r.channel,
          attempts: r.attempts,
          lastError: r.last_error,
          permanent: r.permanent_failure,
          trackingCode: r.tracking_code,
          officeCode: r.office_code,
          failedAt: new Date(r.updated_at).toISOString(),
        })),
      },
      200,
    );
  });
};
