// Stage: AWAITING_PRINTING. The SLA deadline and, when it is missed, the compensation.
import type { Kysely } from 'kysely';
import { loadHolidays } from '../db/queries/holidays.js';
import { getOffice } from '../db/queries/offices.js';
import type { DB } from '../db/schema.js';
import { endOfLocalDay, localDate, slaDeadline } from '../workflows/calendar.js';
import { recordNotice, type StartDelivery } from './notices/record.js';

export interface SlaRequest {
  officeCode: string;
  approvedAt: string;
  workingDays: number;
  sameDay?: boolean;
}

/**
 * The end of the n-th working day after approval, in the office's zone, skipping its holidays; for same-day
 * service (percepatan), the end of the approval day itself.
 */
export function slaDeadlineFor(req: SlaRequest, timeZone: string, holidays: ReadonlySet<string>): string {
  if (req.sameDay) return endOfLocalDay(localDate(new Date(req.approvedAt), timeZone), timeZone).toISOString();
  return slaDeadline(new Date(req.approvedAt), timeZone, req.workingDays, holidays).toISOString();
}

export const createCompensationActivities = ({ db, startDelivery }: { db: Kysely<DB>; startDelivery?: StartDelivery }) => ({
  /** The SLA deadline alone (workflows of release 0; later ones ask `printingDeadlines`). */
  async computeSlaDeadline(req: SlaRequest): Promise<string> {
    const office = await getOffice(db, req.officeCode);
    return slaDeadlineFor(req, office.time_zone, await loadHolidays(db));
  },

  /** Records the compensation and the applicant's notice (then starts its delivery); at most once per application. */
  async compensateSlaBreach(req: { applicationId: string; slaDeadline: string; at: string }): Promise<void> {
    const noticeId = await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('compensations')
        .values({ application_id: req.applicationId, reason: 'SLA_BREACHED', sla_deadline: req.slaDeadline, created_at: req.at })
        .onConflict((oc) => oc.column('application_id').doNothing())
        .execute();
      const details = { slaDeadline: req.slaDeadline };
      return recordNotice(tx, undefined, { applicationId: req.applicationId, effectKey: 'sla-breach', kind: 'SLA_BREACHED_FREE_DELIVERY', at: req.at, details });
    });
    await startDelivery?.('application', noticeId);
  },
});
