// Shared by the workflow and the API: stages, messages, search-attribute keys and input types.
// Payloads carry ids, codes and dates only: never a NIK, a name or an address.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export const STAGES = [
  'AWAITING_PAYMENT',
  'AWAITING_BOOKING',
  'AWAITING_INTERVIEW',
  'AWAITING_PRINTING',
  'READY_FOR_PICKUP',
  'IN_DELIVERY',
  'COMPLETED',
  'REJECTED',
  'CANCELLED',
  'EXPIRED',
] as const;
export type Stage = (typeof STAGES)[number];

/** Every notice recorded for an application: the `kind` of a row in the notifications table. */
export const NOTICE_KINDS = [
  'SUBMITTED',
  'PAYMENT_CONFIRMED',
  'BOOKING_REMINDER',
  'BOOKING_CONFIRMED',
  'RESCHEDULED',
  'NO_SHOW',
  'REJECTED',
  'EXPIRED',
  'CANCELLED',
  'SLA_BREACHED_FREE_DELIVERY',
  'READY_FOR_PICKUP',
  'PICKUP_REMINDER',
  'SENT_BY_POS',
  'DELIVERY_FAILED_BACK_AT_OFFICE',
  // To the office's address, not the applicant's: Pos has not confirmed a delivery in time.
  'DELIVERY_OVERDUE',
  // A refund of the applicant's payment (workflows/refund.ts): opened, approved, sent to the bank, confirmed, or declined.
  'REFUND_OPENED',
  'REFUND_APPROVED',
  'REFUND_SENT',
  'REFUNDED',
  'REFUND_DECLINED',
  // Issue 15: a declared priority ground the officer did not confirm: moved to a regular seat, or asked to book one.
  'PRIORITY_NOT_CONFIRMED',
  // The population registry (Dukcapil) did not confirm the identity on its recheck: rejected before payment.
  'REGISTRY_MISMATCH',
  // The office closed on the applicant's day (workflows/office-closure.ts): moved to another session, or asked to book again.
  'SESSION_MOVED_BY_CLOSURE',
  // A seat freed in a session the application waits for is offered to it (workflows/seat-waitlist.ts), or the offer lapsed.
  'WAITLIST_OFFER',
  'WAITLIST_OFFER_LAPSED',
  // Issue 16, to the office: an application not printed by its early-warning point, a Pos delivery near its window's end.
  'SLA_AT_RISK',
  'DELIVERY_AT_RISK',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
/** Notices about an application that go to its office's notice address, not to the applicant. */
export const OFFICE_AUDIENCE_KINDS: readonly NoticeKind[] = ['DELIVERY_OVERDUE', 'SLA_AT_RISK', 'DELIVERY_AT_RISK'];
/** A session as a notice names it: the office's local date and the session. */
export interface NoticeSession {
  date: string;
  session: Session;
}
/**
 * What the event a notice tells fixed when it was recorded (notifications.details, jsonb): ids, codes, dates and
 * reasons only, never a name, an email or a phone number. The rest (tracking code, billing code, amount, office,
 * type) is read from the application and office rows when the notice is sent.
 */
export interface NoticeDetailsByKind {
  SUBMITTED: Record<string, never>;
  PAYMENT_CONFIRMED: { bookingDeadline: string };
  BOOKING_REMINDER: { bookingDeadline: string };
  BOOKING_CONFIRMED: { appointment: NoticeSession };
  RESCHEDULED: { appointment: NoticeSession };
  NO_SHOW: { missed: NoticeSession; rebookingAllowed: boolean; bookingDeadline?: string };
  REJECTED: { reason: string };
  /** Why: never paid, or paid and never booked (absent in notices recorded before the cause was kept: unpaid). */
  EXPIRED: { cause?: 'UNPAID' | 'NOT_BOOKED' };
  /** The applicant's own reason, or the system's (a pickup window that ran out: NOT_COLLECTED). */
  CANCELLED: { reason?: string; cause?: 'APPLICANT' | 'NOT_COLLECTED' };
  SLA_BREACHED_FREE_DELIVERY: { slaDeadline: string };
  READY_FOR_PICKUP: { pickupDeadline: string };
  PICKUP_REMINDER: { pickupDeadline: string };
  SENT_BY_POS: { posTrackingNumber: string };
  DELIVERY_FAILED_BACK_AT_OFFICE: { posTrackingNumber: string; pickupDeadline: string };
  DELIVERY_OVERDUE: { posTrackingNumber: string; sentAt: string };
  REFUND_OPENED: { amount: number };
  REFUND_APPROVED: { amount: number };
  REFUND_SENT: { amount: number };
  REFUNDED: { amount: number };
  REFUND_DECLINED: { amount: number; reason: string };
  /** Either the regular seat of the same session the applicant now has, or the deadline to book one. */
  PRIORITY_NOT_CONFIRMED: { movedTo?: NoticeSession; bookingDeadline?: string };
  /** The submitted fields the registry did not confirm (nik: no such resident); never the registry's own data. */
  REGISTRY_MISMATCH: { fields: RegistryMismatchField[] };
  /** `from`: the closed day's session; `appointment`: the session moved to, or `bookingDeadline` when none was free. */
  SESSION_MOVED_BY_CLOSURE: { from: NoticeSession; reason: string; appointment?: NoticeSession; bookingDeadline?: string };
  WAITLIST_OFFER: { appointment: NoticeSession; offerExpiresAt: string };
  WAITLIST_OFFER_LAPSED: { appointment: NoticeSession };
  /** Not printed by the early-warning point: the commitment's deadline it may still meet. */
  SLA_AT_RISK: { slaDeadline: string };
  /** Pos has not confirmed the delivery and its window ends soon. */
  DELIVERY_AT_RISK: { posTrackingNumber: string; sentAt: string; deliveryDeadline: string };
}
/** What the population registry (Dukcapil) may not confirm: the NIK itself (not found), the name, the birth date. */
export const REGISTRY_MISMATCH_FIELDS = ['nik', 'fullName', 'birthDate'] as const;
export type RegistryMismatchField = (typeof REGISTRY_MISMATCH_FIELDS)[number];
export type NoticeDetails<K extends NoticeKind = NoticeKind> = NoticeDetailsByKind[K];
/** A notice as a workflow hands it to the activity that records it: a kind and that kind's details. */
export type NoticeToRecord = { [K in NoticeKind]: { kind: K; details: NoticeDetailsByKind[K] } }[NoticeKind];
/** The channels a notice goes out on, as the applicant chose them (applications.notice_channels). */
export const NOTICE_CHANNELS = ['EMAIL', 'WHATSAPP', 'SMS'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];
/** The languages of notices: Bahasa Indonesia (the default) and English. */
export const NOTICE_LANGUAGES = ['id', 'en'] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];
/** One workflow per recorded notice delivers it (workflows/notice-delivery.ts): id `notice-<source>-<id>`. */
export const NOTICE_DELIVERY_WORKFLOW = 'noticeDelivery';
export type NoticeSource = 'application' | 'office';
export const noticeDeliveryWorkflowId = (source: NoticeSource, noticeId: string): string => `notice-${source}-${noticeId}`;
// Stage sets, named once: the workflow and the API ask the same question with the same list.
/** The workflow has ended: nothing about the application changes any more. */
export const TERMINAL_STAGES: readonly Stage[] = ['COMPLETED', 'REJECTED', 'CANCELLED', 'EXPIRED'];
/** The applicant may cancel until the interview is recorded. */
export const CANCELLABLE_STAGES: readonly Stage[] = ['AWAITING_PAYMENT', 'AWAITING_BOOKING', 'AWAITING_INTERVIEW'];
/** Before the passport is printed: the delivery method may still change. */
export const BEFORE_PRINTING_STAGES: readonly Stage[] = [...CANCELLABLE_STAGES, 'AWAITING_PRINTING'];
/** An office's counter work: interview, printing and hand-over. */
export const OFFICER_QUEUE_STAGES: readonly Stage[] = ['AWAITING_INTERVIEW', 'AWAITING_PRINTING', 'READY_FOR_PICKUP'];

