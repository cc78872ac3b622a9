// The baseline of the lifecycle scenario: a workflow that does nothing but repeat the shape of an application's
// history (noop-plan.ts): its messages, activities that return at once, its timers, upserts and markers. What
// it costs is the engine's own cost of that shape on this machine.
import {
  CancellationScope,
  condition,
  defineSignal,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { NoopPlan } from './noop-plan.js';

/** One of the attributes the dev server registers for applications (scripts/dev-server.ts). */
const STEP = defineSearchAttributeKey('PassportStage', SearchAttributeType.KEYWORD);
const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function noopLifecycle(plan: NoopPlan): Promise<number> {
  let arrived = 0;
  let done = 0;
  const names = new Map(plan.flatMap((p) => (p.trigger.kind === 'start' ? [] : [[p.trigger.name, p.trigger.kind] as const])));
  for (const [name, kind] of names) {
    if (kind === 'signal') setHandler(defineSignal(name), () => void arrived++);
    else {
      setHandler(defineUpdate<number>(name), async () => {
        const mine = ++arrived;
        await condition(() => done >= mine);
        return mine;
      });
    }
  }
  let markers = 0;
  let timers = new CancellationScope();
  for (const [index, phase] of plan.entries()) {
    if (index > 0) {
      await condition(() => arrived >= index);
      // The message a stage waited for came: its timers end, as the application's are cancelled.
      timers.cancel();
      timers = new CancellationScope();
    }
    for (const task of phase.tasks) {
      const running: Array<Promise<void>> = [];
      for (const command of task) {
        if (command.kind === 'activity') running.push(noop());
        else if (command.kind === 'timer') timers.run(() => sleep(command.ms)).catch(() => undefined);
        else if (command.kind === 'upsert') upsertSearchAttributes([{ key: STEP, value: `BENCH_${index}` }]);
        else patched(`bench-marker-${markers++}`);
      }
      await Promise.all(running);
    }
    done = index;
  }
  timers.cancel();
  return done;
}
