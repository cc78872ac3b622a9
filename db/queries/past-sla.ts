// Applications past their SLA deadline and not yet printed, and the breaches compensated: what managers
// are shown first (api/routes/managers.ts). The Temporal Web UI query for the same list: managers/visibility.ts.
import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { LISTED, inOffices } from './applications.js';

/** Still waiting for printing at `at`, with the SLA deadline already behind. */
const pastSla = (db: Kysely<DB>, offices: string[] | undefined, at: Date) =>
  db.selectFrom('applications').where('stage', '=', 'AWAITING_PRINTING').where('sla_deadline', '<', at).$call(inOffices(offices));

export async function countPastSla(db: Kysely<DB>, offices: string[] | undefined, at: Date): Promise<number> {
  const { n } = await pastSla(db, offices, at)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** The most overdue first. */
export async function listPastSla(db: Kysely<DB>, offices: string[] | undefined, at: Date, limit: number) {
  const rows = await pastSla(db, offices, at).select(LISTED.columns).orderBy('sla_deadline').limit(limit).execute();
  return rows.map(LISTED.of);
}

/** Breaches compensated so far (each application once). */
export async function countCompensations(db: Kysely<DB>, offices: string[] | undefined): Promise<number> {
  const { n } = await db
    .selectFrom('compensations')
    .innerJoin('applications', 'applications.id', 'compensations.application_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .$call(inOffices(offices))
    .executeTakeFirstOrThrow();
  return Number(n);
}
