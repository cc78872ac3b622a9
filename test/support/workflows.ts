// A time-skipping Temporal server per test file, with a worker running the real activities on PostgreSQL.
import { randomUUID } from 'node:crypto';
import { SearchAttributeType } from '@temporalio/common';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { counterBookedPos } from '../../activities/pos.js';
import { installRuntime } from '../../activities/worker.js';
import { submitApplication, type Submission } from '../../api/submission.js';
import { policyFrom, loadConfig } from '../../config.js';
import { createDb } from '../../db/connect.js';
import { SEARCH_ATTRIBUTES, type Policy } from '../../workflows/definitions.js';

export const defaultPolicy: Policy = policyFrom(loadConfig({}));

/** Workers log warnings and errors only, so a test run's output stays readable. */
export function quietRuntime(): void {
  installRuntime({ level: 'WARN' });
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

let counter = 0;
/** A valid applicant: a NIK whose region, birth date and serial agree (a woman born 1990-05-12). */
export function sampleSubmission(): Submission {
  counter += 1;
  return {
    applicationType: 'NEW',
    product: 'ELECTRONIC_10Y',
    officeCode: 'PLU',
    nik: `727105520590${String(1000 + (counter % 9000)).padStart(4, '0')}`,
    fullName: 'Siti Rahmawati',
    birthDate: '1990-05-12',
    email: 'siti@example.id',
    phone: '+6281234567890',
    deliveryMethod: 'PICKUP',
    address: 'Jl. Sam Ratulangi No. 10, Palu, Sulawesi Tengah',
  };
}
