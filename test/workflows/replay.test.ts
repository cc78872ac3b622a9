// Recorded histories (npm run histories:record) replayed through today's workflow code: a change that
// would make running applications non-deterministic fails here, before it reaches production.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { quietRuntime } from '../support/workflows.js';

const dir = resolve(import.meta.dirname, '../fixtures/histories');
const fixtures = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();

const load = async (file: string) => {
  const { workflowId, result, history } = JSON.parse(await readFile(join(dir, file), 'utf8'));
  return { workflowId: workflowId as string, result: result as string, history: proto.temporal.api.history.v1.History.decode(Buffer.from(history, 'base64')) };
};

describe('replaying recorded histories with the current workflow code', () => {
  it('has recorded histories to replay', () => {
    for (const scenario of ['happy-path-pickup', 'sla-breach-pos-delivery', 'lost-bap-then-no-show-twice']) {
      expect(fixtures.filter((f) => f.startsWith(`${scenario}.`)).length).toBeGreaterThanOrEqual(2);
    }
    // Every way out of the lifecycle, recorded before the stage-table reshaping: the reshaped code replays them all.
    for (const scenario of ['unpaid-expires', 'paid-twice-then-cancelled', 'booking-reminders-then-expired', 'rescheduled-then-rejected', 'pos-overdue-failed-then-pickup-lapsed']) {
      expect(fixtures).toContain(`${scenario}.unapplied-callbacks.json`);
    }
    // The same ways out with payments offered by applyPayment and the workflow's own bank inquiry (issue 13).
    for (const scenario of ['unpaid-expires', 'paid-twice-then-cancelled', 'booking-reminders-then-expired', 'rescheduled-then-rejected', 'pos-overdue-failed-then-pickup-lapsed']) {
      expect(fixtures).toContain(`${scenario}.payment-inquiry.json`);
    }
  });

  it.each(fixtures)('%s replays deterministically', async (file) => {
    quietRuntime();
    const { workflowId, history } = await load(file);
    expect(history.events?.length).toBeGreaterThan(10);
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, workflowId)).resolves.toBeUndefined();
  });
});
