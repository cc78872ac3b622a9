// The whole service for end-to-end tests: the Temporal dev server, a worker with the real activities,
// and the HTTP API on a free port, all against the run's PostgreSQL.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { httpBank } from '../../activities/bank.js';
import { httpPos } from '../../activities/pos.js';
import type { NoticeChannelClients } from '../../activities/notices/send.js';
import { noticeDeliveryStarter } from '../../activities/notices/start.js';
import { createApp } from '../../api/app.js';
import { registryFromConfig } from '../../api/registry.js';
import { mintStaffToken } from '../../api/auth.js';
import { listen } from '../../api/server.js';
import { runWorkflowStarter } from '../../api/workflow-starts.js';
import { signedHeaders } from '../../api/signatures.js';
import { bankTransactionPolicyFrom, loadConfig, policyFrom } from '../../config.js';
import { createDb } from '../../db/connect.js';
import { submitApplication } from '../../api/submission.js';
import { SEARCH_ATTRIBUTES, workflowIdFor, type Policy } from '../../workflows/definitions.js';
import { signedCallback, startFakeBank } from './fake-bank.js';
import { startFakePos } from './fake-pos.js';
import { findPersonalData, quietRuntime, sampleSubmission } from './workflows.js';
import { startFakeDukcapil } from '../../scripts/fake-dukcapil.js';

/**
 * Tests poll public tracking (and sign staff and applicants in) often: those rate limits are lifted unless a test asks for one (see `listenWith`).
 * Steps may wait a minute for the workflow: two loaded cores are slower than production; the deadline's own
 * tests (failures.test.ts) set a short one.
 */
export const TEST_CONFIG = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  TRACKING_RATE_PER_MINUTE: '1000000',
  TRACKING_BURST: '1000000',
  STAFF_LOGIN_RATE_PER_MINUTE: '1000000',
  STAFF_LOGIN_BURST: '1000000',
  APPLICANT_LOGIN_RATE_PER_MINUTE: '1000000',
  APPLICANT_LOGIN_BURST: '1000000',
  APPLICANT_LOGIN_PER_ACCOUNT_HOUR: '1000000',
  WORKFLOW_STEP_TIMEOUT_SECONDS: '60',
};

/**
 * `databaseUrl`: another database than the run's shared one (a test that compares whole tables needs its own).
 * `notices`: the channels notices are sent on; with them, recorded notices are delivered (`startDelivery`).
 */
