// Kysely types of the read model, the audit log and the reference data (see migrations/).
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type {
  ApplicationInput,
  AtRiskKind,
  NoticeChannel,
  NoticeKind,
  NoticeLanguage,
  NoticeSource,
  OfficeNoticeKind,
  PriorityGround,
  PriorityStatus,
  RefundStage,
  SeatKind,
  ServiceLevel,
  Session,
  SessionQuotas,
} from '../workflows/definitions.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp with a database default. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** `date` columns are read as 'YYYY-MM-DD' strings (see connect.ts), never shifted by a time zone. */
type DateOnly = ColumnType<string, string, string>;
/** bigint rupiah amounts are parsed to numbers (see connect.ts): well below 2^53. */
type Rupiah = ColumnType<number, number, number>;
/** When a reference row left its file (db/reference.ts); null while it is in service. */
type RetiredAt = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type OptionalTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface OfficesTable {
  code: string;
  name: string;
  city: string;
  time_zone: string;
  regular_quota: number;
  same_day_quota: number;
  priority_quota: number;
  /** The office's street address, shown in booking confirmations. */
  address: ColumnType<string, string | undefined, string>;
  /** Where the office's own notices go (a Pos delivery overdue, a refund escalated); null: recorded, not sent. */
  notice_email: ColumnType<string | null, string | null | undefined, string | null>;
  /** Local opening hours of each session, e.g. { MORNING: ['08:00', '12:00'], AFTERNOON: ['13:00', '16:00'] }. */
  session_hours: ColumnType<Record<Session, [string, string]>, string | undefined, string>;
  /** Seats per session and kind on the office's service days (JSON on insert). */
  session_quotas: ColumnType<SessionQuotas, string, string>;
  /** Weekend days the office also serves on, with its usual quotas: 'SAT', 'SUN'. */
  weekend_days: ColumnType<string[], string[] | undefined, string[]>;
  /** Set when the office left offices.json: no new applications; open ones continue. */
  retired_at: RetiredAt;
}

export type HolidayKind = 'NATIONAL' | 'CUTI_BERSAMA';

export interface HolidaysTable {
  date: DateOnly;
  name: string;
  /** A national holiday (libur nasional) or collective leave (cuti bersama): offices are closed on both. */
  kind: ColumnType<HolidayKind, HolidayKind | undefined, HolidayKind>;
}

export type CalendarStatus = 'DECREED' | 'PROVISIONAL';

/** A year of the holiday calendar as loaded by an operator: decreed (SKB 3 Menteri) or provisional. */
export interface CalendarYearsTable {
  year: number;
  status: CalendarStatus;
  source: string;
  loaded_at: DefaultedTimestamp;
}

export interface FeeScheduleTable {
  code: string;
  kind: 'PRODUCT' | 'SERVICE' | 'FINE';
  description: string;
  amount: Rupiah;
  /** Set when the fee left fees.json: no new application chooses it; those that did keep it. */
  retired_at: RetiredAt;
}