export const APPLICATION_TYPES = ['NEW', 'RENEWAL', 'LOST', 'DAMAGED'] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

export const SESSIONS = ['MORNING', 'AFTERNOON'] as const;
export type Session = (typeof SESSIONS)[number];

export const DELIVERY_METHODS = ['PICKUP', 'POS'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

// Issue 15: seats of every kind. Each office session has a quota per kind of seat (offices.session_quotas).
export const SEAT_KINDS = ['REGULAR', 'PRIORITY', 'SAME_DAY'] as const;
export type SeatKind = (typeof SEAT_KINDS)[number];
/** Seats per session and kind: an office's regular days (offices.session_quotas), or a special day's own. */
export type SessionQuotas = Record<Session, Record<SeatKind, number>>;
/**
 * The service chosen before payment: REGULAR (printed within the SLA's working days of the interview) or
 * SAME_DAY (percepatan: the SAME_DAY fee is billed too, a same-day seat is taken, and the passport is printed by
 * the end of the interview day, office time, or the breach is compensated as any other).
 */
export const SERVICE_LEVELS = ['REGULAR', 'SAME_DAY'] as const;
export type ServiceLevel = (typeof SERVICE_LEVELS)[number];
/**
 * Why an applicant may take a priority seat: known from the birth date the NIK carries (60 and over, under
 * five, on the day of submission), or declared at submission and confirmed by the officer at the counter.
 */
export const PRIORITY_GROUNDS = ['ELDERLY', 'UNDER_FIVE', 'DISABILITY', 'PREGNANCY'] as const;
export type PriorityGround = (typeof PRIORITY_GROUNDS)[number];
export const DECLARED_PRIORITY_GROUNDS: readonly PriorityGround[] = ['DISABILITY', 'PREGNANCY'];
/** AUTOMATIC: from the birth date; DECLARED: until the officer reviews it; then CONFIRMED or NOT_CONFIRMED (a false declaration, on the record). */
export const PRIORITY_STATUSES = ['AUTOMATIC', 'DECLARED', 'CONFIRMED', 'NOT_CONFIRMED'] as const;
export type PriorityStatus = (typeof PRIORITY_STATUSES)[number];
/**
 * What the workflow knows of a priority ground: that the birth date gives it, or that it was declared. The
 * ground itself (a disability, a pregnancy) is health data: it stays in PostgreSQL (applications.priority_ground)
 * and never enters a workflow's input, state or history.
 */
export const PRIORITY_BASES = ['BIRTH_DATE', 'DECLARED'] as const;
export type PriorityBasis = (typeof PRIORITY_BASES)[number];
/**
 * The seat kinds an application may take, in the order tried: same-day seats only for percepatan; priority,
 * then regular when the priority seats are full, for an application with a priority ground (or basis); else regular.
 */
export function seatKindsFor(input: { service?: ServiceLevel; priority?: PriorityGround | PriorityBasis }): SeatKind[] {
  if (input.service === 'SAME_DAY') return ['SAME_DAY'];
  return input.priority ? ['PRIORITY', 'REGULAR'] : ['REGULAR'];
}

export const WORKFLOW_TYPE = 'passportApplication';
export const workflowIdFor = (applicationId: string): string => `passport-${applicationId}`;

/** Durations a workflow keeps for its whole life, fixed at submission from configuration. */
export interface Policy {
  paymentWindowMs: number;
  bookingWindowMs: number;
  /** Offsets from entering AWAITING_BOOKING at which the applicant is reminded to book. */
  bookingRemindersMs: number[];
  slaWorkingDays: number;
  pickupWindowMs: number;
  /** How long Pos may take before the office is told to chase the shipment (absent in early workflows). */
  deliveryWindowMs?: number;
  /** Offsets from READY_FOR_PICKUP at which the applicant is reminded to collect (days 7, 14, 25). */
  pickupRemindersMs: number[];
  /** How long before the payment window closes the workflow asks the bank itself (absent in early workflows: no inquiry). */
  paymentInquiryBeforeMs?: number;
  /** How long past the window an application waits for a payment made in time that is on record but has not reached it yet. */
  paymentInquiryGraceMs?: number;
  /** Handed to the refund of a rejection the regulation refunds (absent in early workflows: the default below). */
  refund?: RefundPolicy;
}

export interface ApplicationInput {
  applicationId: string;
  officeCode: string;
  applicationType: ApplicationType;
  billingCode: string;
  amount: number;
  deliveryMethod: DeliveryMethod;
  policy: Policy;
  /** The billing code's end of validity as published to the applicant (absent in early workflows). */
  paymentDeadline?: string;
  /** Absent: REGULAR (every workflow started before issue 15). */
  service?: ServiceLevel;
  /** Whether the applicant has a ground for a priority seat, and how it is known (never the ground itself). */
  priority?: PriorityBasis;
  /** PENDING: the population registry did not answer at submission; checked again while awaiting payment (absent: nothing to do). */
  registryCheck?: 'PENDING';
  /** The public tracking code (not personal): the TrackingCode search attribute and the details. Absent before issue 16. */
  trackingCode?: string;
}

/**
 * Each change made to the application workflow after it first ran, with the release that takes it without asking.
 * A workflow learns its release once, when it starts, from one patch marker (`application-release-N`, Lifecycle's
 * constructor): the code that ran its first task wrote it, so a workflow first run by an older worker (or started
 * before releases existed) has none and is release 0. A workflow of an earlier release asks `patched()` for each
 * change (a marker and a TemporalChangeVersion upsert, in the task that reaches it), so that it replays as it ran;
 * one of this release or later takes them from the start, for the price of its one release marker.
 * A new change goes in with APPLICATION_RELEASE + 1, and APPLICATION_RELEASE moves to it.
 */
export const APPLICATION_PATCHES = {
  'payment-inquiry': 1,
  'payment-confirmed-with-booking': 1,
  'record-unapplied-callbacks': 1,
  'ordered-delivery-writes': 1,
  'bap-audit-entry': 1,
  'refund-on-rejection': 1,
  'sla-early-warning': 1,
  'ready-notice-with-stage': 1,
  'delivery-overdue-notice': 1,
  'delivery-early-warning': 1,
  // The SLA deadline and its early-warning point in one activity (issue 18): one action and one round trip fewer.
  'printing-deadlines-together': 1,
  // A printing taken at or past the SLA deadline is late whichever of it and the deadline's timer the workflow sees first.
  'late-printing-by-workflow-time': 2,
} as const satisfies Record<string, number>;
export type ApplicationPatch = keyof typeof APPLICATION_PATCHES;
/** The release of this code: new workflows are started as it, with every change of APPLICATION_PATCHES up to it. */
export const APPLICATION_RELEASE = 2;

/** Who moved an application: an officer id, or one of the system's own actors. */
export type Actor = string;
export const ACTORS = { applicant: 'applicant', bank: 'bank', pos: 'pos', system: 'system' } as const;

// Bank and Pos callbacks: signals carrying the sender's own id, so a duplicate changes nothing.
export interface PaymentNotice {
  transactionId: string;
  billingCode: string;
  amount: number;
  paidAt: string;
}
export const paymentReceived = defineSignal<[PaymentNotice]>('paymentReceived');

// Issue 13: money that always finds its owner. Every sighting of a bank transaction goes through one
// bankTransaction workflow per (bank, transaction id); the application answers it with applyPayment.
// (`paymentReceived` above is kept for workflows that were waiting for it before.)
export const BANK_CODE = /^[A-Z][A-Z0-9]{1,15}$/;
export const PAYMENT_SOURCES = ['callback', 'inquiry', 'settlement'] as const;
export interface BankTransaction { bank: string; transactionId: string; ntpn: string; billingCode: string; amount: number; paidAt: string; source: (typeof PAYMENT_SOURCES)[number]; }
/** How far before the billing code's issue a bank's time of payment may be (its clock, whole seconds) and still be taken as made after it. */
export const BANK_CLOCK_TOLERANCE_MS = 5 * 60_000;

export const BANK_TRANSACTION_WORKFLOW = 'bankTransaction';
export const bankTransactionIdFor = (bank: string, transactionId: string) => `bank-tx-${bank}-${transactionId}`;
/** Each sighting of the transaction (callback, inquiry, settlement line): the first decides, later ones are compared. */
export const transactionSeen = defineSignal<[BankTransaction]>('transactionSeen');
/** The application's answer to a payment: applied, or refused with the reason (then it is refunded). */
export type PaymentOutcome = { applied: true } | { applied: false; reason: string };
export const applyPayment = defineUpdate<PaymentOutcome, [BankTransaction]>('applyPayment');
export const REFUND_WORKFLOW = 'refund';
export const refundIdFor = (bank: string, transactionId: string) => `refund-${bank}-${transactionId}`;
export interface RefundInput { bank: string; transactionId: string; ntpn: string; billingCode: string; amount: number; paidAt: string; reason: string; applicationId?: string; officeCode?: string; policy: RefundPolicy; }
export interface RefundPolicy { confirmWithinMs: number; maxTransferAttempts: number; }
export const REFUND_STAGES = ['AWAITING_APPROVAL', 'AWAITING_BANK', 'REFUNDED', 'DECLINED', 'ESCALATED'] as const;


/** Where a bank transaction stands, as managers find it in the Web UI (search attribute BankTransactionState). */
export const BANK_TRANSACTION_STATES = ['RECEIVED', 'APPLIED', 'REFUNDING', 'CONFLICT', 'UNSETTLED', 'SETTLED'] as const;
export type BankTransactionStateName = (typeof BANK_TRANSACTION_STATES)[number];

/** Fixed from configuration when the transaction is first seen. */
export interface BankTransactionPolicy {
  /** How long to wait for the settlement report to list the transaction before it is flagged "never settled". */
  settlementWaitMs: number;
  /** Handed to the refund, when the payment is not applied. */
  refund: RefundPolicy;
}
export interface BankTransactionInput {
  bank: string;
  transactionId: string;
  policy: BankTransactionPolicy;
}

/**
 * Why a later sighting of a transaction is not the transaction first seen (another billing code, amount or
 * NTPN), or undefined when it is the same. The time of payment is not compared: sources write it differently.
 */
export function sightingConflict(first: BankTransaction, later: BankTransaction): string | undefined {
  const differing = (['billingCode', 'amount', 'ntpn'] as const).filter((field) => first[field] !== later[field]);
  if (differing.length === 0) return undefined;
  const fields = differing.map((field) => `${field} ${later[field]} (first seen: ${first[field]})`).join(', ');
  return `${later.bank} transaction ${later.transactionId} seen again with another ${fields}`;
}

/** The applicant's "I paid": one bank inquiry at a time per application (a second click joins the first). */
export const PAYMENT_INQUIRY_WORKFLOW = 'paymentInquiry';
export const paymentInquiryIdFor = (applicationId: string): string => `payment-inquiry-${applicationId}`;
export interface PaymentInquiryInput {
  billingCode: string;
}

export interface PosDeliveryEvent {
  eventId: string;
  trackingNumber: string;
  status: 'DELIVERED' | 'FAILED';
  at: string;
}
export const posDeliveryEvent = defineSignal<[PosDeliveryEvent]>('posDeliveryEvent');

// Applicant and officer actions: updates whose validators reject a step out of order.
export interface BookingRequest {
  date: string;
  session: Session;
}
export interface Appointment extends BookingRequest {
  officeCode: string;
  /** The kind of seat taken (absent in appointments booked before seat kinds: REGULAR). */
  kind?: SeatKind;
  /** Start of the appointment day in the office's time zone (absent in appointments booked before it was added). */
  startsAt?: string;
  /** End of the appointment day in the office's time zone: the no-show deadline. */
  endsAt: string;
}
export const bookSession = defineUpdate<Appointment, [BookingRequest]>('bookSession');
/** One change of session per application (a no-show uses it too), up to the day before (H-1). */
export const rescheduleSession = defineUpdate<Appointment, [BookingRequest]>('rescheduleSession');

export interface CancellationRequest {
  reason?: string;
}
/** The applicant withdraws before the interview; a booked seat is released, nothing more is charged. */
export const cancelApplication = defineUpdate<ApplicationState, [CancellationRequest]>('cancelApplication');

export interface DeliveryChoice {
  method: DeliveryMethod;
}
/** Until printing; after an SLA breach the delivery is Pos at no cost and cannot be changed back. */
export const chooseDelivery = defineUpdate<ApplicationState, [DeliveryChoice]>('chooseDelivery');

interface OfficerAction {
  officerId: string;
  officeCode: string;
}
export const INTERVIEW_OUTCOMES = ['APPROVED', 'REJECTED', 'NO_SHOW'] as const;
export interface InterviewRecord extends OfficerAction {
  outcome: (typeof INTERVIEW_OUTCOMES)[number];
  reason?: string;
  /** REJECTED only: the officer records that the regulation refunds the fee for this rejection; a refund of the payment is opened. */
  refundFee?: boolean;
}
export const recordInterview = defineUpdate<ApplicationState, [InterviewRecord]>('recordInterview');

/** BAP (berita acara pemeriksaan): the investigation report a LOST or DAMAGED application needs before approval. */
export const BAP_CAUSES = ['ORDINARY', 'FORCE_MAJEURE'] as const;
export interface BapRecord extends OfficerAction {
  reportNumber: string;
  /** A loss or damage by disaster or force majeure carries no fine. */
  cause: (typeof BAP_CAUSES)[number];
}
export const recordBap = defineUpdate<ApplicationState, [BapRecord]>('recordBap');

export interface PrintingRecord extends OfficerAction {
  passportNumber: string;
}
export const recordPrinting = defineUpdate<ApplicationState, [PrintingRecord]>('recordPrinting');

export type HandoverRecord = OfficerAction;
export const recordHandover = defineUpdate<ApplicationState, [HandoverRecord]>('recordHandover');

export interface ApplicationState {
  stage: Stage;
  stageEnteredAt: string;
  nextDeadline?: string;
  appointment?: Appointment;
  slaDeadline?: string;
  slaBreached: boolean;
  deliveryMethod: DeliveryMethod;
  posTrackingNumber?: string;
  /** Changes of session still allowed (one per application). */
  reschedulesLeft: number;
  bapRecorded: boolean;
  /** Rupiah, from the fee schedule, set by the BAP for LOST or DAMAGED. */
  fineAmount: number;
  /** Absent in workflows started before issue 15: REGULAR. */
  service?: ServiceLevel;
  /** Where the application's priority ground stands (absent: none); the ground itself is in PostgreSQL only. */
  priority?: { status: PriorityStatus };
  /**
   * Set while the application is at risk (issue 16): not printed by the early-warning point before its SLA
   * deadline, or a Pos delivery not confirmed near its window's end; cleared when the risk is over (printed,
   * breached and compensated, delivered, returned, overdue). `SlaAtRisk` mirrors it.
   */
  atRisk?: AtRisk;
}
/** What an application can be at risk of missing: the SLA (printing) or the Pos delivery window. */
export const AT_RISK_KINDS = ['PRINTING', 'DELIVERY'] as const;
export type AtRiskKind = (typeof AT_RISK_KINDS)[number];
export interface AtRisk {
  kind: AtRiskKind;
  /** The deadline at risk: the SLA deadline, or the end of the Pos delivery window. */
  deadline: string;
  /** When it was marked (the early-warning point). */
  since: string;
}
export const getState = defineQuery<ApplicationState>('getState');

// Issue 15 messages.
/**
 * The officer at the counter, on the appointment day, confirms a declared priority ground (DISABILITY,
 * PREGNANCY) or records it as false: the applicant is then moved to a regular seat of the same session if one
 * is free, or asked to book again (a regular seat), and the false declaration stays on the record.
 */
export interface PriorityReview extends OfficerAction {
  confirmed: boolean;
}
export const reviewPriority = defineUpdate<ApplicationState, [PriorityReview]>('reviewPriority');

/** An office closed for a day moves each application booked on it to the nearest free session (workflows/office-closure.ts). */
export interface ClosureMove {
  /** The closed day (office local) and why, as the office declared it. */
  date: string;
  reason: string;
}
export const moveForClosure = defineUpdate<ApplicationState, [ClosureMove]>('moveForClosure');
export const OFFICE_CLOSURE_WORKFLOW = 'officeClosure';
export const officeClosureIdFor = (officeCode: string, date: string): string => `office-closure-${officeCode}-${date}`;

/** A waitlist per office, date and session (workflows/seat-waitlist.ts): seats freed there are offered in queue order. */
export const SEAT_WAITLIST_WORKFLOW = 'seatWaitlist';
export const seatWaitlistIdFor = (officeCode: string, date: string, session: Session): string => `waitlist-${officeCode}-${date}-${session}`;
export interface WaitlistRequest {
  date: string;
  session: Session;
}
export interface WaitlistPosition extends WaitlistRequest {
  entryId: string;
  /** 1 = the next seat freed there is offered to this application. */
  position: number;
}
export interface SeatOfferAcceptance {
  offerId: string;
}
export const joinWaitlist = defineUpdate<WaitlistPosition, [WaitlistRequest]>('joinWaitlist');
export const leaveWaitlist = defineUpdate<ApplicationState, []>('leaveWaitlist');
/** The applicant takes the seat offered to this application (never to another): booked like any other seat. */
export const acceptSeatOffer = defineUpdate<Appointment, [SeatOfferAcceptance]>('acceptSeatOffer');
/** What a session's waitlist workflow is started with (by the activity that holds a freed seat for it). */
export interface SeatWaitlistInput extends WaitlistRequest {
  officeCode: string;
  /** How long an offer is held for the application it is made to (config WAITLIST_OFFER_HOURS). */
  offerHoldMs: number;
  /** Start of the session's day, office time: from then on no seat is offered, every hold goes back. */
  dayStartsAt: string;
}
/** A seat of the session was held for its waitlist (sent with signalWithStart, so a repeat only wakes it). */
export const seatFreed = defineSignal<[]>('seatFreed');

// A refund's own messages (workflows/refund.ts): a finance officer of the refund's office approves or declines
// it (updates whose validators refuse a step out of order); the bank confirms the transfer (a signal carrying
// the bank's own refund reference, so a repeat changes nothing).
export type RefundStage = (typeof REFUND_STAGES)[number];
/** The refund is over: nothing about it changes any more. */
export const TERMINAL_REFUND_STAGES: readonly RefundStage[] = ['REFUNDED', 'DECLINED'];
/** The transfer is sent (or being sent) and the bank's confirmation is awaited. */
export const AWAITING_BANK_STAGES: readonly RefundStage[] = ['AWAITING_BANK', 'ESCALATED'];

/** Notices to an office's staff (the `kind` of a row in office_notices): recorded, not sent. */
export const OFFICE_NOTICE_KINDS = ['REFUND_ESCALATED'] as const;
export type OfficeNoticeKind = (typeof OFFICE_NOTICE_KINDS)[number];

/**
 * The directorate's scope (`office: '*'`): every office for a manager; for a finance officer, the refunds of no
 * office (a billing code no application has), which no office's finance officer may decide.
 */
export const ALL_OFFICES = '*';
/** Whose finance officers decide a refund: its office's, or the directorate's (ALL_OFFICES) for a refund of no office. */
export const refundDecidedBy = (officeCode: string | undefined | null): string => officeCode ?? ALL_OFFICES;
/** Why a finance officer of another scope may not decide the refund (the API's 403, the workflow's validator). */
export const refundOfficeProblem = (officeCode: string | undefined | null): string =>
  officeCode
    ? `the refund belongs to office ${officeCode}`
    : 'the refund has no office (no application has its billing code): a finance officer of the directorate (office *) decides it';

export interface RefundApproval {
  officerId: string;
  /** The deciding finance officer's office: the refund's, or ALL_OFFICES for a refund of no office. */
  officeCode: string;
}
export interface RefundDecline extends RefundApproval {
  reason: string;
}
export interface RefundConfirmation {
  /** The bank's own reference of the refund transfer. */
  reference: string;
  confirmedAt: string;
}
export interface RefundState {
  stage: RefundStage;
  stageEnteredAt: string;
  /** When the current transfer attempt stops waiting for the bank's confirmation. */
  nextDeadline?: string;
  transferAttempts: number;
  approvedBy?: string;
  declinedBy?: string;
  declineReason?: string;
  bankReference?: string;
  confirmedAt?: string;
}
export const approveRefund = defineUpdate<RefundState, [RefundApproval]>('approveRefund');
export const declineRefund = defineUpdate<RefundState, [RefundDecline]>('declineRefund');
export const refundConfirmed = defineSignal<[RefundConfirmation]>('refundConfirmed');
export const getRefundState = defineQuery<RefundState>('getRefundState');

/** Failure types of rejected messages; the API maps them to HTTP statuses. */
export const REJECTIONS = {
  outOfOrder: 'StepOutOfOrder',
  wrongOffice: 'WrongOffice',
  slotFull: 'SlotFull',
  invalid: 'InvalidRequest',
} as const;

// The managers' view in the Temporal Web UI.
export const PassportStage = defineSearchAttributeKey('PassportStage', SearchAttributeType.KEYWORD);
export const OfficeCode = defineSearchAttributeKey('OfficeCode', SearchAttributeType.KEYWORD);
export const ApplicationTypeKey = defineSearchAttributeKey('ApplicationType', SearchAttributeType.KEYWORD);
export const SlaDeadline = defineSearchAttributeKey('SlaDeadline', SearchAttributeType.DATETIME);
export const SlaBreached = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);
export const StageEnteredAt = defineSearchAttributeKey('StageEnteredAt', SearchAttributeType.DATETIME);
/** A refund's stage (refunds carry OfficeCode too, when the payment's application is known). */
export const RefundStageKey = defineSearchAttributeKey('RefundStage', SearchAttributeType.KEYWORD);
/** On each bankTransaction workflow: one of BANK_TRANSACTION_STATES. */
export const BankTransactionState = defineSearchAttributeKey('BankTransactionState', SearchAttributeType.KEYWORD);
/** A tracking code's written form (api/submission.ts makes them; no 0/O, 1/I/L), as routes and queries check it. */
export const TRACKING_CODE_PATTERN = /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/;