export async function startService(options: { databaseUrl?: string; notices?: NoticeChannelClients; atRiskHoursBefore?: number } = {}) {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: inject('temporalCliPath') },
      ip: '127.0.0.1',
      searchAttributes: SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
  const startedAt = new Date();
  let apiUrl = '';
  const callbackSecret = loadConfig(TEST_CONFIG).BANK_CALLBACK_SECRET;
  // The bank answers inquiries, takes refund transfers and confirms them by its signed callback to this service's API.
  const bank = await startFakeBank({ confirm: signedCallback(() => apiUrl, callbackSecret) });
  // The population registry, faked over HTTP: any NIK exists with the birth date its digits carry (scripts/fake-dukcapil.ts).
  const dukcapil = await startFakeDukcapil();
  const config = loadConfig({ ...TEST_CONFIG, BANK_API_URL: bank.url, BANK_API_TOKEN: bank.token, ...dukcapil.settings });
  const db = createDb(options.databaseUrl ?? inject('databaseUrl'), { max: 30 });
  const pos = await startFakePos();
  const taskQueue = `api-${randomUUID()}`;
  const activities = createActivities({
    db,
    pos: httpPos(pos.url),
    temporal: env.client,
    bank: httpBank(bank.url, bank.token),
    bankTransactions: bankTransactionPolicyFrom(config),
    bookingHorizonDays: config.BOOKING_HORIZON_DAYS,
    registry: registryFromConfig(config),
    // AT_RISK_HOURS_BEFORE: with 720, every application is at risk as soon as it awaits printing.
    atRiskHoursBefore: options.atRiskHoursBefore ?? config.AT_RISK_HOURS_BEFORE,
    ...(options.notices && { notices: options.notices, startDelivery: noticeDeliveryStarter(env.client, taskQueue) }),
  });
  // The dev server's clock cannot be moved to the appointment day (tomorrow at the earliest), when an officer
  // may record the interview. For the applications a test names, the day opens when the seat is booked, as
  // with the demo's short days (DEMO_DAY_SECONDS); every other application keeps the real rule.
  const dayOpensAtBooking = new Set<string>();
  // And for the applications a test names, the appointment day ends this many ms after the booking: a no-show.
  const dayEndsAfter = new Map<string, number>();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: {
      ...activities,
      reserveSeat: async (req: Parameters<typeof activities.reserveSeat>[0]) => {
        const ends = dayEndsAfter.get(req.applicationId);
        return {
          ...(await activities.reserveSeat(req)),
          ...(dayOpensAtBooking.has(req.applicationId) && { startsAt: req.at }),
          ...(ends !== undefined && { endsAt: new Date(Date.parse(req.at) + ends).toISOString() }),
        };
      },
    },
  });
  const running = worker.run();
  const deps = { db, temporal: env.client, config, taskQueue, policy: policyFrom(config) };
  const api = await listen(createApp(deps), 0, '127.0.0.1');
  apiUrl = api.url;
  const starter = runWorkflowStarter(deps);
  const call = caller(api.url);
  const extra: Array<{ close(): Promise<void> }> = [];

  let accounts = 0;
  /** A new applicant account, logged in: its id and the headers that carry its token. */
  const applicant = async () => {
    accounts += 1;
    const credentials = { email: `applicant-${randomUUID()}@example.id`, password: `correct horse ${accounts}` };
    const registered = await call('POST', '/auth/register', credentials);
    if (registered.status !== 202) throw new Error(`register failed: ${JSON.stringify(registered.body)}`);
    const session = await call('POST', '/auth/login', credentials);
    if (session.status !== 200) throw new Error(`login failed: ${JSON.stringify(session.body)}`);
    return { accountId: session.body.accountId as string, auth: { authorization: `Bearer ${session.body.token}` } };
  };

  return {
    env,
    db,
    config,
    bank,
    dukcapil,
    taskQueue,
    url: api.url,
    call,
    applicant,
    /** Starts a recorded notice's delivery as the recording activity does. */
    startDelivery: noticeDeliveryStarter(env.client, taskQueue),
    officerToken: (office: string, sub = `officer-${office.toLowerCase()}-1`) => mintStaffToken(config.JWT_SECRET, { sub, role: 'officer', office }),
    financeToken: (office: string, sub = `finance-${office === '*' ? 'directorate' : office.toLowerCase()}-1`) => mintStaffToken(config.JWT_SECRET, { sub, role: 'finance', office }),
    managerToken: (office: string, sub = `manager-${office === '*' ? 'directorate' : office.toLowerCase()}`) => mintStaffToken(config.JWT_SECRET, { sub, role: 'manager', office }),
    /** An application submitted under other rules than the service's (a payment window of seconds), which its workflow keeps. */
    submitWith: (policy: Partial<Policy>) => submitApplication({ db, temporal: env.client, taskQueue, policy: { ...deps.policy, ...policy } }, sampleSubmission()),
    /** The application's appointment day opens when it is booked (see above): the interview can be recorded at once. */
    comesOnTheDay: (applicationId: string) => void dayOpensAtBooking.add(applicationId),
    /** The application's appointment day ends `ms` after its booking, with nobody recorded: a no-show. */
    dayEndsSoon: (applicationId: string, ms: number) => void dayEndsAfter.set(applicationId, ms),
    /** The same service behind another listener with other settings (e.g. a tight tracking rate limit). */
    async listenWith(overrides: Record<string, string>) {
      const other = await listen(createApp({ ...deps, config: loadConfig({ ...TEST_CONFIG, BANK_API_URL: bank.url, BANK_API_TOKEN: bank.token, ...dukcapil.settings, ...overrides }) }), 0, '127.0.0.1');
      extra.push(other);
      return { url: other.url, call: caller(other.url) };
    },
    /** Sends a callback exactly as the bank or Pos would: the raw body and its signature. */
    signedCall: (sender: 'bank' | 'pos', path: string, body: unknown, now = Date.now()) => {
      const raw = JSON.stringify(body);
      const secret = sender === 'bank' ? config.BANK_CALLBACK_SECRET : config.POS_CALLBACK_SECRET;
      const headers = signedHeaders(secret, raw, now);
      return { headers, send: (h = headers) => call('POST', path, raw, h) };
    },
    /**
     * Every application this service started, its history read back from Temporal, checked for the
     * applicant's NIK, name, birth date, contact details and address. Returns what was found (nothing).
     */
    async personalDataInHistories(): Promise<string[]> {
      const rows = await db
        .selectFrom('applications')
        .select(['id', 'nik', 'full_name', 'email', 'phone', 'birth_date', 'delivery_address'])
        .where('created_at', '>=', startedAt)
        .execute();
      const mine = [];
      for (const row of rows) {
        const workflowId = workflowIdFor(row.id);
        const exists = await env.client.workflow.getHandle(workflowId).describe().then(() => true, () => false);
        if (exists) mine.push({ workflowId, personal: [row.nik, row.full_name, row.email, row.phone, row.birth_date, ...(row.delivery_address ? [row.delivery_address] : [])] });
      }
      if (mine.length === 0) throw new Error('no application of this service to check');
      return findPersonalData(env.client, mine);
    },
    async stop() {
      for (const other of extra) await other.close();
      await starter.stop();
      await api.close();
      worker.shutdown();
      await running;
      await pos.stop();
      await bank.stop();
      await dukcapil.stop();
      await db.destroy();
      await env.teardown();
    },
  };
}

export type Call = ReturnType<typeof caller>;
export const caller = (url: string) => async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(payload !== undefined && { 'content-type': 'application/json' }), ...headers },
    body: payload,
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const body_: any = text && contentType.includes('json') ? JSON.parse(text) : text || undefined;
  return { status: response.status, contentType, headers: response.headers, body: body_ };
};

export { eventually } from './eventually.js';