export interface ApplicationsTable {
  id: string;
  tracking_code: string;
  billing_code: string;
  application_type: string;
  product: string;
  office_code: string;
  amount: Rupiah;
  nik: string;
  full_name: string;
  birth_date: DateOnly;
  email: string;
  phone: string;
  delivery_method: 'PICKUP' | 'POS';
  service: ColumnType<ServiceLevel, ServiceLevel | undefined, ServiceLevel>;
  priority_ground: ColumnType<PriorityGround | null, PriorityGround | null | undefined, PriorityGround | null>;
  priority_status: ColumnType<PriorityStatus | null, PriorityStatus | null | undefined, PriorityStatus | null>;
  /** When the workflow last recorded a change of delivery method (null: as submitted). */
  delivery_method_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The workflow's count of delivery-method changes; null for choices recorded before it was kept. */
  delivery_method_version: ColumnType<number | null, number | null | undefined, number | null>;
  delivery_address: string | null;
  /** When the address was asked for (null: as submitted); only a newer request replaces it. */
  delivery_address_at: OptionalTimestamp;
  stage: string;
  stage_seq: Generated<number>;
  stage_entered_at: Timestamp;
  next_deadline: Timestamp | null;
  payment_deadline: Timestamp;
  appointment_date: DateOnly | null;
  appointment_session: string | null;
  interview_approved_at: Timestamp | null;
  sla_deadline: Timestamp | null;
  sla_breached: Generated<boolean>;
  passport_number: string | null;
  pos_tracking_number: string | null;
  fine_amount: ColumnType<number, number | undefined, number>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
  account_id: string | null;
  sex: 'M' | 'F' | null;
  old_passport_number: string | null;
  /** LOST or DAMAGED: what the applicant reported (police report, date, place, what happened). */
  incident_report: ColumnType<IncidentReport | null, string | null, string | null>;
  /** The workflow start the submission asked for (null for applications from before it was kept). */
  workflow_start: ColumnType<WorkflowStart | null, string | null | undefined, string | null>;
  /** When Temporal confirmed the start; null until then, and the start is tried again (api/workflow-starts.ts). */
  workflow_started_at: OptionalTimestamp;
  /** The last try to start it: one try at a time, whichever API process makes it. */
  workflow_start_tried_at: OptionalTimestamp;
  /** The notices' language: Bahasa Indonesia (default) or English, chosen at submission, changeable by the applicant. */
  language: ColumnType<NoticeLanguage, NoticeLanguage | undefined, NoticeLanguage>;
  /** The channels notices go out on (at least one), changeable by the applicant. */
  notice_channels: ColumnType<NoticeChannel[], NoticeChannel[] | undefined, NoticeChannel[]>;
  notice_settings_at: OptionalTimestamp;
  /** The civil-registry (Dukcapil) check: null when none was made (before the check existed, or no registry configured). */
  registry_check: ColumnType<RegistryCheck | null, RegistryCheck | null | undefined, RegistryCheck | null>;
  /** When the registry last answered about it. */
  registry_checked_at: OptionalTimestamp;
  /** Issue 16: when the passport was printed (the stage left AWAITING_PRINTING), and the working hours from interview approval to it. */
  printed_at: OptionalTimestamp;
  interview_to_print_hours: ColumnType<number | null, number | null | undefined, number | null>;
}

export type RegistryCheck = 'MATCH' | 'PENDING' | 'MISMATCH';

/** What starts an application's workflow: ids, codes, amounts and policy, nothing personal. */
export interface WorkflowStart {
  taskQueue: string;
  /** The workflow's static summary in the Web UI: type, product, office. */
  summary: string;
  input: ApplicationInput;
}

export interface IncidentReport {
  date: string;
  place: string;
  description: string;
  policeReportNumber?: string;
}

export interface AccountsTable {
  id: string;
  email: string;
  password_hash: string;
  created_at: DefaultedTimestamp;
}

export interface DocumentRequirementsTable {
  application_type: string;
  position: number;
  document: string;
  note: string | null;
  /** The document and its note in Bahasa Indonesia (null until the reference data is loaded again). */
  document_id: string | null;
  note_id: string | null;
}

export interface CallbackEventsTable {
  sender: 'bank' | 'pos';
  event_id: string;
  application_id: string;
  received_at: DefaultedTimestamp;
}

/** Each Idempotency-Key a caller sent on a step, with a digest of the request it first came with. */
export interface IdempotencyKeysTable {
  caller: string;
  step: string;
  key: string;
  request_hash: string;
  created_at: DefaultedTimestamp;
}

/** Public tracking's token buckets: a keyed hash of client and limit, and when the bucket is full again (api/rate-limit.ts). */
export interface RateLimitsTable {
  key: Buffer;
  full_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  application_id: string;
  seq: number;
  stage: string;
  previous_stage: string | null;
  actor: string;
  reason: string | null;
  at: Timestamp;
}

export interface AppointmentSlotsTable {
  office_code: string;
  date: DateOnly;
  session: 'MORNING' | 'AFTERNOON';
  kind: ColumnType<SeatKind, SeatKind | undefined, SeatKind>;
  capacity: number;
  booked: Generated<number>;
}

export interface BookingsTable {
  application_id: string;
  attempt: number;
  office_code: string;
  date: DateOnly;
  session: string;
  kind: ColumnType<SeatKind, SeatKind | undefined, SeatKind>;
  released_at: Timestamp | null;
  created_at: DefaultedTimestamp;
}

