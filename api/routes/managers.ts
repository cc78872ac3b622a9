// Managers: summaries of their scope (one office, or '*' for the directorate), read from PostgreSQL,
// each list with the Temporal Web UI query that shows the same workflows (managers/visibility.ts).
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { countByStage, oldestPerStage } from '../../db/queries/applications.js';
import { countAtRisk, findForManager, listAtRisk } from '../../db/queries/at-risk.js';
import { findOffice } from '../../db/queries/offices.js';
import { countCompensations, countPastSla, listPastSla } from '../../db/queries/past-sla.js';
import { awaitingReconciliation, listReconciliation } from '../../db/queries/settlements.js';
import { listUnappliedCallbacks } from '../../db/queries/unapplied-callbacks.js';
import { SETTLEMENT_TIME_ZONE } from '../../db/settlements.js';
import { bookingWindow, calendarWarning, calendarYears, windowOf } from '../../db/calendar.js';
import * as visibility from '../../managers/visibility.js';
import { addDays, localDate } from '../../workflows/calendar.js';
import { STAGES, TERMINAL_STAGES, workflowIdFor } from '../../workflows/definitions.js';
import { ALL_OFFICES, managerScope, requireRole, type StaffClaims } from '../auth.js';
import { requireNearToday } from '../horizon.js';
import { HttpProblem } from '../problems.js';
import { jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { calendarStatusSchema, pastSlaSchema, reconciliationQuery, reconciliationSchema, scopeQuery, stuckSchema, summarySchema } from '../schemas.js';
import { atRiskListSchema, managedApplicationSchema, managerTrackingParams } from '../schemas.js';

type ManagerEnv = { Variables: { claims: StaffClaims } };

/** Every manager route: a GET with a manager's bearer token (routes of their own request spread this and set theirs). */
export const managerGet = { tags: ['managers'], security: [{ bearer: [] }], method: 'get' as const };
const manager = { ...managerGet, request: { query: scopeQuery } };
const officeOnly = { ...managerGet, request: { query: scopeQuery.pick({ office: true }) } };

const summary = createRoute({
  ...manager,
  path: '/manager/summary',
  summary: 'Counts per stage, applications past their SLA and not printed, compensations paid',
  responses: { 200: jsonResponse('Summary', summarySchema), ...problems(400, 401, 403) },
});
const pastSla = createRoute({
  ...manager,
  path: '/manager/past-sla',
  summary: 'Applications past their SLA deadline and not yet printed, most overdue first',
  responses: { 200: jsonResponse('Past their SLA', pastSlaSchema), ...problems(400, 401, 403) },
});
const calendar = createRoute({
  ...manager,
  path: '/manager/calendar',
  summary: 'The holiday calendar as loaded (decreed or provisional years) against the booking horizon, with a warning when it falls short',
  responses: { 200: jsonResponse('Holiday calendar', calendarStatusSchema), ...problems(400, 401, 403) },
});
const stuck = createRoute({
  ...manager,
  path: '/manager/stuck',
  summary: 'The oldest open application in each stage',
  responses: { 200: jsonResponse('Oldest per stage', stuckSchema), ...problems(400, 401, 403) },
});

const byTrackingCode = createRoute({
  ...managerGet,
  path: '/manager/applications/{trackingCode}',
  request: { params: managerTrackingParams },
  summary: 'The application an applicant names by its tracking code, in the manager\'s scope: stage, deadlines, breach, risk, with its Web UI link and query',
  description: "Nothing personal. An office manager finds their own office's applications only: another office's answers 404, as an unknown code does.",
  responses: { 200: jsonResponse('Application', managedApplicationSchema), ...problems(400, 401, 403, 404) },
});
const atRisk = createRoute({
  ...officeOnly,
  path: '/manager/at-risk',
  summary: 'Applications at risk now (not printed by the early-warning point, or a Pos delivery near its window\'s end), the most urgent deadline first',
  responses: { 200: jsonResponse('At risk now', atRiskListSchema), ...problems(400, 401, 403) },
});

const unappliedSchema = z
  .object({
    scope: z.string(),
    items: z.array(
      z.object({
        sender: z.enum(['bank', 'pos']),
        eventId: z.string().openapi({ description: "The bank's transaction id or Pos's event id" }),
        applicationId: z.uuid(),
        officeCode: z.string(),
        reason: z.string(),
        amount: z.number().int().nullable().openapi({ description: 'Rupiah, for a bank payment' }),
        recordedBy: z.enum(['workflow', 'api']),
        recordedAt: z.iso.datetime(),
        workflowUrl: z.string(),
      }),
    ),
  })
  .openapi('UnappliedCallbacks');
const unapplied = createRoute({
  ...officeOnly,
  path: '/manager/unapplied-callbacks',
  summary: 'Pos events that could not be applied to their application, and bank payments that the callbacks before bank transactions refused, newest first (to reconcile)',
  responses: { 200: jsonResponse('Unapplied messages', unappliedSchema), ...problems(400, 401, 403) },
});

const reconciliation = createRoute({
  tags: ['managers'],
  security: [{ bearer: [] }],
  method: 'get',
  request: { query: reconciliationQuery },
  path: '/manager/reconciliation',
  summary: "Each bank's settlement report of a day compared with the payments recorded: totals, differences and whether it balances; and reports still to reconcile",
  description:
    "For the directorate (a manager token with office `*`): a settlement report is a bank's, for every office at once. Per bank, the daily run's comparison of the day's latest report with the ledger: received, applied, refund (opened) and refunded, pending, conflicts, and transactions recorded for that day (WIB date of the payment) that no report of the bank lists; `balanced` when every rupiah received is applied or a refund and nothing is pending, in conflict or missing. `npm run reconcile -- --check` compares the same now.",
  responses: { 200: jsonResponse('Reconciliation of a day', reconciliationSchema), ...problems(400, 401, 403) },
});

const OPEN_STAGES = STAGES.filter((s) => !TERMINAL_STAGES.includes(s));
const LIST_LIMIT = 100;

export const managerRoutes = (deps: ApiDeps) => {
  const { db, config } = deps;
  const uiBase = visibility.webUiBase(config);
  const workflowUrl = (applicationId: string) => visibility.webUiWorkflowLink(uiBase, config.TEMPORAL_NAMESPACE, workflowIdFor(applicationId));

  /** The manager's scope: their own office, or any one office (or all) for the directorate. */
  const scopeOf = (c: Context<ManagerEnv>, requested: string | undefined) => {
    const scope = managerScope(c.get('claims').office, requested);
    const temporal = (query: string) => {
      const scoped = visibility.inOffice(query, scope === ALL_OFFICES ? undefined : scope);
      return { query: scoped, url: visibility.webUiLink(uiBase, config.TEMPORAL_NAMESPACE, scoped) };
    };
    return { scope, offices: scope === ALL_OFFICES ? undefined : [scope], temporal };
  };

  /** The instant to judge deadlines by: now, or a given one within the horizon either side of now. */
  const judgedAt = (at: string | undefined): string => {
    const now = new Date().toISOString();
    if (at) requireNearToday('query.at', new Date(at).toISOString().slice(0, 10), now.slice(0, 10), config.BOOKING_HORIZON_DAYS);
    return at ?? now;
  };
  /** The scope's booking window: its office's, or for every office the latest local date in Indonesia (WIT). */
  const scopeZone = async (offices: string[] | undefined) =>
    (offices && (await findOffice(db, offices[0]!))?.time_zone) ?? 'Asia/Jayapura';

  const router = newRouter<ManagerEnv>();
  router.use('/manager/*', requireRole(config.JWT_SECRET, 'manager'));
  return router
    .openapi(summary, async (c) => {
      const { office, at } = c.req.valid('query');
      const { scope, offices, temporal } = scopeOf(c, office);
      const asOf = judgedAt(at);
      const perStage = await countByStage(db, offices);
      return c.json(
        {
          scope,
          asOf,
          stages: STAGES.map((stage) => ({ stage, count: perStage.get(stage) ?? 0, temporal: temporal(visibility.inStage(stage)) })),
          pastSla: { count: await countPastSla(db, offices, new Date(asOf)), temporal: temporal(visibility.pastSla(Date.parse(asOf))) },
          compensations: { count: await countCompensations(db, offices), temporal: temporal(visibility.SLA_BREACHED) },
          atRisk: { count: await countAtRisk(db, offices, new Date()), temporal: temporal(visibility.AT_RISK_NOW) },
          calendarWarning: calendarWarning(await bookingWindow(db, { timeZone: await scopeZone(offices), now: new Date(), horizonDays: config.BOOKING_HORIZON_DAYS })) ?? null,
        },
        200,
      );
    })
    .openapi(pastSla, async (c) => {
      const { office, at } = c.req.valid('query');
      const { scope, offices, temporal } = scopeOf(c, office);
      const asOf = judgedAt(at);
      const items = await listPastSla(db, offices, new Date(asOf), LIST_LIMIT);
      return c.json(
        {
          scope,
          asOf,
          temporal: temporal(visibility.pastSla(Date.parse(asOf))),
          items: items.map((item) => ({ ...item, workflowUrl: workflowUrl(item.applicationId) })),
        },
        200,
      );
    })
    .openapi(byTrackingCode, async (c) => {
      const trackingCode = visibility.normaliseTrackingCode(c.req.valid('param').trackingCode);
      if (!trackingCode) throw new HttpProblem('not-found', 'no application has this tracking code'); // the schema's pattern admits only codes
      const { offices } = scopeOf(c, undefined);
      const found = await findForManager(db, trackingCode, offices, new Date());
      // Another office's application is not this manager's to know of: the same answer as no application.
      if (!found) throw new HttpProblem('not-found', 'no application has this tracking code');
      const query = visibility.byTrackingCode(trackingCode);
      return c.json({ ...found, workflowUrl: workflowUrl(found.applicationId), temporal: { query, url: visibility.webUiLink(uiBase, config.TEMPORAL_NAMESPACE, query) } }, 200);
    })
    .openapi(atRisk, async (c) => {
      const { scope, offices, temporal } = scopeOf(c, c.req.valid('query').office);
      const asOf = new Date();
      const items = await listAtRisk(db, offices, asOf, LIST_LIMIT);
      return c.json(
        { scope, asOf: asOf.toISOString(), temporal: temporal(visibility.AT_RISK_NOW), items: items.map((item) => ({ ...item, workflowUrl: workflowUrl(item.applicationId) })) },
        200,
      );
    })
    .openapi(unapplied, async (c) => {
      const { scope, offices } = scopeOf(c, c.req.valid('query').office);
      const rows = await listUnappliedCallbacks(db, offices, LIST_LIMIT);
      return c.json(
        {
          scope,
          items: rows.map((r) => ({
            sender: r.sender,
            eventId: r.event_id,
            applicationId: r.application_id,
            officeCode: r.office_code,
            reason: r.reason,
            amount: r.amount,
            recordedBy: r.recorded_by,
            recordedAt: r.recorded_at.toISOString(),
            workflowUrl: workflowUrl(r.application_id),
          })),
        },
        200,
      );
    })
    .openapi(calendar, async (c) => {
      const { offices } = scopeOf(c, c.req.valid('query').office);
      const years = await calendarYears(db);
      const window = windowOf(years, localDate(new Date(), await scopeZone(offices)), config.BOOKING_HORIZON_DAYS);
      return c.json(
        {
          today: window.today,
          horizonDays: window.horizonDays,
          horizonUntil: window.horizonUntil,
          calendarUntil: window.calendarUntil,
          bookableUntil: window.until,
          years,
          warning: calendarWarning(window) ?? null,
        },
        200,
      );
    })
    .openapi(reconciliation, async (c) => {
      if (c.get('claims').office !== ALL_OFFICES) throw new HttpProblem('forbidden', "a bank's settlement covers every office: reconciliation is the directorate's (a manager of office *)");
      const { date = addDays(localDate(new Date(), SETTLEMENT_TIME_ZONE), -1), bank } = c.req.valid('query');
      const [days, awaiting] = await Promise.all([listReconciliation(db, date, bank), awaitingReconciliation(db, date, bank)]);
      return c.json(
        {
          date,
          days: days.map((d) => ({
            bank: d.bank,
            revision: d.revision,
            correction: d.revision > 1,
            reportsReceived: Number(d.reports_received),
            received: { count: d.received_count, amount: d.received_amount },
            applied: { count: d.applied_count, amount: d.applied_amount },
            refund: { count: d.refund_count, amount: d.refund_amount },
            refunded: { count: d.refunded_count, amount: d.refunded_amount },
            pending: { count: d.pending_count, amount: d.pending_amount },
            declined: { count: d.declined_count, amount: d.declined_amount },
            conflicts: { count: d.conflict_count, amount: d.conflict_amount },
            missing: { count: d.missing_count, amount: d.missing_amount },
            balanced: d.balanced,
            differences: d.differences,
            reconciledAt: d.reconciled_at.toISOString(),
            report: { id: d.report_id, sha256: d.sha256, source: d.source, receivedAt: d.received_at.toISOString() },
          })),
          awaiting: awaiting.map((a) => ({ reportId: a.id, bank: a.bank, revision: a.revision, lines: a.line_count, totalAmount: a.total_amount, receivedAt: a.received_at.toISOString() })),
        },
        200,
      );
    })
    .openapi(stuck, async (c) => {
      const { office, at } = c.req.valid('query');
      const { scope, offices, temporal } = scopeOf(c, office);
      const asOf = judgedAt(at);
      const byStage = await oldestPerStage(db, offices, OPEN_STAGES);
      return c.json(
        {
          scope,
          asOf,
          stages: OPEN_STAGES.flatMap((stage) => {
            const oldest = byStage.get(stage);
            if (!oldest) return [];
            const enteredAt = Date.parse(oldest.stageEnteredAt);
            return [
              {
                stage,
                oldest: {
                  ...oldest,
                  workflowUrl: workflowUrl(oldest.applicationId),
                  waitingHours: Math.round(((Date.parse(asOf) - enteredAt) / 3_600_000) * 10) / 10,
                },
                // Every application of the stage that has waited as long: the oldest first of all.
                temporal: temporal(visibility.waitingSince(stage, enteredAt)),
              },
            ];
          }),
        },
        200,
      );
    });
};
