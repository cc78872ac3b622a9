// The only reader of process.env: every setting is validated here, with defaults for the embedded mode.
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { RefundPolicy } from './workflows/definitions.js';

const duration = z.coerce.number().int().positive();
/** A comma-separated list of day offsets, e.g. "7,14,25". */
const dayList = z
  .string()
  .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, { error: 'must be comma-separated numbers of days, e.g. 7,14,25' })
  .transform((v) => v.split(',').map(Number));

/** How far ahead appointments are offered, in days from today (office local). */
export const DEFAULT_BOOKING_HORIZON_DAYS = 60;
/** How long a seat freed for a session's waitlist is held for the application it is offered to. */
export const DEFAULT_WAITLIST_OFFER_HOURS = 12;

const AT_RISK_HOURS = 'must be a whole number of hours, 1 to 720';

const schema = z.object({
  /**
   * production: every address and secret must be given (no embedded defaults). staging: the same, but demo
   * settings are allowed, for rehearsals such as `npm run smoke`. development and test: the embedded defaults.
   */
  NODE_ENV: z.enum(['development', 'test', 'staging', 'production']).default('development'),
  /** Empty means: start an embedded PostgreSQL under DATA_DIR. */
  DATABASE_URL: z.url().optional(),
  DATA_DIR: z.string().default('.data'),
  /** The reference files (offices, fees, documents to bring, holiday calendar) that setup loads; see deploy/reference/README.md. */
  REFERENCE_DATA_DIR: z.string().default('deploy/reference'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
  /** Empty means: start the Temporal CLI dev server (with its Web UI). */
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('passport'),
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_TEST_SERVER_PATH: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** Signs officer and manager tokens (HS256). The embedded default is for local use only. */
  JWT_SECRET: z.string().min(32).default('embedded-mode-jwt-secret-change-me-in-production'),
  /** Shared secrets of the bank's and Pos Indonesia's signed callbacks. */
  BANK_CALLBACK_SECRET: z.string().min(16).default('embedded-mode-bank-secret'),
  POS_CALLBACK_SECRET: z.string().min(16).default('embedded-mode-pos-secret'),
  /** Pos Indonesia's shipment API; empty means shipments are booked at the office counter. */
  POS_API_URL: z.url().optional(),
  /** The bank's API (payment inquiry, refund transfers) and its bearer token; without it no inquiry can be made. */
  BANK_API_URL: z.url().optional(),
  BANK_API_TOKEN: z.string().optional(),
  /** The population registry's (Dukcapil) verification API and its bearer token; required in production by the API (`npm start` runs a fake). */
  DUKCAPIL_API_URL: z.url().optional(),
  DUKCAPIL_API_TOKEN: z.string().optional(),
  /** The longest wait for the registry's answer (fractions allowed): past it, the submission is kept with the check pending. */
  DUKCAPIL_TIMEOUT_SECONDS: z.coerce.number().positive().default(5),
  CALLBACK_MAX_SKEW_SECONDS: duration.default(300),
  /** Email: the SMTP server (`smtp://user:pass@host:587`, `smtps://host:465`) and the sender; without SMTP_URL no notice goes by email. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example:587' }).optional(),
  MAIL_FROM: z.string().regex(/@[^@\s>]+>?$/, { error: 'must be an address, e.g. Layanan Paspor <no-reply@imigrasi.example>' }).default('Layanan Paspor <no-reply@passport.localhost>'),
  /** WhatsApp (the Cloud API's message shape): base URL, the sender's phone number id and the bearer token; all three, or no WhatsApp. */
  WHATSAPP_API_URL: z.url().optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^[\w-]+$/, { error: 'must be the id of the sending number, e.g. 106540352242922' }).optional(),
  WHATSAPP_TOKEN: z.string().optional(),
  /** SMS: a gateway taking the adapter's own request (README, Notices: delivery) and its bearer token; without it, no SMS. */
  SMS_API_URL: z.url().optional(),
  SMS_TOKEN: z.string().optional(),
  /** The longest wait for one send (SMTP reply, a provider's HTTP answer): a hung provider never hangs a send. */
  NOTICE_SEND_TIMEOUT_SECONDS: duration.default(20),
  /** How long a notice's temporary failures (server down, 429, 5xx) are retried, with backoff, before it is given up (fractions allowed). */
  NOTICE_RETRY_HOURS: z.coerce.number().positive().default(48),
  /** The wait before a failed send's first retry (then doubling, at most an hour), in seconds; fractions allowed. */
  NOTICE_FIRST_RETRY_SECONDS: z.coerce.number().positive().default(10),
  /** `npm start`'s local mail catcher (SMTP and web inbox) and WhatsApp/SMS sink, on loopback; each only without SMTP_URL, resp. the provider URLs. */
  MAILDEV_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(1025),
  MAILDEV_WEB_PORT: z.coerce.number().int().min(1).max(65535).default(1080),
  MESSAGE_SINK_PORT: z.coerce.number().int().min(1).max(65535).default(1090),
  /** `npm start`'s fake population registry (scripts/fake-dukcapil.ts), on loopback, only without DUKCAPIL_API_URL. */
  DUKCAPIL_FAKE_PORT: z.coerce.number().int().min(1).max(65535).default(1095),
  /** Applicant tokens are short-lived; officers' and managers' last a shift. */
  APPLICANT_TOKEN_MINUTES: duration.default(15),
  STAFF_TOKEN_HOURS: duration.default(8),
  /** One account may apply for this many people (a family). */
  MAX_PEOPLE_PER_ACCOUNT: duration.default(5),
  /** Public tracking: a token bucket per client IP in PostgreSQL, one limit shared by every API instance. */
  TRACKING_RATE_PER_MINUTE: duration.default(30),
  TRACKING_BURST: duration.default(10),
  /** Staff sign-in (POST /auth/staff/login): a token bucket per client IP like tracking's, against password guessing. */
  STAFF_LOGIN_RATE_PER_MINUTE: duration.default(10),
  STAFF_LOGIN_BURST: duration.default(5),
  /** Applicant sign-in (POST /auth/login), against password guessing: an account's attempts from one client (email and IP)... */
  APPLICANT_LOGIN_RATE_PER_MINUTE: duration.default(1),
  APPLICANT_LOGIN_BURST: duration.default(10),
  /** ...and from every client together, an hour (not per IP alone: many phones share one carrier IP). */
  APPLICANT_LOGIN_PER_ACCOUNT_HOUR: duration.default(100),
  /** Password hashes waiting their turn (sign-ins and registrations) beyond those running; one more is a 503 with Retry-After. */
  PASSWORD_HASH_QUEUE: duration.default(64),
  /** Take the client IP from X-Forwarded-For's last address: only behind exactly one proxy, which appends the peer it saw. */
  TRUST_PROXY: z.stringbool().default(false),
  /** Base of the managers' links into the Temporal Web UI; defaults to the embedded dev server's. */
  TEMPORAL_UI_URL: z.url().optional(),
  /** Policy windows, in minutes or days as named; defaults are the field rules in design.md. */
  /** Fractions allowed (e.g. 0.25 for a demo day whose unpaid billing codes expire in 15 s). */
  PAYMENT_WINDOW_MINUTES: z.coerce.number().positive().default(120),
  BOOKING_WINDOW_DAYS: duration.default(30),
  BOOKING_REMINDER_DAYS: dayList.default([7, 21]),
  /** The published booking horizon: appointments up to this many days ahead, and never past the loaded holiday calendar. */
  BOOKING_HORIZON_DAYS: z.coerce.number().int().min(1).max(366).default(DEFAULT_BOOKING_HORIZON_DAYS),
  /** How long a freed seat offered to the first in a session's waitlist is held for it, then offered to the next (fractions allowed). */
  WAITLIST_OFFER_HOURS: z.coerce.number().positive().max(24 * 30).default(DEFAULT_WAITLIST_OFFER_HOURS),
  SLA_WORKING_DAYS: duration.default(3),
  /** The early warning before an SLA or Pos delivery deadline, in whole hours before it; unset: the office's opening on the last working day. */
  AT_RISK_HOURS_BEFORE: z.coerce.number({ error: AT_RISK_HOURS }).int({ error: AT_RISK_HOURS }).min(1, { error: AT_RISK_HOURS }).max(720, { error: AT_RISK_HOURS }).optional(),
  DELIVERY_WINDOW_DAYS: duration.default(14),
  PICKUP_WINDOW_DAYS: duration.default(30),
  PICKUP_REMINDER_DAYS: dayList.default([7, 14, 25]),
  /** The workflow asks the bank itself this long before the payment window closes, and waits this long past it for a payment made in time, on record, not applied yet. */
  PAYMENT_INQUIRY_BEFORE_MINUTES: duration.default(15),
  PAYMENT_INQUIRY_GRACE_MINUTES: duration.default(10),
  /** The applicant's "I paid": inquiries per application and hour, and how many may come at once. */
  PAYMENT_INQUIRY_RATE_PER_HOUR: duration.default(6),
  PAYMENT_INQUIRY_BURST: duration.default(2),
  /** How long a bank transaction waits for the settlement report to list it before it is flagged "never settled". */
  SETTLEMENT_WAIT_DAYS: duration.default(7),
  /** Refunds: how long each transfer waits for the bank's confirmation (fractions allowed), and how many transfers before escalating. */
  REFUND_CONFIRM_HOURS: z.coerce.number().positive().default(24),
  REFUND_MAX_TRANSFER_ATTEMPTS: duration.default(3),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where the worker serves the Temporal SDK's Prometheus metrics (`/metrics`); empty: not served. */
  WORKER_METRICS_ADDRESS: z.string().regex(/^[^:]+:\d+$/, 'host:port').optional(),
  /** Largest request body accepted, in bytes; a larger one is refused with 413 before it is read in full. */
  MAX_BODY_BYTES: duration.default(65_536),
  /** Largest bank settlement report (one bank, one day), uploaded or dropped, in bytes; the upload answers 413 above it. */
  SETTLEMENT_MAX_BYTES: duration.default(8 * 1024 * 1024),
  /** The drop folder of settlement reports (`<BANK>-<YYYY-MM-DD>.csv`); default: DATA_DIR/settlements. */
  SETTLEMENT_DIR: z.string().optional(),
  /** When the daily reconciliation runs, WIB (Asia/Jakarta), HH:MM. */
  RECONCILIATION_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time of day as HH:MM (24 h, WIB), e.g. 06:00' })
    .default('06:00'),
  /**
   * How long a request waits for the workflow (a step, a callback's signal, a start) before it answers
   * 202 (accepted, still running) or 503 (not accepted: nothing changed yet; retry).
   */
  WORKFLOW_STEP_TIMEOUT_SECONDS: duration.default(10),
  /** PostgreSQL: the longest wait for a connection, and for a query's answer (a hung server never hangs a request). */
  DATABASE_CONNECT_TIMEOUT_SECONDS: duration.default(5),
  DATABASE_QUERY_TIMEOUT_SECONDS: duration.default(10),
  /** Most PostgreSQL connections this process holds (its share of max_connections: README, Production configuration). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).default(10),
  /** How long a stopping worker lets in-flight activities finish before cancelling them (Temporal retries them). */
  SHUTDOWN_GRACE_SECONDS: duration.default(30),
  /**
   * Demo only (refused in production): one "day" lasts this many seconds for the SLA's working days and
   * the appointment day, so `npm run demo` shows late printing, breaches and no-shows in minutes.
   */
  DEMO_DAY_SECONDS: duration.optional(),
  /** The worker: a workflow bundle built beforehand (bundleWorkflowCode), instead of bundling workflows/ at every start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
});

/** Every setting's name: the README's configuration section names each of them (test/unit/readme.test.ts). */
export const SETTING_NAMES = Object.keys(schema.shape);

/** What a production process cannot start without (docker-compose.yml provides each to the API and the worker). */
export const REQUIRED_IN_PRODUCTION = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'JWT_SECRET', 'BANK_CALLBACK_SECRET', 'POS_CALLBACK_SECRET'] as const;
type Setting = keyof z.input<typeof schema>;

export type Config = z.infer<typeof schema> & { dataDir: string; settlementDir: string };

/** The example and embedded values of secrets (.env.example, the defaults above): refused in production. */
const PLACEHOLDER = /change-?me|embedded-mode/i;
const passwordOf = (url: string | undefined) => {
  try {
    return url ? decodeURIComponent(new URL(url).password) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The configuration from `env`. In production and staging each setting in `required` must be given: the API
 * and the worker need all of REQUIRED_IN_PRODUCTION; a tool needs only what it uses (`npm run stuck`: Temporal).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, required: readonly Setting[] = REQUIRED_IN_PRODUCTION): Config {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  if (parsed.data.NODE_ENV === 'production' || parsed.data.NODE_ENV === 'staging') {
    // Checked on the raw environment: the secrets' embedded defaults must never reach production.
    for (const key of required) {
      if (env[key] === undefined || env[key] === '') throw new Error(`Invalid configuration:\n  ${key}: required in ${parsed.data.NODE_ENV}`);
    }
    // Nor the examples' placeholders (.env.example): with those, anyone could mint a manager's token or sign a payment.
    const secrets = { JWT_SECRET: env.JWT_SECRET, BANK_CALLBACK_SECRET: env.BANK_CALLBACK_SECRET, POS_CALLBACK_SECRET: env.POS_CALLBACK_SECRET, 'DATABASE_URL (its password)': passwordOf(env.DATABASE_URL) };
    for (const [key, value] of Object.entries(secrets)) {
      if (value && PLACEHOLDER.test(value)) throw new Error(`Invalid configuration:\n  ${key}: still an example value; set a secret of your own, e.g. \`openssl rand -hex 32\``);
    }
  }
  if (parsed.data.NODE_ENV === 'production' && parsed.data.DEMO_DAY_SECONDS) {
    throw new Error('Invalid configuration:\n  DEMO_DAY_SECONDS: a demo setting, refused in production (allowed in staging)');
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.DATA_DIR), settlementDir: resolve(parsed.data.SETTLEMENT_DIR ?? join(parsed.data.DATA_DIR, 'settlements')) };
}

/** The database pool's timeouts as the configuration gives them (API, worker and `npm start` alike). */
export const databaseTimeoutsFrom = (config: Config) => ({
  connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_SECONDS * 1000,
  queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_SECONDS * 1000,
});

/** What each bank transaction's workflow is started with (and hands its refund), from the configuration. */
export const bankTransactionPolicyFrom = (config: Config) => ({
  settlementWaitMs: config.SETTLEMENT_WAIT_DAYS * 86_400_000,
  refund: refundPolicyFrom(config),
});

/** Policy handed to each workflow at start, so running workflows keep the rules they started with. */
export const policyFrom = (config: Config) => ({
  paymentWindowMs: Math.round(config.PAYMENT_WINDOW_MINUTES * 60_000),
  bookingWindowMs: config.BOOKING_WINDOW_DAYS * 86_400_000,
  bookingRemindersMs: config.BOOKING_REMINDER_DAYS.map((d) => d * 86_400_000),
  slaWorkingDays: config.SLA_WORKING_DAYS,
  deliveryWindowMs: config.DELIVERY_WINDOW_DAYS * 86_400_000,
  pickupWindowMs: config.PICKUP_WINDOW_DAYS * 86_400_000,
  pickupRemindersMs: config.PICKUP_REMINDER_DAYS.map((d) => d * 86_400_000),
  paymentInquiryBeforeMs: config.PAYMENT_INQUIRY_BEFORE_MINUTES * 60_000,
  paymentInquiryGraceMs: config.PAYMENT_INQUIRY_GRACE_MINUTES * 60_000,
  refund: refundPolicyFrom(config),
});

/** Policy handed to each refund at its start (by whatever opens it), so a running refund keeps its rules. */
export const refundPolicyFrom = (config: Pick<Config, 'REFUND_CONFIRM_HOURS' | 'REFUND_MAX_TRANSFER_ATTEMPTS'>): RefundPolicy => ({
  confirmWithinMs: Math.round(config.REFUND_CONFIRM_HOURS * 3_600_000),
  maxTransferAttempts: config.REFUND_MAX_TRANSFER_ATTEMPTS,
});
