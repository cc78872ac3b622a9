// Structured JSON logs (pino); human-readable in a terminal. Never log personal data: the redaction
// below is a safety net, not a licence (log ids and codes, never a NIK, name, address, email or phone).
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

const PERSONAL_FIELDS = ['nik', 'fullName', 'full_name', 'birthDate', 'birth_date', 'email', 'phone', 'address', 'delivery_address', 'recipient'];
export const REDACTED_PATHS = [...PERSONAL_FIELDS, ...PERSONAL_FIELDS.map((f) => `*.${f}`)];

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>, destination?: NodeJS.WritableStream): Logger {
  const pretty = !destination && process.stdout.isTTY && config.NODE_ENV !== 'production' && config.NODE_ENV !== 'staging';
  const options = { level: config.LOG_LEVEL, base: { service: 'passport' }, redact: { paths: REDACTED_PATHS, censor: '[personal]' } };
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname,service' } } });
  if (destination) return pino(options, destination);
  // Synchronous writes: the last lines before an exit are never lost.
  return pino(options, pino.destination({ sync: true }));
}

const WORKFLOW_ID = /^passport-(.+)$/;

/** The ids a log line should carry: `workflowId` as given, and the `applicationId` it names. */
export function withApplicationId<T extends Record<string, unknown>>(fields: T): T & { applicationId?: string } {
  if (typeof fields.applicationId === 'string') return fields;
  const workflowId = typeof fields.workflowId === 'string' ? fields.workflowId : undefined;
  const applicationId = workflowId ? WORKFLOW_ID.exec(workflowId)?.[1] : undefined;
  return applicationId ? { ...fields, applicationId } : fields;
}

type SdkLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const PINO_LEVELS: Record<SdkLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * Sends the Temporal SDK's log entries (workflow and activity logs carry `workflowId`, `activityType`,
 * `attempt`...) to pino, adding the application id.
 */
export const sdkLogSink =
  (log: Logger) =>
  (entry: { level: SdkLevel; message: string; meta?: Record<string, unknown> }): void => {
    log[PINO_LEVELS[entry.level]]({ component: 'temporal-sdk', ...withApplicationId(entry.meta ?? {}) }, entry.message);
  };

/** The Temporal SDK's level for a pino level, so LOG_LEVEL=debug shows each activity's start and end. */
export const sdkLevel = (level: Config['LOG_LEVEL']): SdkLevel =>
  level === 'trace' ? 'TRACE' : level === 'debug' ? 'DEBUG' : level === 'info' ? 'INFO' : level === 'warn' ? 'WARN' : 'ERROR';
