// Every side effect of the lifecycle, built by one factory from its dependencies.
// Each activity does one effect guarded by a unique key, so running it twice is the same as once.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { createBapActivities } from './bap.js';
import { createBookingActivities } from './booking.js';
import { createCompensationActivities } from './compensation.js';
import { createPaymentActivities } from './payments.js';
import { createNotifyActivities } from './notify.js';
import { createPosActivities, type PosClient } from './pos.js';
import { createProjectionActivities } from './projection.js';
import { createSettlementActivities } from './settlements.js';
import { createUnappliedActivities } from './unapplied.js';

export interface ActivityDeps {
  db: Kysely<DB>;
  pos: PosClient;
  /** The published booking horizon (config BOOKING_HORIZON_DAYS); default 60. */
  bookingHorizonDays?: number;
  /** The settlement drop folder (SETTLEMENT_DIR) and its file limit (SETTLEMENT_MAX_BYTES); without it, no folder is scanned. */
  settlements?: { dir: string; maxBytes: number };
}

export const createActivities = (deps: ActivityDeps) => ({
  ...createProjectionActivities(deps),
  ...createPaymentActivities(deps),
  ...createBookingActivities(deps),
  ...createBapActivities(deps),
  ...createNotifyActivities(deps),
  ...createCompensationActivities(deps),
  ...createPosActivities(deps),
  ...createUnappliedActivities(deps),
  ...createSettlementActivities(deps),
});

export type Activities = ReturnType<typeof createActivities>;
export type { StageChange } from './projection.js';
