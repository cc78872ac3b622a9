// The worker process: the lifecycle workflow and every activity, on one task queue; its Temporal
// runtime (SDK logs to pino, Prometheus metrics), activity logs with the application id, failure counts.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from '@temporalio/activity';
import { DefaultLogger, NativeConnection, Runtime, Worker, makeTelemetryFilterString, type ActivityInterceptors, type LogLevel } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../db/schema.js';
import { sdkLogSink, withApplicationId } from '../logger.js';
import { createActivities, type Activities } from './index.js';
import type { Config } from '../config.js';
import { posFromConfig, type PosClient } from './pos.js';

// `.ts` under tsx and in tests, `.js` once compiled into dist/ (the production image).
export const workflowsPath = fileURLToPath(new URL(`../workflows/index${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

let runtimeInstalled = false;
/**
 * Installs the process's one Temporal runtime (Runtime.install may run only once per process): SDK logs
 * to `log` from `level` up, and the Prometheus `/metrics` endpoint on `metricsAddress` when given.
 * Returns false when a runtime was already installed (the first caller's options stay).
 */
export function installRuntime(opts: { log?: Logger; level?: LogLevel; metricsAddress?: string; shutdownSignals?: NodeJS.Signals[] } = {}): boolean {
  if (runtimeInstalled) return false;
  const level = opts.level ?? 'WARN';
  Runtime.install({
    ...(opts.shutdownSignals && { shutdownSignals: opts.shutdownSignals }),
    logger: new DefaultLogger(level, opts.log ? sdkLogSink(opts.log) : undefined),
    telemetryOptions: {
      // The Rust core's own lines go through the same logger, so every line is JSON in production.
      logging: { filter: makeTelemetryFilterString({ core: level }), forward: {} },
      ...(opts.metricsAddress && { metrics: { prometheus: { bindAddress: opts.metricsAddress } } }),
    },
  });
  runtimeInstalled = true;
  return true;
}

/** Every activity log line carries the workflow and application ids; every failed attempt is counted. */
const observeActivity = (ctx: Context): ActivityInterceptors => {
  const failures = ctx.metricMeter.createCounter('passport_activity_failures', 'attempts', 'Activity attempts that ended in an error (Temporal retries them)');
  return {
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (error) {
          failures.withTags({ activity_type: ctx.info.activityType }).add(1);
          // The type only: a database error's message or detail may quote a row's values.
          ctx.log.warn('activity attempt failed', { errorType: error instanceof Error ? error.name : typeof error, attempt: ctx.info.attempt });
          throw error;
        }
      },
    },
    outbound: {
      getLogAttributes: (attributes, next) => next(withApplicationId({ ...attributes, workflowId: ctx.info.workflowExecution?.workflowId })),
    },
  };
};

/**
 * Demo only (DEMO_DAY_SECONDS): the SLA's working days and the appointment day each last `daySeconds`,
 * so late printing, breaches and no-shows happen within minutes on a real-time server.
 */
export function compressDays(activities: Activities, daySeconds: number): Activities {
  const dayMs = daySeconds * 1000;
  return {
    ...activities,
    computeSlaDeadline: async (req) => new Date(Date.parse(req.approvedAt) + req.workingDays * dayMs).toISOString(),
    reserveSeat: async (req) => ({ ...(await activities.reserveSeat(req)), startsAt: req.at, endsAt: new Date(Date.parse(req.at) + dayMs).toISOString() }),
  };
}

/** The worker's settings as the configuration gives them (shared by `npm start` and the production worker). */
export const workerSettingsFrom = (config: Config) => ({
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  pos: posFromConfig(config),
  shutdownGraceSeconds: config.SHUTDOWN_GRACE_SECONDS,
  demoDaySeconds: config.DEMO_DAY_SECONDS,
  bookingHorizonDays: config.BOOKING_HORIZON_DAYS,
});

export async function createPassportWorker(opts: {
  address: string;
  namespace: string;
  taskQueue: string;
  db: Kysely<DB>;
  pos: PosClient;
  /** How long in-flight activities may run on after shutdown starts; default 30 s. */
  shutdownGraceSeconds?: number;
  demoDaySeconds?: number;
  bookingHorizonDays?: number;
}): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: opts.address });
  const activities = createActivities({ db: opts.db, pos: opts.pos, bookingHorizonDays: opts.bookingHorizonDays });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowsPath,
    activities: opts.demoDaySeconds ? compressDays(activities, opts.demoDaySeconds) : activities,
    interceptors: { activity: [observeActivity] },
    shutdownGraceTime: `${opts.shutdownGraceSeconds ?? 30}s`,
  });
  return { worker, connection };
}
