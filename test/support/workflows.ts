// A time-skipping Temporal server per test file, with a worker running the real activities on PostgreSQL.
import { randomInt, randomUUID } from 'node:crypto';
import { SearchAttributeType } from '@temporalio/common';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { counterBookedPos } from '../../activities/pos.js';
import { submitApplication, type Submission } from '../../api/submission.js';
import { policyFrom, loadConfig } from '../../config.js';
import { createDb } from '../../db/connect.js';
import { SEARCH_ATTRIBUTES, type Policy } from '../../workflows/definitions.js';

export const defaultPolicy: Policy = policyFrom(loadConfig({}));

let runtimeInstalled = false;
/** Workers log warnings and errors only, so a test run's output stays readable. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

export async function startTimeSkipping() {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
  });
  // The time-skipping server starts with no custom search attributes, but accepts them through its operator API.
  const { IndexedValueType } = proto.temporal.api.enums.v1;
  const indexed: Partial<Record<SearchAttributeType, proto.temporal.api.enums.v1.IndexedValueType>> = {
    [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  };
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((key) => [key.name, indexed[key.type]!])),
  });
  const db = createDb(inject('databaseUrl'), { max: 4 });
  const taskQueue = `wf-${randomUUID()}`;

  return {
    env,
    db,
    client: env.client,
    taskQueue,
    submit: (submission: Partial<Submission> = {}, policy: Policy = defaultPolicy) =>
      submitApplication({ db, temporal: env.client, taskQueue, policy }, { ...sampleSubmission(), ...submission }),
    /** Runs a worker with the real activities while `body` drives the workflow. */
    async withWorker<T>(body: () => Promise<T>): Promise<T> {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: { codePath: inject('workflowBundlePath') },
        activities: createActivities({ db, pos: counterBookedPos() }),
      });
      return worker.runUntil(body());
    },
    async teardown() {
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
