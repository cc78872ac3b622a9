// Applications at risk now, and one application by its tracking code, for managers (api/routes/managers.ts):
// nothing personal. A warning (at_risk_warnings, written with the office's notice) stays open while the
// application is still in the stage it warned of; the Temporal Web UI twin: managers/visibility.ts AT_RISK_NOW.
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { AtRiskKind } from '../../workflows/definitions.js';
import type { DB } from '../schema.js';
import { LISTED, inOffices, pick } from './applications.js';

/**
 * The warning is still open at `at`: PRINTING while the application awaits printing and its SLA is not breached
 * (once breached it is compensated and in the past-SLA list); DELIVERY while it is in delivery within the window.
 */
const stillOpen = (eb: ExpressionBuilder<DB, 'applications' | 'at_risk_warnings'>, at: Date): Expression<SqlBool> =>
  eb.or([
    eb.and([eb('at_risk_warnings.kind', '=', 'PRINTING'), eb('applications.stage', '=', 'AWAITING_PRINTING'), eb('applications.sla_breached', '=', false)]),
    eb.and([eb('at_risk_warnings.kind', '=', 'DELIVERY'), eb('applications.stage', '=', 'IN_DELIVERY'), eb('at_risk_warnings.deadline', '>', at)]),
  ]);

const openWarnings = (db: Kysely<DB>, offices: string[] | undefined, at: Date) =>
  db
    .selectFrom('applications')
    .$call(inOffices(offices))
    .innerJoin('at_risk_warnings', 'at_risk_warnings.application_id', 'applications.id')
    .where((eb) => stillOpen(eb, at));

const RISK_COLUMNS = ['at_risk_warnings.kind', 'at_risk_warnings.deadline as risk_deadline', 'at_risk_warnings.warned_at'] as const;
const riskOf = (r: { kind: AtRiskKind; risk_deadline: Date; warned_at: Date }) => ({ kind: r.kind, deadline: r.risk_deadline.toISOString(), since: r.warned_at.toISOString() });

export async function countAtRisk(db: Kysely<DB>, offices: string[] | undefined, at: Date): Promise<number> {
  const { n } = await openWarnings(db, offices, at)
    .select(sql<string>`count(distinct applications.id)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** The most urgent deadline first. */
export async function listAtRisk(db: Kysely<DB>, offices: string[] | undefined, at: Date, limit: number) {
  const rows = await openWarnings(db, offices, at)
    .select([...LISTED.columns, ...RISK_COLUMNS])
    .orderBy('at_risk_warnings.deadline')
    .orderBy('applications.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...LISTED.of(r), atRisk: riskOf(r) }));
}

/** What a manager sees of one application: nothing personal. */
const MANAGED = pick(...LISTED.fields, 'product', 'nextDeadline', 'slaBreached', 'deliveryMethod', 'posTrackingNumber');

/** The application with this tracking code in the manager's offices (undefined: none there), with its open risk if any. */
export async function findForManager(db: Kysely<DB>, trackingCode: string, offices: string[] | undefined, at: Date) {
  const row = await db
    .selectFrom('applications')
    .select(MANAGED.columns)
    .where('tracking_code', '=', trackingCode)
    .$call(inOffices(offices))
    .executeTakeFirst();
  if (!row) return undefined;
  const risk = await openWarnings(db, undefined, at).select(RISK_COLUMNS).where('applications.id', '=', row.id).orderBy('at_risk_warnings.deadline').executeTakeFirst();
  return { ...MANAGED.of(row), atRisk: risk ? riskOf(risk) : null };
}
