// The worker's composition root: the workflows of workflows/index.ts and every activity, on one task queue,
// built from the configuration (shared by `npm start` and the production worker, scripts/worker.ts).
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { bankFromConfig, type BankClient } from '../activities/bank.js';
import { createActivities } from '../activities/index.js';
import { smtpMailer } from '../activities/mail.js';
import { smsHttpClient, whatsappCloudClient } from '../activities/notices/messaging.js';
import type { NoticeChannelClients } from '../activities/notices/send.js';
import { noticeDeliveryStarter } from '../activities/notices/start.js';
import { posFromConfig, type PosClient } from '../activities/pos.js';
import { registryFromConfig, type PopulationRegistry } from '../api/registry.js';
import { bankTransactionPolicyFrom, type Config } from '../config.js';
import type { DB } from '../db/schema.js';
import type { BankTransactionPolicy } from '../workflows/definitions.js';
import { compressDays } from './demo-clock.js';
import { observeActivity } from './runtime.js';
import { ensureReconciliationSchedule } from './schedule.js';

// `.ts` under tsx and in tests, `.js` once compiled into dist/ (the production image).
export const workflowsPath = fileURLToPath(new URL(`../workflows/index${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** The notice channels the configuration sets up: each one only when all of its settings are given. */
function noticeChannelsFrom(config: Config): NoticeChannelClients {
  const timeoutMs = config.NOTICE_SEND_TIMEOUT_SECONDS * 1000;
  const { SMTP_URL, WHATSAPP_API_URL, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_TOKEN, SMS_API_URL, SMS_TOKEN } = config;
  return {
    email: SMTP_URL ? smtpMailer({ url: SMTP_URL, from: config.MAIL_FROM, timeoutMs }) : undefined,
    whatsapp: WHATSAPP_API_URL && WHATSAPP_PHONE_NUMBER_ID && WHATSAPP_TOKEN ? whatsappCloudClient({ apiUrl: WHATSAPP_API_URL, phoneNumberId: WHATSAPP_PHONE_NUMBER_ID, token: WHATSAPP_TOKEN, timeoutMs }) : undefined,
    sms: SMS_API_URL && SMS_TOKEN ? smsHttpClient({ apiUrl: SMS_API_URL, token: SMS_TOKEN, timeoutMs }) : undefined,
    retryForMs: Math.round(config.NOTICE_RETRY_HOURS * 3_600_000),
    firstRetryMs: Math.round(config.NOTICE_FIRST_RETRY_SECONDS * 1000),
  };
}
const anyChannel = (notices: NoticeChannelClients | undefined) => Boolean(notices && (notices.email ?? notices.whatsapp ?? notices.sms));

/** The worker's settings as the configuration gives them. */
export const workerSettingsFrom = (config: Config) => ({
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  pos: posFromConfig(config),
  bank: bankFromConfig(config),
  bankTransactions: bankTransactionPolicyFrom(config),
  shutdownGraceSeconds: config.SHUTDOWN_GRACE_SECONDS,
  demoDaySeconds: config.DEMO_DAY_SECONDS,
  bookingHorizonDays: config.BOOKING_HORIZON_DAYS,
  waitlistOfferHours: config.WAITLIST_OFFER_HOURS,
  atRiskHoursBefore: config.AT_RISK_HOURS_BEFORE,
  settlements: { dir: config.settlementDir, maxBytes: config.SETTLEMENT_MAX_BYTES },
  reconciliationTime: config.RECONCILIATION_TIME,
  notices: noticeChannelsFrom(config),
  registry: registryFromConfig(config),
  ...(config.WORKFLOW_BUNDLE_PATH && { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } }),
});

export async function createPassportWorker(opts: {
  address: string;
  namespace: string;
  taskQueue: string;
  db: Kysely<DB>;
  pos: PosClient;
  bank: BankClient;
  bankTransactions: BankTransactionPolicy;
  /** How long in-flight activities may run on after shutdown starts; default 30 s. */
  shutdownGraceSeconds?: number;
  /** Demo and staging only: see worker/demo-clock.ts. */
  demoDaySeconds?: number;
  bookingHorizonDays?: number;
  /** How long a waitlist offer is held (WAITLIST_OFFER_HOURS). */
  waitlistOfferHours?: number;
  /** The early warning's point in hours before the deadline (AT_RISK_HOURS_BEFORE); absent: the office's opening. */
  atRiskHoursBefore?: number;
  /** The settlement drop folder the reconciliation scans, and its file limit. */
  settlements?: { dir: string; maxBytes: number };
  /** When the daily reconciliation runs, HH:MM WIB; the schedule is made sure of before the worker polls. */
  reconciliationTime: string;
  /** The notice channels (noticeChannelsFrom); with none configured, notices are recorded and not delivered. */
  notices?: NoticeChannelClients;
  /** The population registry (Dukcapil) that the recheck of a pending check asks. */
  registry?: PopulationRegistry;
  /** A workflow bundle built beforehand (tests: once for the run; WORKFLOW_BUNDLE_PATH), instead of bundling workflows/ again. */
  workflowBundle?: { codePath: string };
}): Promise<{ worker: Worker; connection: NativeConnection; schedule: 'created' | 'updated' }> {
  const connection = await NativeConnection.connect({ address: opts.address });
  // The schedule, and the activities that ask other workflows (a bank transaction asks its application), use the worker's own connection.
  const temporal = new Client({ connection, namespace: opts.namespace });
  const schedule = await ensureReconciliationSchedule(temporal, opts.reconciliationTime, opts.taskQueue).catch(async (error: unknown) => {
    await connection.close();
    throw error;
  });
  const activities = createActivities({ db: opts.db, pos: opts.pos, temporal, bank: opts.bank, bankTransactions: opts.bankTransactions, bookingHorizonDays: opts.bookingHorizonDays, settlements: opts.settlements,
    notices: opts.notices,
    registry: opts.registry,
    waitlistOfferHours: opts.waitlistOfferHours,
    atRiskHoursBefore: opts.atRiskHoursBefore,
    ...(anyChannel(opts.notices) && { startDelivery: noticeDeliveryStarter(temporal, opts.taskQueue) }),
  });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
    activities: opts.demoDaySeconds ? compressDays(activities, opts.demoDaySeconds) : activities,
    interceptors: { activity: [observeActivity] },
    shutdownGraceTime: `${opts.shutdownGraceSeconds ?? 30}s`,
  });
  return { worker, connection, schedule };
}
