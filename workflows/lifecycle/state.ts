// One application's lifecycle: its state (today's loose variables as typed fields) and the effects every
// stage shares: entering a stage everywhere it is seen, waiting with reminders, notices, unapplied messages.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { ApplicationFailure, allHandlersFinished, condition, log, patched, proxyActivities, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities, StageChange } from '../../activities/index.js';
import {
  APPLICATION_PATCHES,
  APPLICATION_RELEASE,
  PassportStage,
  REJECTIONS,
  SlaAtRisk,
  StageEnteredAt,
  type Actor,
  type ApplicationInput,
  type ApplicationPatch,
  type ApplicationState,
  type AtRiskKind,
  type BankTransaction,
  type CancellationRequest,
  type InterviewRecord,
  type NoticeToRecord,
  type PaymentNotice,
  type PosDeliveryEvent,
  type PrintingRecord,
  type RegistryMismatchField,
  type Stage,
} from '../definitions.js';

export const activities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: Object.values(REJECTIONS) },
});

/** Milliseconds from the workflow's clock to an instant; timers never get a negative duration. */
export const until = (deadline: string): number => Math.max(1, Date.parse(deadline) - Date.now());
export const nowIso = (): string => new Date(Date.now()).toISOString();
export const later = (ms: number): string => new Date(Date.now() + ms).toISOString();

const fail = (type: string, message: string, details?: { field: string }): never => {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, ...(details && { details: [details] }) });
};
/** A message sent at the wrong moment: the API answers 409. */
export const rejectStep = (message: string): never => fail(REJECTIONS.outOfOrder, message);
/** A message with a field that cannot be right: the API answers 400 naming the field. */
export const rejectField = (field: string, message: string): never => fail(REJECTIONS.invalid, message, { field });
export const rejectOffice = (officeCode: string): never => fail(REJECTIONS.wrongOffice, `the application belongs to office ${officeCode}`);

/** What a stage change records in the read model beyond the stage itself: the projection's own columns. */
export type StageRecord = Pick<
  StageChange,
  'appointment' | 'interviewApprovedAt' | 'slaDeadline' | 'slaBreached' | 'deliveryMethod' | 'deliveryMethodVersion' | 'passportNumber' | 'posTrackingNumber' | 'priorityStatus'
>;

export interface Change {
  actor: Actor;
  reason?: string;
  deadline?: string;
  record?: StageRecord;
  attributes?: SearchAttributeUpdatePair[];
  /** What the change tells the applicant: recorded with it, in the same activity (key `stage-<seq>`). */
  notice?: NoticeToRecord;
}

/** How a lifecycle ends: its final stage, who ended it and why, and what the applicant is told. */
export interface Ending {
  stage: Stage;
  actor: Actor;
  reason?: string;
  notice?: NoticeToRecord;
}
/** A stage's function: it waits, acts and says what comes next, another stage's function or the ending. */
export type Next = Step | Ending;
export type Step = () => Promise<Next> | Next;

/** The value `get` gives once it gives one. */
export async function valueOf<T>(get: () => T | undefined): Promise<T> {
  await condition(() => get() !== undefined);
  const value = get();
  return value === undefined ? valueOf(get) : value;
}

/** A deadline an application is warned about before it passes (issue 16), its early-warning point, and what its office is told then. */
export interface WatchedDeadline {
  kind: AtRiskKind;
  deadline: string;
  point: string;
  notice: NoticeToRecord;
}

/** A change of appointment someone other than the applicant made (a closure, a false priority declaration). */
export interface AppointmentMove {
  actor: Actor;
  reason: string;
  notice: NoticeToRecord;
}
/** Why the application goes back to booking from AWAITING_INTERVIEW, and what the applicant is told. */
export interface Rebooking {
  actor: Actor;
  reason: string;
  /** The notice, which names the new booking deadline. */
  notice: (bookingDeadline: string) => NoticeToRecord;
}

