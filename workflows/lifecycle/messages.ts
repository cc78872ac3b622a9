// The officers' steps at the counter, from one table: each is taken in one stage, at the application's own
// office, once. "Right office, right stage, not yet done" is written here once; a step adds only its own rules.
// The applicant's choice of delivery, allowed in several stages, is here too.
import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import {
  BEFORE_PRINTING_STAGES,
  chooseDelivery,
  recordBap,
  recordHandover,
  recordInterview,
  recordPrinting,
  type ApplicationState,
  type BapRecord,
  type HandoverRecord,
  type InterviewRecord,
  type PrintingRecord,
  type Stage,
} from '../definitions.js';
import { activities, nowIso, rejectField, rejectOffice, rejectStep, type Lifecycle } from './state.js';

interface OfficerStep<A extends { officeCode: string }> {
  update: UpdateDefinition<ApplicationState, [A]>;
  /** The one stage the step is taken in, and how the refusal names the step. */
  stage: Stage;
  action: string;
  /** Why the step is refused before its stage is even asked (the application is not of a kind it applies to). */
  notFor?: (lc: Lifecycle) => string | undefined;
  /** Why the step was already taken: a repeat is refused. */
  alreadyDone: (lc: Lifecycle) => string | undefined;
  /** The step's own rules, after office, stage and repeat. */
  check?: (lc: Lifecycle, record: A) => void;
  apply: (lc: Lifecycle, record: A) => Promise<ApplicationState>;
}

const officerStep =
  <A extends { officeCode: string }>(step: OfficerStep<A>) =>
  (lc: Lifecycle): void =>
    setHandler(step.update, (record: A) => step.apply(lc, record), {
      validator: (record: A) => {
        if (record.officeCode !== lc.input.officeCode) rejectOffice(lc.input.officeCode);
        const notFor = step.notFor?.(lc);
        if (notFor) rejectStep(notFor);
        lc.requireStage(step.stage, step.action);
        const done = step.alreadyDone(lc);
        if (done) rejectStep(done);
        step.check?.(lc, record);
      },
    });

const needsBap = (lc: Lifecycle) => lc.input.applicationType === 'LOST' || lc.input.applicationType === 'DAMAGED';

export const OFFICER_STEPS = [
  officerStep<BapRecord>({
    update: recordBap,
    stage: 'AWAITING_INTERVIEW',
    action: 'recording the BAP',
    notFor: (lc) => (needsBap(lc) ? undefined : `a BAP is recorded only for LOST or DAMAGED passports (this is ${lc.input.applicationType})`),
    alreadyDone: (lc) => (lc.state.bapRecorded ? 'the BAP is already recorded' : lc.interview ? 'the interview is already recorded' : undefined),
    apply: async (lc, record) => {
      const { state } = lc;
      state.bapRecorded = true;
      state.fineAmount = await activities.recordBap({ ...record, applicationId: lc.applicationId, applicationType: lc.input.applicationType, at: nowIso() });
      // Not a stage change, but an officer's action: it belongs in the audit log with who made it.
      if (lc.patched('bap-audit-entry')) await lc.recordAction(record.officerId, `BAP ${record.reportNumber} recorded (${record.cause}); fine ${state.fineAmount} rupiah`);
      return { ...state };
    },
  }),
  officerStep<InterviewRecord>({
    update: recordInterview,
    stage: 'AWAITING_INTERVIEW',
    action: 'recording the interview',
    alreadyDone: (lc) => (lc.interview || lc.cancelled ? 'the interview is already recorded' : undefined),
    check: (lc, record) => {
      if (record.outcome === 'REJECTED' && !record.reason?.trim()) rejectField('reason', 'a rejection needs a reason');
      if (record.refundFee && record.outcome !== 'REJECTED') rejectField('refundFee', 'only a rejection can refund the fee');
      if (record.outcome === 'APPROVED' && needsBap(lc) && !lc.state.bapRecorded) rejectStep(`a ${lc.input.applicationType} passport needs the BAP recorded before approval`);
      if (lc.state.priority?.status === 'DECLARED') rejectStep('review the declared priority ground first');
      if (lc.seatChangeInProgress) rejectStep('a change of seat is in progress; try again in a moment');
      // Every outcome belongs to the appointment day (office local): an early approval would start the SLA clock early.
      const dayStarts = lc.appointmentDayStarts();
      if (Date.now() < dayStarts) {
        rejectStep(`${record.outcome === 'NO_SHOW' ? 'a no-show' : 'the interview'} can be recorded only on the appointment day, which starts at ${new Date(dayStarts).toISOString()}`);
      }
    },
    apply: (lc, record) => {
      lc.interview = record;
      return lc.settledAfter('AWAITING_INTERVIEW');
    },
  }),
  officerStep<PrintingRecord>({
    update: recordPrinting,
    stage: 'AWAITING_PRINTING',
    action: 'recording the printing',
    alreadyDone: (lc) => (lc.printing ? 'the printing is already recorded' : undefined),
    apply: (lc, record) => {
      lc.printing = record;
      return lc.settledAfter('AWAITING_PRINTING');
    },
  }),
  officerStep<HandoverRecord>({
    update: recordHandover,
    stage: 'READY_FOR_PICKUP',
    action: 'handing the passport over',
    alreadyDone: (lc) => (lc.handedOverBy ? 'the passport is already handed over' : undefined),
    apply: (lc, record) => {
      lc.handedOverBy = record.officerId;
      return lc.settledAfter('READY_FOR_PICKUP');
    },
  }),
];

/** Until printing; after an SLA breach the delivery is Pos at no cost and cannot be changed back. */
export function deliveryChoiceMessages(lc: Lifecycle): void {
  const { state } = lc;
  setHandler(
    chooseDelivery,
    async ({ method }) => {
      state.deliveryMethod = method;
      const { version } = lc.nextDeliveryVersion();
      await activities.recordDeliveryMethod({ applicationId: lc.applicationId, method, at: nowIso(), ...(version && { version }) });
      return { ...state };
    },
    {
      validator: ({ method }) => {
        if (lc.printing || !BEFORE_PRINTING_STAGES.includes(state.stage)) {
          rejectStep(`the delivery method can be changed only until printing (the application is ${state.stage})`);
        }
        if (state.slaBreached && method !== 'POS') rejectStep('after a missed service commitment the passport is delivered by Pos at no cost');
      },
    },
  );
}