/** An application waiting for a full session (migration 2026_12_03_201), in queue order (seq). */
export interface WaitlistEntriesTable {
  id: string;
  seq: ColumnType<string, never, never>;
  office_code: string;
  date: DateOnly;
  session: Session;
  application_id: string;
  /** The seat kinds it may take (seatKindsFor). */
  kinds: SeatKind[];
  status: ColumnType<WaitlistStatus, WaitlistStatus | undefined, WaitlistStatus>;
  joined_at: Timestamp;
  offer_id: ColumnType<string | null, string | null | undefined, string | null>;
  offered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  offer_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
export type WaitlistStatus = 'WAITING' | 'OFFERED' | 'BOOKED' | 'LAPSED' | 'LEFT';

/** A freed seat kept for the waitlist: still counted in appointment_slots.booked until TAKEN or RETURNED. */
export interface SeatHoldsTable {
  id: Generated<string>;
  office_code: string;
  date: DateOnly;
  session: Session;
  kind: SeatKind;
  status: ColumnType<SeatHoldStatus, SeatHoldStatus | undefined, SeatHoldStatus>;
  entry_id: ColumnType<string | null, string | null | undefined, string | null>;
  released_application_id: string;
  released_attempt: number;
  held_at: Timestamp;
  settled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
export type SeatHoldStatus = 'HELD' | 'OFFERED' | 'TAKEN' | 'RETURNED';

export interface PaymentsTable {
  id: Generated<string>;
  application_id: string;
  billing_code: string;
  /** The bank's code (BRI, BNI, ...); 'LEGACY' for payments recorded before callbacks named their bank. */
  bank: string;
  /** The bank's own id: unique with `bank`, not across banks. */
  bank_transaction_id: string;
  /** The state receipt number (NTPN); null for payments recorded before callbacks carried it. */
  ntpn: ColumnType<string | null, string | null | undefined, string | null>;
  amount: Rupiah;
  paid_at: Timestamp;
}

export interface DeliveriesTable {
  application_id: string;
  attempt: number;
  pos_tracking_number: string;
  free_of_charge: boolean;
  status: 'REQUESTED' | 'DELIVERED' | 'FAILED';
  requested_at: Timestamp;
  updated_at: Timestamp;
}

export interface CompensationsTable {
  application_id: string;
  reason: string;
  sla_deadline: Timestamp;
  created_at: Timestamp;
}

export interface NotificationsTable {
  id: Generated<string>;
  application_id: string;
  effect_key: string;
  kind: NoticeKind;
  /** NoticeDetailsByKind[kind]; null for notices recorded before issue 14 (never delivered). */
  details: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

/** One row per notice and channel it goes out on: attempts, the last error, and when the provider accepted it. */
export interface NoticeDeliveriesTable {
  source: NoticeSource;
  notice_id: string;
  channel: NoticeChannel;
  status: 'SENDING' | 'SENT' | 'FAILED';
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  /** Sending again cannot succeed (an address that does not exist): no more retries; listed for managers. */
  permanent_failure: ColumnType<boolean, boolean | undefined, boolean>;
  provider_message_id: string | null;
  sent_at: OptionalTimestamp;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface BapsTable {
  application_id: string;
  report_number: string;
  cause: 'ORDINARY' | 'FORCE_MAJEURE';
  fine_code: string | null;
  fine_amount: Rupiah;
  officer_id: string;
  recorded_at: Timestamp;
}

export interface CallbackReceiptsTable {
  sender: 'bank' | 'pos';
  signature: string;
  received_at: DefaultedTimestamp;
}

/** A bank payment or Pos event the application could not take (see migrations/2026_11_27_201). */
export interface UnappliedCallbacksTable {
  sender: 'bank' | 'pos';
  /** The bank's transaction id, or Pos's event id. */
  event_id: string;
  application_id: string;
  reason: string;
  amount: Rupiah | null;
  /** The message as received: ids, codes, amount, status and times; nothing personal. */
  message: ColumnType<Record<string, unknown>, string, string>;
  recorded_by: 'workflow' | 'api';
  recorded_at: DefaultedTimestamp;
}

/** A bank transaction's own facts, as the bank reported it: in the ledger and in each refund of one. */
export interface BankTransactionFacts {
  /** The bank's code (BRI, BNI, ...): its transaction ids are its own. */
  bank: string;
  transaction_id: string;
  /** The state receipt number (NTPN). */
  ntpn: string;
  billing_code: string;
  amount: Rupiah;
  paid_at: Timestamp;
}

/** A refund of one bank transaction (workflows/refund.ts), as its workflow last recorded it (migrations/2026_11_30_201). */
export interface RefundsTable extends BankTransactionFacts {
  /** refundIdFor(bank, transactionId): also the refund's workflow id and the transfers' idempotency key. */
  refund_id: string;
  /** Why the payment is refunded (e.g. paid after the billing code expired). */
  reason: string;
  /** Null when no application has the billing code. */
  application_id: string | null;
  office_code: string | null;
  stage: RefundStage;
  stage_seq: number;
  stage_entered_at: Timestamp;
  /** While awaiting the bank: when the current transfer stops waiting for its confirmation. */
  next_deadline: Timestamp | null;
  transfer_attempts: ColumnType<number, number | undefined, number>;
  approved_by: string | null;
  declined_by: string | null;
  decline_reason: string | null;
  /** The bank's own reference of the refund, from its confirmation. */
  bank_reference: string | null;
  /** When the bank says the money went back. */
  confirmed_at: Timestamp | null;
  opened_at: Timestamp;
  updated_at: Timestamp;
}

/** Each step of a refund once, keyed by its workflow's own count. */
export interface RefundEventsTable {
  refund_id: string;
  seq: number;
  stage: RefundStage;
  actor: string;
  reason: string | null;
  at: Timestamp;
}

/** Each transfer sent to the bank for a refund; every attempt carries the refund's one idempotency key. */
export interface RefundTransfersTable {
  refund_id: string;
  attempt: number;
  idempotency_key: string;
  bank_reference: string | null;
  requested_at: Timestamp;
}

/** The bank's signed confirmations as received by the API, one per bank reference. */
export interface RefundConfirmationsTable {
  bank_reference: string;
  refund_id: string;
  received_at: DefaultedTimestamp;
}

/** A notice to an office's staff, recorded once per effect key. */
export interface OfficeNoticesTable {
  id: Generated<string>;
  office_code: string;
  effect_key: string;
  kind: OfficeNoticeKind;
  refund_id: string | null;
  details: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export type BankTransactionOutcome = 'PENDING' | 'APPLIED' | 'REFUND' | 'CONFLICT';
export type PaymentSource = 'callback' | 'inquiry' | 'settlement';

/** The ledger: every bank transaction reported by any source, once per (bank, transaction_id) (migrations/2026_12_01_001). */
export interface BankTransactionsTable extends BankTransactionFacts {
  /** Who reported it first: the bank's callback, an inquiry, or the settlement report. */
  first_source: PaymentSource;
  /** The application it was applied to or refunded from; null for an unknown billing code. */
  application_id: string | null;
  /** PENDING until the bankTransaction workflow decides: applied, refunded, or a conflict for managers. */
  outcome: ColumnType<BankTransactionOutcome, BankTransactionOutcome | undefined, BankTransactionOutcome>;
  outcome_reason: string | null;
  decided_at: OptionalTimestamp;
  settled_at: OptionalTimestamp;
  /**
   * What managers should look at: CONFLICT (a sighting disagreed), NEVER_SETTLED (no settlement listed it in time),
   * MISSING_FROM_SETTLEMENT (paid on a day whose settlement report does not list it, nor any other of its bank).
   */
  flags: ColumnType<string[], string[] | undefined, string[]>;
  received_at: DefaultedTimestamp;
}

/** A sighting that disagrees with the transaction as first recorded, kept once per distinct sighting. */
export interface BankTransactionConflictsTable {
  bank: string;
  transaction_id: string;
  sighting_key: string;
  source: PaymentSource;
  sighting: ColumnType<Record<string, unknown>, string, string>;
  reason: string;
  recorded_at: DefaultedTimestamp;
}

/** A reference file last loaded from deploy/reference/ (see db/reference.ts). */
export interface ReferenceFilesTable {
  /** The file's name within the reference folder, e.g. calendar/2027.json. */
  name: string;
  sha256: string;
  loaded_at: DefaultedTimestamp;
}

export type SettlementSource = 'upload' | 'import' | 'drop-folder';

/** A bank's settlement report for one day, stored once by its SHA-256; revision 2 and up are corrections. */
export interface SettlementReportsTable {
  id: string;
  bank: string;
  settlement_date: DateOnly;
  revision: number;
  sha256: string;
  /** The signed upload, `npm run settlements -- import`, or the drop folder. */
  source: SettlementSource;
  /** The file's name (import, drop folder); null for an upload. */
  source_name: string | null;
  line_count: number;
  total_amount: Rupiah;
  received_at: DefaultedTimestamp;
  /** When the daily reconciliation had sent all its lines to their bank transactions and compared the day; null until then. */
  processed_at: OptionalTimestamp;
  /** The last line handed to its bank transaction as a sighting: a run that crashed resumes after it. */
  sighted_through: ColumnType<number, number | undefined, number>;
}

export interface SettlementLinesTable {
  report_id: string;
  /** As in the file: the header is line 1. */
  line_number: number;
  /** The report's bank (lines are compared with the ledger by bank and transaction id). */
  bank: string;
  ntpn: string;
  transaction_id: string;
  billing_code: string;
  amount: Rupiah;
  paid_at: Timestamp;
}

type Tally = ColumnType<number, number | undefined, number>;
/**
 * One row per bank and settlement day: its latest report compared with the ledger (db/queries/reconciliation.ts).
 * Each line is applied, refund (opened, not declined; refunded: those already REFUNDED), pending, declined or conflict;
 * missing: transactions on record for the bank paid that day (WIB) that no report of the bank lists.
 */
export interface ReconciliationReportsTable {
  bank: string;
  settlement_date: DateOnly;
  settlement_report_id: string;
  revision: number;
  received_count: number;
  received_amount: Rupiah;
  applied_count: Tally;
  applied_amount: Tally;
  refund_count: Tally;
  refund_amount: Tally;
  refunded_count: Tally;
  refunded_amount: Tally;
  pending_count: Tally;
  pending_amount: Tally;
  declined_count: Tally;
  declined_amount: Tally;
  conflict_count: Tally;
  conflict_amount: Tally;
  missing_count: Tally;
  missing_amount: Tally;
  balanced: ColumnType<boolean, boolean | undefined, boolean>;
  /** Each difference in words (empty when balanced). */
  differences: ColumnType<string[], string[] | undefined, string[]>;
  reconciled_at: DefaultedTimestamp;
}

/** A day an office declared (issue 15): OPEN with its own seats (a special service day), or CLOSED. */
export interface OfficeDaysTable {
  office_code: string;
  date: DateOnly;
  status: 'OPEN' | 'CLOSED';
  /** OPEN only: that day's seats per session and kind (JSON on insert). */
  session_quotas: ColumnType<SessionQuotas | null, string | null, string | null>;
  reason: string;
  /** The manager's id (the token's subject). */
  declared_by: string;
  declared_at: DefaultedTimestamp;
}

/**
 * Issue 16: an application marked at risk, once per kind (PRINTING: not printed by the early-warning point before
 * its SLA deadline; DELIVERY: a Pos delivery unconfirmed near its window's end). Written with the office's notice.
 */
export interface AtRiskWarningsTable {
  application_id: string;
  kind: AtRiskKind;
  /** The deadline at risk. */
  deadline: Timestamp;
  warned_at: Timestamp;
}

/** Issue 17: staff who sign in with a password (`npm run staff`); `id` is their tokens' subject. */
export interface StaffAccountsTable {
  id: string;
  email: string;
  password_hash: string;
  role: 'officer' | 'manager' | 'finance';
  /** An office code, or '*' (the directorate: managers and finance officers only). */
  office: string;
  disabled_at: OptionalTimestamp;
  created_at: DefaultedTimestamp;
}

export interface DB {
  accounts: AccountsTable;
  baps: BapsTable;
  document_requirements: DocumentRequirementsTable;
  callback_events: CallbackEventsTable;
  callback_receipts: CallbackReceiptsTable;
  idempotency_keys: IdempotencyKeysTable;
  rate_limits: RateLimitsTable;
  offices: OfficesTable;
  holidays: HolidaysTable;
  calendar_years: CalendarYearsTable;
  fee_schedule: FeeScheduleTable;
  applications: ApplicationsTable;
  audit_log: AuditLogTable;
  appointment_slots: AppointmentSlotsTable;
  bookings: BookingsTable;
  payments: PaymentsTable;
  deliveries: DeliveriesTable;
  compensations: CompensationsTable;
  notifications: NotificationsTable;
  unapplied_callbacks: UnappliedCallbacksTable;
  bank_transactions: BankTransactionsTable;
  bank_transaction_conflicts: BankTransactionConflictsTable;
  reference_files: ReferenceFilesTable;
  refunds: RefundsTable;
  refund_events: RefundEventsTable;
  refund_transfers: RefundTransfersTable;
  refund_confirmations: RefundConfirmationsTable;
  office_notices: OfficeNoticesTable;
  notice_deliveries: NoticeDeliveriesTable;
  settlement_reports: SettlementReportsTable;
  settlement_lines: SettlementLinesTable;
  reconciliation_reports: ReconciliationReportsTable;
  office_days: OfficeDaysTable;
  waitlist_entries: WaitlistEntriesTable;
  seat_holds: SeatHoldsTable;
  at_risk_warnings: AtRiskWarningsTable;
  staff_accounts: StaffAccountsTable;
}

export type Application = Selectable<ApplicationsTable>;
export type NewApplication = Insertable<ApplicationsTable>;
export type Office = Selectable<OfficesTable>;
export type OfficeDay = Selectable<OfficeDaysTable>;
