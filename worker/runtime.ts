// The worker process's Temporal runtime (SDK logs to pino, Prometheus metrics) and what it observes of each
// activity attempt: log lines carrying the application id, and a count of failed attempts.
import type { Context } from '@temporalio/activity';
import { DefaultLogger, Runtime, makeTelemetryFilterString, type ActivityInterceptors, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';
import { sdkLogSink, withApplicationId } from '../logger.js';

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
export const observeActivity = (ctx: Context): ActivityInterceptors => {
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
