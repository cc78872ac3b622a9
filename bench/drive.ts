// Whole happy-path applications through the service's HTTP API, as the demo's clients drive them
// (scripts/demo-client.ts), and the no-op workflow of the same shape driven straight through Temporal.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Client } from '@temporalio/client';
import type proto from '@temporalio/proto';
import { createDb } from '../db/connect.js';
import type { Cluster } from '../scripts/cluster.js';
import { takePayment } from '../scripts/demo-bank.js';
import { serviceClient, type ServiceClient } from '../scripts/demo-client.js';
import { DEMO_NIK_PREFIX } from '../scripts/demo-day.js';
import { loadHolidays } from '../db/queries/holidays.js';
import { localDate, nthWorkingDayAfter } from '../workflows/calendar.js';
import { workflowIdFor } from '../workflows/definitions.js';
import { eventTypeName } from './billing.js';
import type { NoopPlan, PlanEvent } from './noop-plan.js';
import type { noopLifecycle } from './noop-workflow.js';
import { pool } from './stats.js';

/** How many applications at a time, as in issue 18's measurement. */
export const CONCURRENCY = 32;
/**
 * The demo clock (an appointment day of 30 s), so a whole lifecycle ends in seconds; the payment window stays the
 * service's own (2 h): the booking and memory scenarios keep hundreds of applications waiting meanwhile.
 */
export const BENCH_ENV = { DEMO_DAY_SECONDS: '30', LOG_LEVEL: 'info' };

export const STEPS = ['submission', 'payment', 'booking', 'interview', 'printing', 'hand-over'] as const;
export type Step = (typeof STEPS)[number];
export type Latencies = Record<Step, number[]>;
export const noLatencies = (): Latencies => Object.fromEntries(STEPS.map((s) => [s, []])) as unknown as Latencies;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A step refused as not ready yet (409) is tried again after this. */
const RETRY_MS = 100;
/** The applicant's view is read after 50 ms, then twice as long each time up to 500 ms: a fine latency for fast steps, few reads for slow ones. */
const pollDelays = function* () {
  for (let ms = 50; ; ms = Math.min(500, ms * 2)) yield ms;
};
/** Applicant numbers across the run: each application has a NIK of its own (4-digit serial). */
let applicants = 0;
/** Regular seats booked per office across the run: bookings fill the sessions of the next working days in turn. */
const booked = new Map<string, number>();