/** The payment an application took: a bank transaction, or a notice of the callbacks that did not name their bank. */
export type AppliedPayment = PaymentNotice & Partial<Pick<BankTransaction, 'bank' | 'ntpn'>>;

/**
 * Asked first thing, in the workflow's first task: the newest release marker this code knows. On its first run it is
 * written (this release); replayed, the one its history holds, or none (0: first run by an older worker, or started
 * before releases existed). Never read from the input: the API that starts a workflow may be newer than the worker that runs it.
 */
function releaseAtStart(): number {
  for (let release = APPLICATION_RELEASE; release >= 1; release--) if (patched(`application-release-${release}`)) return release;
  return 0;
}

export class Lifecycle {
  readonly state: ApplicationState;
  payment?: AppliedPayment;
  private paymentSaved?: Promise<void>;
  interview?: InterviewRecord;
  cancellation?: CancellationRequest;
  printing?: PrintingRecord;
  handedOverBy?: Actor;
  deliveryOutcome?: PosDeliveryEvent['status'];
  readonly seenPosEvents = new Set<string>();
  /** A booking or a change of session is running: another one (or a cancellation) waits its turn. */
  seatChangeInProgress = false;
  /** Seat reservations made so far, taken or refused: each one's key. */
  bookingAttempts = 0;
  /**
   * The reservation that holds the booked seat: the key a release names. Not `bookingAttempts`, which also
   * counts reservations refused (a full session), whose key holds nothing.
   */
  seatAttempt = 0;
  /**
   * Set together with a new `state.appointment` by a handler that moved the applicant (not a reschedule of
   * theirs): AWAITING_INTERVIEW records its actor, reason and notice instead of RESCHEDULED's. Read once.
   */
  appointmentMove?: AppointmentMove;
  /** Set together with clearing `state.appointment`: AWAITING_INTERVIEW goes back to AWAITING_BOOKING. Read once. */
  rebooking?: Rebooking;
  /** Set by the registry's recheck before any payment: the fields it did not confirm; no payment is applied after it. */
  registryRefused?: RegistryMismatchField[];
  /** Changes of the delivery method so far: each write's order in the read model. */
  private deliveryChanges = 0;
  /** Changes recorded so far (the audit log's seq), and the latest one the read model shows. */
  private seq = 0;
  private projectedSeq = 0;
  private readonly attributes = new Map<string, unknown>();

  /** The release of the code that ran this workflow's first task (APPLICATION_PATCHES); 0 before releases. */
  private readonly release: number;

  constructor(readonly input: ApplicationInput) {
    this.release = releaseAtStart();
    this.state = {
      stage: 'AWAITING_PAYMENT',
      stageEnteredAt: nowIso(),
      slaBreached: false,
      deliveryMethod: input.deliveryMethod,
      reschedulesLeft: 1,
      bapRecorded: false,
      fineAmount: 0,
      service: input.service ?? 'REGULAR',
      ...(input.priority && { priority: { status: input.priority === 'DECLARED' ? 'DECLARED' : 'AUTOMATIC' } }),
    };
  }

  /** A change of APPLICATION_PATCHES: on without a marker for a workflow of its release or later, else as `patched()` says. */
  patched(change: ApplicationPatch): boolean {
    return this.release >= APPLICATION_PATCHES[change] || patched(change);
  }

  get applicationId(): string {
    return this.input.applicationId;
  }
  get policy(): ApplicationInput['policy'] {
    return this.input.policy;
  }
  get cancelled(): boolean {
    return this.cancellation !== undefined;
  }

