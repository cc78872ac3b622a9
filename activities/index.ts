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
import { createRefundActivities, type RefundTransfers } from './refunds.js';
import { createUnappliedActivities } from './unapplied.js';

export interface ActivityDeps {
  db: Kysely<DB>;
  pos: PosClient;
  /** The published booking horizon (config BOOKING_HORIZON_DAYS); default 60. */
  bookingHorizonDays?: number;
  /** The bank's transfer API for refunds; without it every transfer fails and refunds escalate to their office. */
  refundTransfers?: RefundTransfers;
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
  ...createRefundActivities(deps),
});

export type Activities = ReturnType<typeof createActivities>;
export type { StageChange } from './projection.js';
export type { RefundChange } from './refunds.js';