async function until2xx<T extends { status: number; body: unknown }>(step: () => Promise<T>, what: string): Promise<T> {
  for (let i = 0; ; i++) {
    const reply = await step();
    if (reply.status < 300) return reply;
    if (reply.status !== 409 || i > 50) throw new Error(`${what}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
    await sleep(RETRY_MS);
  }
}

/** Reads the applicant's own view until it shows `stage`; returns how many reads it took. */
async function waitForStage(api: ServiceClient, applicationId: string, stage: string): Promise<number> {
  const until = Date.now() + 120_000;
  const delays = pollDelays();
  for (let reads = 1; ; reads++) {
    const { body } = await api.own(applicationId);
    if (body.stage === stage) return reads;
    if (Date.now() > until) throw new Error(`application ${applicationId} stayed ${body.stage}, expected ${stage}`);
    await sleep(delays.next().value!);
  }
}

export interface Driven {
  applicationIds: string[];
  seconds: number;
  latencies: Latencies;
  retries: number;
  /** Reads of the applicant's own view, waiting for a stage to show. */
  reads: number;
}

/**
 * `count` applications, `CONCURRENCY` at a time, from submission to hand-over at the counter; `apiUrls` are
 * used in turn (one per API process). A step's latency runs from its request to the answer that the next stage
 * is reached (the payment and the booking: to the applicant's view showing it, see pollDelays).
 */
export async function driveApplications(cluster: Cluster, count: number, onDone: () => void, apiUrls = [cluster.apiUrl]): Promise<Driven> {
  let retries = 0;
  let reads = 0;
  const clients = apiUrls.map((url) => serviceClient(url, cluster.secrets, { retry: { forMs: 60_000, onRetry: () => void retries++ } }));
  const db = createDb(cluster.databaseUrl, { max: 1 });
  const offices = await db.selectFrom('offices').select(['code', 'time_zone', 'session_quotas']).where('retired_at', 'is', null).orderBy('code').execute();
  const holidays = await loadHolidays(db);
  await db.destroy();
  /** The office's next free regular seat: mornings and afternoons in turn, from the next working day on. */
  const seatAt = (office: (typeof offices)[number]) => {
    const n = booked.get(office.code) ?? 0;
    booked.set(office.code, n + 1);
    const perDay = Math.max(1, 2 * Math.min(office.session_quotas.MORNING.REGULAR, office.session_quotas.AFTERNOON.REGULAR));
    const session: 'MORNING' | 'AFTERNOON' = n % 2 === 0 ? 'MORNING' : 'AFTERNOON';
    return { date: nthWorkingDayAfter(localDate(new Date(), office.time_zone), 1 + Math.floor(n / perDay), holidays), session };
  };

  const latencies = noLatencies();
  const applicationIds: string[] = [];
  const timed = async <T>(step: Step, work: () => Promise<T>) => {
    const start = performance.now();
    const result = await work();
    latencies[step].push((performance.now() - start) / 1000);
    return result;
  };
  const started = performance.now();
  await pool(count, CONCURRENCY, async (i) => {
    const api = clients[i % clients.length]!;
    const n = ++applicants;
    const { code: office } = offices[i % offices.length]!;
    const submitted = await timed('submission', () =>
      api.submit({
        applicationType: 'NEW',
        product: 'ORDINARY_5Y',
        officeCode: office,
        nik: `${DEMO_NIK_PREFIX}${String(1000 + n).padStart(4, '0')}`,
        fullName: `Pemohon Bench ${n}`,
        sex: 'F',
        birthDate: '1990-05-12',
        email: `bench${n}@example.id`,
        phone: `+62812100${String(n).padStart(5, '0')}`,
        deliveryMethod: 'PICKUP',
        address: `Jl. Bench No. ${n}`,
      }),
    );
    if (submitted.status !== 201 && submitted.status !== 202) throw new Error(`submission ${n}: HTTP ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const { applicationId, billingCode, amount } = submitted.body;
    applicationIds.push(applicationId);
    await timed('payment', async () => {
      await until2xx(() => api.pay(takePayment(billingCode, amount)), 'payment');
      reads += await waitForStage(api, applicationId, 'AWAITING_BOOKING');
    });
    const step = async (name: Step, send: () => Promise<{ status: number; body: object }>, stage: string) =>
      timed(name, async () => {
        const reply = await until2xx(send, name);
        // The booking's answer names no stage; a 202 (still running) neither: the applicant's view shows it.
        if (!('stage' in reply.body) || reply.body.stage !== stage) reads += await waitForStage(api, applicationId, stage);
      });
    let seat = seatAt(offices[i % offices.length]!);
    await step(
      'booking',
      async () => {
        const reply = await api.book(applicationId, seat.date, seat.session);
        // Full (seats taken outside this run's count): the applicant takes the first session offered instead.
        const offered = (reply.body as { nextAvailable?: Array<{ date: string; session: 'MORNING' | 'AFTERNOON' }> }).nextAvailable?.[0];
        if (reply.status !== 409 || !offered) return reply;
        seat = offered;
        return api.book(applicationId, seat.date, seat.session);
      },
      'AWAITING_INTERVIEW',
    );
    await step('interview', () => api.interview(office, applicationId, 'APPROVED'), 'AWAITING_PRINTING');
    await step('printing', () => api.print(office, applicationId, `E${String(1_000_000 + n)}`), 'READY_FOR_PICKUP');
    await step('hand-over', () => api.handover(office, applicationId), 'COMPLETED');
    onDone();
  });
  return { applicationIds, seconds: (performance.now() - started) / 1000, latencies, retries, reads };
}

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export async function historyOf(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

export const applicationHistory = (client: Client, applicationId: string) => historyOf(client, workflowIdFor(applicationId));

/** What the no-op plan reads of a history event. */
export function planEvent(event: HistoryEvent): PlanEvent {
  const timeout = event.timerStartedEventAttributes?.startToFireTimeout;
  return {
    type: eventTypeName(event),
    signalName: event.workflowExecutionSignaledEventAttributes?.signalName ?? undefined,
    updateName: event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? undefined,
    timerMs: timeout ? Number(timeout.seconds ?? 0) * 1000 + Math.round((timeout.nanos ?? 0) / 1e6) : undefined,
  };
}

/** The no-op workflow's worker as a process of its own (bench/noop-worker.ts), resolved once it polls. */
export async function startNoopWorker(cluster: Cluster, taskQueue: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/noop-worker.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TEMPORAL_ADDRESS: cluster.temporalAddress, BENCH_TASK_QUEUE: taskQueue },
  });
  const output: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    const timeout = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timeout);
  };
  process.once('exit', () => child.exitCode === null && child.signalCode === null && process.kill(-child.pid!, 'SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => line.includes('noop worker polling') && resolve());
    child.once('exit', (code) => reject(new Error(`the no-op worker exited (${code}): ${output.join('').slice(-2000)}`)));
  });
  return { pid: child.pid!, stop };
}

/** `count` no-op workflows of `plan`, `CONCURRENCY` at a time: started, each message sent in order, awaited. */
export async function driveNoop(client: Client, taskQueue: string, plan: NoopPlan, count: number, onDone: () => void): Promise<{ seconds: number; workflowIds: string[] }> {
  const workflowIds: string[] = [];
  const started = performance.now();
  await pool(count, CONCURRENCY, async () => {
    const workflowId = `bench-noop-${randomUUID()}`;
    workflowIds.push(workflowId);
    const handle = await client.workflow.start<typeof noopLifecycle>('noopLifecycle', { taskQueue, workflowId, args: [plan] });
    for (const { trigger } of plan.slice(1)) {
      if (trigger.kind === 'signal') await handle.signal(trigger.name);
      else if (trigger.kind === 'update') await handle.executeUpdate(trigger.name);
    }
    await handle.result();
    onDone();
  });
  return { seconds: (performance.now() - started) / 1000, workflowIds };
}
