// Every side effect of the lifecycle, built by one factory from its dependencies.
// Each activity does one effect guarded by a unique key, so running it twice is the same as once.
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { BankTransactionPolicy } from '../workflows/definitions.js';
import { createAtRiskActivities } from './at-risk.js';
import { createBankActivities, type BankClient } from './bank.js';
import { createBankTransactionActivities } from './bank-transactions.js';
import { createBapActivities } from './bap.js';
import { createBookingActivities } from './booking.js';
import { createCompensationActivities } from './compensation.js';
import { createPaymentActivities } from './payments.js';
import { createNotifyActivities } from './notify.js';
import { createOfficeClosureActivities } from './office-closure.js';
import { createNoticeSendActivities, type NoticeChannelClients } from './notices/send.js';
import type { StartDelivery } from './notices/record.js';
import { createPosActivities, type PosClient } from './pos.js';
import { createProjectionActivities } from './projection.js';
import { createRefundActivities } from './refunds.js';
import { createRegistryActivities } from './registry.js';
import type { PopulationRegistry } from '../api/registry.js';
import { createSettlementActivities } from './settlements.js';
import { createUnappliedActivities } from './unapplied.js';
import { createWaitlistActivities } from './waitlist.js';

export interface ActivityDeps {
  db: Kysely<DB>;
  pos: PosClient;
  /** Temporal, for the activities that ask another workflow (the bank transaction asks the application). */
  temporal: Client;
  /** The bank's API: payment inquiry and refund transfers. */
  bank: BankClient;
  /** What a bank transaction an inquiry finds is started with (config: SETTLEMENT_WAIT_DAYS, REFUND_*). */
  bankTransactions: BankTransactionPolicy;
  /** The published booking horizon (config BOOKING_HORIZON_DAYS); default 60. */
  bookingHorizonDays?: number;
  /** How long a seat freed for a waitlist is offered to one application (config WAITLIST_OFFER_HOURS); default 12. */
  waitlistOfferHours?: number;
  /** The settlement drop folder (SETTLEMENT_DIR) and its file limit (SETTLEMENT_MAX_BYTES); without it, no folder is scanned. */
  settlements?: { dir: string; maxBytes: number };
  /** The channels notices are sent on (each only when configured); without it, every send fails as not configured. */
  notices?: NoticeChannelClients;
  /** Starts a recorded notice's delivery (activities/notices/start.ts); absent when no channel is configured: recorded only. */
  startDelivery?: StartDelivery;
  /** The population registry (Dukcapil) the recheck asks; without it, every recheck fails as unavailable. */
  registry?: PopulationRegistry;
  /** The early warning's point, in hours before the deadline (config AT_RISK_HOURS_BEFORE); absent: the office's opening on the last working day. */
  atRiskHoursBefore?: number;
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
  ...createBankTransactionActivities(deps),
  ...createBankActivities(deps),
  ...createSettlementActivities(deps),
  ...createNoticeSendActivities(deps),
  ...createRegistryActivities(deps),
  ...createOfficeClosureActivities(deps),
  ...createWaitlistActivities(deps),
  ...createAtRiskActivities(deps),
});

export type Activities = ReturnType<typeof createActivities>;
export type { StageChange } from './projection.js';
export type { RefundChange } from './refunds.js';
