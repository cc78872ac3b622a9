// Stage: AWAITING_PRINTING. The SLA deadline and, when it is missed, the compensation.
import type { Kysely } from 'kysely';
import { loadHolidays } from '../db/queries/holidays.js';
import { getOffice } from '../db/queries/offices.js';
import type { DB } from '../db/schema.js';
import { slaDeadline } from '../workflows/calendar.js';

export const createCompensationActivities = ({ db }: { db: Kysely<DB> }) => ({
  /** The end of the n-th working day after approval, in the office's zone, skipping its holidays. */
  async computeSlaDeadline(req: { officeCode: string; approvedAt: string; workingDays: number }): Promise<string> {
    const office = await getOffice(db, req.officeCode);
    return slaDeadline(new Date(req.approvedAt), office.time_zone, req.workingDays, await loadHolidays(db)).toISOString();
  },

  /** Records the compensation and queues the applicant's notice; at most once per application. */
  async compensateSlaBreach(req: { applicationId: string; slaDeadline: string; at: string }): Promise<void> {
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('compensations')
        .values({ application_id: req.applicationId, reason: 'SLA_BREACHED', sla_deadline: req.slaDeadline, created_at: req.at })
        .onConflict((oc) => oc.column('application_id').doNothing())
        .execute();
      await tx
        .insertInto('notifications')
        .values({ application_id: req.applicationId, effect_key: 'sla-breach', kind: 'SLA_BREACHED_FREE_DELIVERY', created_at: req.at })
        .onConflict((oc) => oc.columns(['application_id', 'effect_key']).doNothing())
        .execute();
    });
  },
});