  /** Sets the stage everywhere it is seen: search attributes, current details, read model and audit log. */
  async enterStage(stage: Stage, change: Change): Promise<void> {
    const previousStage = this.seq === 0 ? undefined : this.state.stage;
    this.seq += 1;
    if (stage !== this.state.stage || this.seq === 1) this.state.stageEnteredAt = nowIso();
    this.state.stage = stage;
    this.state.nextDeadline = change.deadline;
    // A risk belongs to its stage: leaving the stage ends it (printed; Pos confirmed).
    const riskOver = stage !== previousStage && previousStage !== undefined ? this.endRisk() : [];
    this.setAttributes([{ key: PassportStage, value: stage }, { key: StageEnteredAt, value: new Date(this.state.stageEnteredAt) }, ...riskOver, ...(change.attributes ?? [])]);
    this.showDetails();
    const seq = this.seq;
    const { stageEnteredAt } = this.state;
    const { actor, reason, deadline: nextDeadline, record, notice } = change;
    await activities.recordStage({ applicationId: this.applicationId, seq, stage, previousStage, actor, reason, at: nowIso(), stageEnteredAt, nextDeadline, ...record, notice });
    this.projectedSeq = Math.max(this.projectedSeq, seq);
  }

  /**
   * The Web UI's current details: the stage, the tracking code (a manager finds the application by it), the next
   * deadline, and whether it is at risk or its SLA was missed. Not a command: replay-safe whenever it changes.
   */
  showDetails(): void {
    const { stage, nextDeadline, atRisk, slaBreached } = this.state;
    setCurrentDetails(
      [
        `**${stage}**`,
        this.input.trackingCode && `Tracking code: ${this.input.trackingCode}`,
        nextDeadline && `Next deadline: ${nextDeadline}`,
        atRisk && `At risk since ${atRisk.since}: ${atRisk.kind === 'PRINTING' ? 'not printed yet, SLA deadline' : 'Pos delivery not confirmed, window ends'} ${atRisk.deadline}`,
        slaBreached && 'SLA breached: compensated, free Pos delivery',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
  }

  /**
   * The early-warning point of a deadline (an activity). Asked before the stage is entered, so an officer's
   * update returns with the workflow waiting and nothing left to run.
   */
  async warningPoint(req: { kind: AtRiskKind; deadline: string; sameDay?: boolean }): Promise<string> {
    return activities.atRiskPoint({ officeCode: this.input.officeCode, ...req, since: nowIso() });
  }

  /**
   * Waits for `done` until the deadline; not done by its early-warning point, the application is marked at risk
   * once and the wait goes on. True when done by the deadline.
   */
  async waitWatched(done: () => boolean, watched: WatchedDeadline): Promise<boolean> {
    const { point, deadline } = watched;
    if (Date.parse(point) < Date.parse(deadline)) {
      const ahead = Date.parse(point) > Date.now();
      if (await condition(done, until(point))) return true;
      // At risk since the point (the timer fires a moment after it), or from now when the point was already past.
      await this.markAtRisk(watched, ahead ? point : nowIso());
    }
    return condition(done, until(deadline));
  }

  /** At risk from now: the state, `SlaAtRisk`, the details, then the warning and the office's notice (once). */
  private async markAtRisk({ kind, deadline, notice }: WatchedDeadline, since: string): Promise<void> {
    this.state.atRisk = { kind, deadline, since };
    this.setAttributes([{ key: SlaAtRisk, value: true }]);
    this.showDetails();
    await activities.markAtRisk({ applicationId: this.applicationId, kind, deadline, at: since, notice });
  }

  /** The risk is over: cleared from the state, and the attribute that says so (none when nothing was at risk). */
  endRisk(): SearchAttributeUpdatePair[] {
    if (!this.state.atRisk) return [];
    delete this.state.atRisk;
    return [{ key: SlaAtRisk, value: false }];
  }

  /** The risk is over with no stage change to carry it (a Pos delivery past its window): its own upsert. */
  clearRisk(): void {
    const pairs = this.endRisk();
    if (!pairs.length) return;
    this.setAttributes(pairs);
    this.showDetails();
  }

  /** An officer's action that is not a stage change (a BAP): in the audit log with who made it, the stage unchanged. */
  async recordAction(actor: Actor, reason: string, record?: StageRecord): Promise<void> {
    await this.enterStage(this.state.stage, { actor, reason, deadline: this.state.nextDeadline, ...(record && { record }) });
  }

  /** The lifecycle's end: the final stage recorded, then every message handler allowed to finish. */
  async finish(ending: Ending): Promise<Stage> {
    await this.enterStage(ending.stage, ending);
    await condition(allHandlersFinished);
    return ending.stage;
  }

  /** An action's update returns once the workflow has left `stages` and the read model shows it. */
  async settledAfter(...stages: Stage[]): Promise<ApplicationState> {
    await condition(() => !stages.includes(this.state.stage) && this.projectedSeq === this.seq);
    return { ...this.state };
  }

  /** Returns once the read model shows a change recorded after this call. */
  async nextChangeShown(): Promise<void> {
    const before = this.seq;
    await condition(() => this.projectedSeq > before);
  }

  /** Waits for `done` until `deadline`, recording the reminder at each offset that falls before it (once per key). */
  async waitWithReminders(done: () => boolean, deadline: string, remindersMs: number[], reminder: NoticeToRecord): Promise<boolean> {
    const startedAt = Date.parse(this.state.stageEnteredAt);
    for (const [i, offset] of remindersMs.entries()) {
      const remindAt = new Date(startedAt + offset).toISOString();
      if (remindAt >= deadline || remindAt <= nowIso()) continue;
      if (await condition(done, until(remindAt))) return true;
      await this.notify(`${reminder.kind}-${this.seq}-${i + 1}`, reminder);
    }
    return condition(done, until(deadline));
  }

  /** A notice that is not a stage change's own (a reminder, a late delivery): its own activity, once per key. */
  async notify(effectKey: string, notice: NoticeToRecord): Promise<void> {
    await activities.notify({ applicationId: this.applicationId, effectKey, at: nowIso(), ...notice });
  }

  /**
   * The bank's payment, on record once (also when a cancellation raced it): the update that took it and the
   * stage that moves on both wait for the same recording.
   */
  async savePayment(): Promise<void> {
    if (!this.payment) return;
    this.paymentSaved ??= activities.recordPayment({ ...this.payment, applicationId: this.applicationId });
    await this.paymentSaved;
  }

  /**
   * A bank or Pos message this application cannot take is recorded (reconciliation, refunds), never only
   * logged. Behind a patch: workflows that dropped such messages before replay without the activity.
   */
  async recordUnapplied(entry: Omit<Parameters<Activities['recordUnappliedCallback']>[0], 'applicationId'>): Promise<void> {
    log.warn(`${entry.sender} message not applied: ${entry.reason}`, { eventId: entry.eventId, stage: this.state.stage });
    if (this.patched('record-unapplied-callbacks')) await activities.recordUnappliedCallback({ ...entry, applicationId: this.applicationId });
  }

  /**
   * The next delivery-method change's number, which orders its write in the read model (choices handled in one
   * workflow task share their time). Behind a patch: earlier workflows wrote by time alone.
   */
  nextDeliveryVersion(): { version?: number } {
    return this.patched('ordered-delivery-writes') ? { version: ++this.deliveryChanges } : {};
  }

  requireStage(expected: Stage, action: string): void {
    if (this.state.stage !== expected) rejectStep(`${action} is not possible while the application is ${this.state.stage} (expected ${expected})`);
  }

  /** When the booked appointment's day starts, office time (validators ask in AWAITING_INTERVIEW, where a seat is booked). */
  appointmentDayStarts(): number {
    const appointment = this.state.appointment ?? rejectStep('no session is booked');
    return appointment.startsAt ? Date.parse(appointment.startsAt) : Date.parse(appointment.endsAt) - 86_400_000;
  }

  /** Upserts only the search attributes whose value changed. */
  private setAttributes(pairs: SearchAttributeUpdatePair[]): void {
    const changed = pairs.filter(({ key, value }) => {
      const comparable = value instanceof Date ? value.getTime() : value;
      if (this.attributes.get(key.name) === comparable) return false;
      this.attributes.set(key.name, comparable);
      return true;
    });
    if (changed.length) upsertSearchAttributes(changed);
  }
}
