// Stage: AWAITING_INTERVIEW (LOST and DAMAGED). Records the BAP and the fine it carries.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ApplicationType, BapRecord } from '../workflows/definitions.js';

const FINES: Partial<Record<ApplicationType, string>> = { LOST: 'FINE_LOST', DAMAGED: 'FINE_DAMAGED' };

export const createBapActivities = ({ db }: { db: Kysely<DB> }) => ({
  /** Returns the fine in rupiah from the fee schedule (none for force majeure); recorded once. */
  async recordBap(req: BapRecord & { applicationId: string; applicationType: ApplicationType; at: string }): Promise<number> {
    const fineCode = req.cause === 'FORCE_MAJEURE' ? undefined : FINES[req.applicationType];
    const fine = fineCode ? (await db.selectFrom('fee_schedule').select('amount').where('code', '=', fineCode).executeTakeFirstOrThrow()).amount : 0;
    await db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('baps')
        .values({
          application_id: req.applicationId,
          report_number: req.reportNumber,
          cause: req.cause,
          fine_code: fineCode ?? null,
          fine_amount: fine,
          officer_id: req.officerId,
          recorded_at: req.at,
        })
        .onConflict((oc) => oc.column('application_id').doNothing())
        .returning('application_id')
        .executeTakeFirst();
      if (inserted) await tx.updateTable('applications').set({ fine_amount: fine }).where('id', '=', req.applicationId).execute();
    });
    return fine;
  },
});
