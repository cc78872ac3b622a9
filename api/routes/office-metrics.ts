// Managers: the office's numbers per ISO week (issue 16), read from PostgreSQL (db/queries/office-metrics.ts).
// The scope rules are the other manager routes': an office's manager sees their own office, the directorate any or all.
import { createRoute } from '@hono/zod-openapi';
import { findOffice } from '../../db/queries/offices.js';
import { weeklyOfficeMetrics } from '../../db/queries/office-metrics.js';
import { addDays, localDate } from '../../workflows/calendar.js';
import { ALL_OFFICES, managerScope, requireRole, type StaffClaims } from '../auth.js';
import { HttpProblem } from '../problems.js';
import { jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { officeMetricsQuery, officeMetricsSchema } from '../schemas.js';
import { managerGet } from './managers.js';

type ManagerEnv = { Variables: { claims: StaffClaims } };

/** Today for a scope of every office: the date in Jakarta (WIB), where most offices are. */
const DIRECTORATE_TIME_ZONE = 'Asia/Jakarta';

const weekly = createRoute({
  ...managerGet,
  path: '/manager/metrics/weekly',
  request: { query: officeMetricsQuery },
  summary: 'Per office and ISO week: applications submitted and per stage, SLA met and breached, compensations, interview-to-printing working hours, no-shows, refunds, at-risk warnings',
  description:
    "Weeks run Monday to Sunday in each office's own time zone, oldest first, then by office. `from` picks the first week (any date in it), `weeks` how many (1 to 26, default 4); " +
    'by default the last `weeks` weeks up to the current one. Each figure is defined in its field; the README section "The office\'s numbers" gives the same definitions and the Prometheus metrics that chart them.',
  responses: { 200: jsonResponse('Weekly figures', officeMetricsSchema), ...problems(400, 401, 403, 404) },
});

export const officeMetricsRoutes = ({ db, config }: ApiDeps) => {
  const router = newRouter<ManagerEnv>();
  router.use('/manager/metrics/*', requireRole(config.JWT_SECRET, 'manager'));
  return router.openapi(weekly, async (c) => {
    const { office, from, weeks: asked } = c.req.valid('query');
    const weeks = asked === undefined ? 4 : Number(asked);
    const scope = managerScope(c.get('claims').office, office);
    const one = scope === ALL_OFFICES ? undefined : await findOffice(db, scope);
    if (scope !== ALL_OFFICES && !one) throw new HttpProblem('not-found', `no office ${scope}`);
    const first = from ?? addDays(localDate(new Date(), one?.time_zone ?? DIRECTORATE_TIME_ZONE), -7 * (weeks - 1));
    const rows = await weeklyOfficeMetrics(db, { offices: one && [one.code], from: first, weeks });
    return c.json({ scope, weeks: rows }, 200);
  });
};
