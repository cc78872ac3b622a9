// Recorded histories (npm run histories:record) replayed through today's workflow code: a change that
// would make running workflows of any type (applications, bank transactions, refunds, payment inquiries)
// non-deterministic fails here, before it reaches production.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import * as workflowTypes from '../../workflows/index.js';
import { quietRuntime } from '../support/workflows.js';

const dir = resolve(import.meta.dirname, '../fixtures/histories');
const fixtures = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();

/** Files recorded before the other workflow types existed name none: they are applications. */
const load = async (file: string) => {
  const { workflowId, workflowType = 'passportApplication', result, history } = JSON.parse(await readFile(join(dir, file), 'utf8'));
  return { workflowId: workflowId as string, workflowType: workflowType as string, result: result as unknown, history: proto.temporal.api.history.v1.History.decode(Buffer.from(history, 'base64')) };
};

describe('replaying recorded histories with the current workflow code', () => {
  it('has recorded histories to replay', async () => {
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
    // Notices riding with their stage (issue 14): both patches, a Pos failure back at the office, the lapse.
    expect(fixtures).toContain('pos-overdue-failed-then-pickup-lapsed.notices.json');
    // The early warning (issue 16): a breach after a warning, a Pos delivery warned of then overdue; and an
    // application that waited for printing under the code before it (in progress: the new code takes it on unwarned).
    for (const scenario of ['sla-breach-pos-delivery', 'pos-overdue-failed-then-pickup-lapsed']) expect(fixtures).toContain(`${scenario}.early-warning.json`);
    expect(fixtures).toContain('awaiting-printing-in-progress.before-early-warning.json');
    // Every way out of the lifecycle of release 1 (its one release marker; APPLICATION_PATCHES taken without theirs).
    for (const scenario of ['happy-path-pickup', 'sla-breach-pos-delivery', 'lost-bap-then-no-show-twice', 'unpaid-expires', 'paid-twice-then-cancelled', 'booking-reminders-then-expired', 'rescheduled-then-rejected', 'pos-overdue-failed-then-pickup-lapsed']) {
      expect(fixtures).toContain(`${scenario}.release-1.json`);
      // Release 2: a printing taken past the SLA deadline is late whichever it is seen after (its release-2 marker).
      expect(fixtures).toContain(`${scenario}.release-2.json`);
    }
    // The money's own workflows (issue 13), each way they end.
    const money = {
      bankTransaction: ['bank-transaction-applied-then-settled', 'bank-transaction-refused-opens-refund', 'bank-transaction-conflict', 'bank-transaction-never-settled'],
      refund: ['refund-confirmed-after-retries', 'refund-declined', 'refund-escalated-then-confirmed'],
      paymentInquiry: ['payment-inquiry-found', 'payment-inquiry-nothing-found'],
    };
    for (const [workflowType, scenarios] of Object.entries(money)) {
      for (const scenario of scenarios) expect(await load(`${scenario}.money-workflows.json`), scenario).toMatchObject({ workflowType });
    }
  });

  it.each(fixtures)('%s replays deterministically', async (file) => {
    quietRuntime();
    const { workflowId, workflowType, history } = await load(file);
    expect(history.events?.length).toBeGreaterThan(10);
    // The replay runs the workflow type the history started, which the worker must still export under that name.
    expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe(workflowType);
    expect(Object.keys(workflowTypes)).toContain(workflowType);
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, workflowId)).resolves.toBeUndefined();
  });
});
