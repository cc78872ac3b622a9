// Stages: AWAITING_PAYMENT and IN_DELIVERY. A bank payment or Pos event the workflow could not apply is
// recorded for reconciliation (no refund is opened for them yet), once per sender and event id.
import type { Kysely } from 'kysely';
import { recordUnappliedCallback, type UnappliedCallback } from '../db/queries/unapplied-callbacks.js';
import type { DB } from '../db/schema.js';

export const createUnappliedActivities = ({ db }: { db: Kysely<DB> }) => ({
  async recordUnappliedCallback(entry: Omit<UnappliedCallback, 'recordedBy'>): Promise<void> {
    await recordUnappliedCallback(db, { ...entry, recordedBy: 'workflow' });
  },
});
