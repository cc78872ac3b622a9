// A time-skipping Temporal server per test file, with a worker running the real activities on PostgreSQL.
import { randomInt, randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities, type Activities, type ActivityDeps } from '../../activities/index.js';
import { httpBank } from '../../activities/bank.js';
import { httpPos } from '../../activities/pos.js';
import { installRuntime } from '../../worker/runtime.js';
import { startFakeBank } from './fake-bank.js';
import { startFakePos } from './fake-pos.js';
import { terminateWhenIdle } from './idle.js';
import { submitApplication, type Submission } from '../../api/submission.js';
import { seeBankTransaction } from '../../api/bank-intake.js';
import { bankTransactionPolicyFrom, policyFrom, loadConfig } from '../../config.js';
import { createDb } from '../../db/connect.js';
import { registerSearchAttributes } from '../../scripts/search-attributes.js';
import { workflowIdFor, type BankTransaction, type Policy } from '../../workflows/definitions.js';

export const defaultPolicy: Policy = policyFrom(loadConfig({}));
export const defaultBankTransactionPolicy = bankTransactionPolicyFrom(loadConfig({}));

/** Workers log warnings and errors only, so a test run's output stays readable. */
export function quietRuntime(): void {
  installRuntime({ level: 'ERROR' }); // expected activity failures (a full session) are not news
}

/**
 * `bank.confirm`: how the fake bank confirms a refund's transfer (default: it never does). `databaseUrl`: a database
 * of the file's own (the reconciliation takes every report of its database).
 */
export async function startTimeSkipping(options: { bank?: Parameters<typeof startFakeBank>[0]; databaseUrl?: string } = {}) {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
  });
  // The time-skipping server starts with no custom search attributes, but accepts them through its operator API.
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  const db = createDb(options.databaseUrl ?? inject('databaseUrl'), { max: 4 });
  const pos = await startFakePos();
  const bank = await startFakeBank(options.bank);
  const taskQueue = `wf-${randomUUID()}`;
  const started: Array<{ workflowId: string; personal: string[] }> = [];
  const toEnd: WorkflowHandle[] = [];

  return {
    env,
    db,
    pos,
    bank,
    client: env.client,
    taskQueue,
    async submit(overrides: Partial<Submission> = {}, policy: Policy = defaultPolicy) {
      const submission = { ...sampleSubmission(), ...overrides };
      const submitted = await submitApplication({ db, temporal: env.client, taskQueue, policy, now: async () => new Date(await env.currentTimeMs()) }, submission);
      if (!submitted.workflowStarted) throw new Error(`the workflow of ${submitted.applicationId} did not start`);
      started.push({ workflowId: workflowIdFor(submitted.applicationId), personal: personalFields(submission) });
      return submitted;
    },
    /** A sighting of money, handed over as the callback route and the inquiry hand it over. */
    see: (tx: BankTransaction, policy = defaultBankTransactionPolicy) => seeBankTransaction({ db, temporal: env.client, taskQueue, policy }, tx),
    /** The server's clock as an ISO instant. */
    now: async () => new Date(await env.currentTimeMs()).toISOString(),
    /** The personal data each started workflow's applicant gave that appears in its history (should be none). */
    async personalDataInHistories(): Promise<string[]> {
      return findPersonalData(env.client, started);
    },
    /**
     * Ends the workflow when the running worker's `body` is over, once idle and before the worker stops (see
     * terminateWhenIdle): a workflow of a test left running has timers that fire under a later test's worker.
     */
    endWithWorker(handle: WorkflowHandle): void {
      toEnd.push(handle);
    },
    /**
     * Runs a worker with the real activities while `body` drives the workflow; `deps` adds to theirs (e.g. a bank);
     * `around` may wrap them (e.g. an attempt whose completion is lost after its effect). The workflows given to
     * endWithWorker meanwhile are ended after `body`, while the worker still runs.
     */
    async withWorker<T>(body: () => Promise<T>, deps: Partial<ActivityDeps> = {}, around: (a: Activities) => Activities = (a) => a, options: Partial<WorkerOptions> = {}): Promise<T> {
      const worker = await Worker.create({
        ...options,
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: { codePath: inject('workflowBundlePath') },
        activities: around(createActivities({ db, pos: httpPos(pos.url), temporal: env.client, bank: httpBank(bank.url, bank.token), bankTransactions: defaultBankTransactionPolicy, ...deps })),
      });
      return worker.runUntil(async () => {
        let outcome: { value: T } | { error: unknown };
        try {
          outcome = { value: await body() };
        } catch (error) {
          outcome = { error };
        }
        const ending = await Promise.allSettled(toEnd.splice(0).map((handle) => terminateWhenIdle(handle, 'the test is over')));
        if ('error' in outcome) throw outcome.error; // the test's own failure first
        const failed = ending.find((e) => e.status === 'rejected');
        if (failed) throw failed.reason;
        return outcome.value;
      });
    },
    async teardown() {
      await pos.stop();
      await bank.stop();
      await db.destroy();
      await env.teardown();
    },
  };
}

/**
 * A NIK that agrees with a birth date and sex, in a random regency and with a random serial, so test
 * files running side by side never share one (one active application per NIK).
 */
export function nikFor(birthDate: string, sex: 'M' | 'F'): string {
  const pick = (n: number) => randomInt(1, n + 1);
  const two = (n: number) => String(n).padStart(2, '0');
  const [year, month, day] = birthDate.split('-');
  const province = ['11', '31', '32', '33', '35', '51', '72', '73', '91'][pick(9) - 1];
  const birth = `${two(Number(day) + (sex === 'F' ? 40 : 0))}${month}${year!.slice(2)}`;
  return `${province}${two(pick(99))}${two(pick(99))}${birth}${String(pick(9999)).padStart(4, '0')}`;
}

/** A valid applicant: a woman born 1990-05-12, with a NIK of her own. */
export function sampleSubmission(): Submission {
  return {
    applicationType: 'NEW',
    product: 'ELECTRONIC_10Y',
    officeCode: 'PLU',
    nik: nikFor('1990-05-12', 'F'),
    fullName: 'Siti Rahmawati',
    sex: 'F',
    birthDate: '1990-05-12',
    email: 'siti@example.id',
    phone: '+6281234567890',
    deliveryMethod: 'PICKUP',
    address: 'Jl. Sam Ratulangi No. 10, Palu, Sulawesi Tengah',
  };
}

/** What must never reach Temporal: NIK, name, birth date, contact details and address. */
export const personalFields = (s: Submission): string[] => [s.nik, s.fullName, s.email, s.phone, s.birthDate, ...(s.address ? [s.address] : [])];

/** Reads each workflow's full history and lists every personal value found in it, as `workflowId: value`. */
/** `marker`: a text its history's payloads must hold (default: the application id), proof that they were read. */
export async function findPersonalData(client: Client, started: Array<{ workflowId: string; personal: string[]; marker?: string }>): Promise<string[]> {
  const found: string[] = [];
  for (const { workflowId, personal, marker } of started) {
    // Payloads are bytes (base64 in JSON): decode them, or the scan would see nothing and prove nothing.
    const history = textOf(await client.workflow.getHandle(workflowId).fetchHistory());
    if (!history.includes(marker ?? workflowId.replace(/^passport-/, ''))) throw new Error(`cannot read the payloads of ${workflowId}`);
    for (const value of personal) if (history.includes(value)) found.push(`${workflowId}: ${value}`);
  }
  return found;
}

/** Every string in a value, with byte arrays decoded as UTF-8 (walks the fields, not protobuf's toJSON). */
function textOf(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(textOf).join('\n');
  return String(value);
}