/**
 * A tracking code as a person types, pastes or reads it out (lower case, spaces, dashes of any kind anywhere or none) in its
 * canonical form; undefined when it is not one.
 */
export function normaliseTrackingCode(input: string): string | undefined {
  const bare = input.toUpperCase().replace(/[\s\-\u2010-\u2015\u2212]/g, ''); // dashes as pasted: hyphen, en/em dash, minus
  const code = `${bare.slice(0, 4)}-${bare.slice(4, 8)}-${bare.slice(8)}`;
  return TRACKING_CODE_PATTERN.test(code) ? code : undefined;
}
/** The application's public tracking code (issue 16; set at start, absent on workflows started before). */
export const TrackingCode = defineSearchAttributeKey('TrackingCode', SearchAttributeType.KEYWORD);
/**
 * True while the application is at risk (ApplicationState.atRisk): not printed by its early-warning point, or a
 * Pos delivery near its window's end unconfirmed; false once that risk is over; absent when never at risk.
 */
export const SlaAtRisk = defineSearchAttributeKey('SlaAtRisk', SearchAttributeType.BOOL);
export const SEARCH_ATTRIBUTES = [PassportStage, OfficeCode, ApplicationTypeKey, SlaDeadline, SlaBreached, StageEnteredAt, RefundStageKey, BankTransactionState, TrackingCode, SlaAtRisk];

// The daily reconciliation of the banks' settlement reports (workflows/reconciliation.ts), started by a Temporal Schedule.
export const RECONCILIATION_WORKFLOW = 'reconciliation';
export const RECONCILIATION_SCHEDULE_ID = 'daily-reconciliation';
