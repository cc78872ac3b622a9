// `npm run histories:record`: runs representative workflows of every type (applications, bank transactions,
// refunds, payment inquiries) on a time-skipping server with the real activities and a fake bank over HTTP, and
// saves their histories to test/fixtures/histories/. The replay test runs them through the current workflow
// code, so a change that would break running workflows fails CI.
// Usage: npm run histories:record -- <label> [scenario ...]. Each run adds `<scenario>.<label>.json` for the
// scenarios named (default: all); keep the older files as long as workflows started under that code may still be running.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, chmod, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { loadHolidays } from '../db/queries/holidays.js';
import { httpBank } from '../activities/bank.js';
import { seeBankTransaction } from '../api/bank-intake.js';
import { counterBookedPos } from '../activities/pos.js';
import { workflowsPath } from '../worker/index.js';
import { submitApplication, type Submission } from '../api/submission.js';
import { bankTransactionPolicyFrom, loadConfig, policyFrom } from '../config.js';
import { createDb, migrateToLatest } from '../db/connect.js';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { seed } from '../db/reference.js';
import { localDate, nthWorkingDayAfter } from '../workflows/calendar.js';
import {
  PAYMENT_INQUIRY_WORKFLOW,
  applyPayment,
  approveRefund,
  bankTransactionIdFor,
  bookSession,
  cancelApplication,
  chooseDelivery,
  declineRefund,
  getRefundState,
  posDeliveryEvent,
  recordBap,
  recordHandover,
  recordInterview,
  recordPrinting,
  refundConfirmed,
  refundIdFor,
  rescheduleSession,
  paymentInquiryIdFor,
  workflowIdFor,
  type BankTransaction,
} from '../workflows/definitions.js';
import { startFakeBank } from '../test/support/fake-bank.js';
import { freePort } from '../test/support/ports.js';
import { registerSearchAttributes } from './search-attributes.js';
import { temporalExecutable } from './temporal-executables.js';

const outDir = resolve(import.meta.dirname, '../test/fixtures/histories');
const [label, ...only] = process.argv.slice(2);
if (!label || !/^[a-z0-9-]+$/.test(label)) throw new Error('usage: npm run histories:record -- <label> [scenario ...] (label: lower-case letters, digits, dashes)');
const officer = { officerId: 'officer-plu-1', officeCode: 'PLU' };

Runtime.install({ logger: new DefaultLogger('WARN') });
const temp = await mkdtemp(join(tmpdir(), 'passport-record-'));
await chmod(temp, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: join(temp, 'pg'), port: await freePort(), persistent: false });
const db = createDb(pg.url);
await migrateToLatest(db);
await seed(db);
const testServer = temporalExecutable('testServer', { required: true });
const taskQueue = 'record-histories';
const policy = policyFrom(loadConfig({}));
const bankTransactionPolicy = bankTransactionPolicyFrom(loadConfig({}));
/** The bank: answers inquiries, takes transfers, and confirms a refund by signalling its workflow (as the callback route does). */
const bank = await startFakeBank({ confirm: ({ refundId, reference, confirmedAt }) => env.client.workflow.getHandle(refundId).signal(refundConfirmed, { reference, confirmedAt }) });
/** A time-skipping server of its own per scenario: an idle one skips to the last one's pending timers (years ahead). */
let env: TestWorkflowEnvironment;

const applicant: Submission = {
  applicationType: 'NEW',
  product: 'ORDINARY_5Y',
  officeCode: 'PLU',
  nik: '7271055205900001',
  fullName: 'Recorded Applicant',
  sex: 'F',
  birthDate: '1990-05-12',
  email: 'recorded@example.id',
  phone: '+6281200000000',
  deliveryMethod: 'PICKUP',
  address: 'Jl. Contoh No. 1, Palu',
};

let nik = 7271055205900001;
async function submit(overrides: Partial<Submission> = {}) {
  const now = async () => new Date(await env.currentTimeMs());
  const submitted = await submitApplication({ db, temporal: env.client, taskQueue, policy, now }, { ...applicant, nik: String(nik++), ...overrides });
  if (!submitted.workflowStarted) throw new Error(`the workflow of ${submitted.applicationId} did not start`);
  return { submitted, handle: env.client.workflow.getHandle(workflowIdFor(submitted.applicationId)) };
}

/** The bank's payment as its bankTransaction workflow offers it (applyPayment); a second one is refused. */
async function pay(handle: WorkflowHandle, submitted: { billingCode: string; amount: number }, transactionId = `REC-${submitted.billingCode}`) {
  const paidAt = new Date(await env.currentTimeMs()).toISOString();
  const ntpn = createHash('sha256').update(transactionId).digest('hex').slice(0, 16).toUpperCase();
  await handle.executeUpdate(applyPayment, { args: [{ bank: 'BRI', transactionId, ntpn, billingCode: submitted.billingCode, amount: submitted.amount, paidAt, source: 'callback' }] });
}

/** The office's nth working day from today (Palu, Asia/Makassar). */
const workingDay = async (n: number) => nthWorkingDayAfter(localDate(new Date(await env.currentTimeMs()), 'Asia/Makassar'), n, await loadHolidays(db));

async function start(overrides: Partial<Submission> = {}) {
  const { submitted, handle } = await submit(overrides);
  await pay(handle, submitted);
  const appointment = await handle.executeUpdate(bookSession, { args: [{ date: await workingDay(1), session: 'MORNING' }] });
  return { handle, appointment };
}

const sleepPast = async (instant: string) => env.sleep(Date.parse(instant) - (await env.currentTimeMs()) + 60_000);

/** The officer records the interview on the appointment day only: move the clock to its start. */
async function untilAppointmentDay(appointment: { startsAt?: string }) {
  await sleepPast(appointment.startsAt!);
}

const scenarios: Record<string, () => Promise<WorkflowHandle>> = {
  async 'happy-path-pickup'() {
    const { handle, appointment } = await start();
    await untilAppointmentDay(appointment);
    await handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
    await handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'X1000001' }] });
    await handle.executeUpdate(recordHandover, { args: [officer] });
    return handle;
  },
  async 'sla-breach-pos-delivery'() {
    const { handle, appointment } = await start();
    await untilAppointmentDay(appointment);
    const { slaDeadline } = await handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
    await env.sleep(Date.parse(slaDeadline!) - (await env.currentTimeMs()) + 60_000);
    const printed = await handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'X1000002' }] });
    await handle.signal(posDeliveryEvent, { eventId: 'rec-1', trackingNumber: printed.posTrackingNumber!, status: 'DELIVERED', at: new Date().toISOString() });
    return handle;
  },
  async 'lost-bap-then-no-show-twice'() {
    const { handle, appointment } = await start({ applicationType: 'LOST' });
    await handle.executeUpdate(recordBap, { args: [{ ...officer, reportNumber: 'BAP/REC/1', cause: 'ORDINARY' }] });
    await env.sleep(Date.parse(appointment.endsAt) - (await env.currentTimeMs()) + 60_000);
    const date = nthWorkingDayAfter(localDate(new Date(await env.currentTimeMs()), 'Asia/Makassar'), 1, await loadHolidays(db));
    const second = await handle.executeUpdate(bookSession, { args: [{ date, session: 'AFTERNOON' }] });
    await env.sleep(Date.parse(second.endsAt) - (await env.currentTimeMs()) + 60_000);
    return handle;
  },
  async 'unpaid-expires'() {
    const { submitted, handle } = await submit();
    await sleepPast(submitted.paymentDeadline);
    return handle;
  },
  async 'paid-twice-then-cancelled'() {
    const { submitted, handle } = await submit();
    await pay(handle, submitted);
    await pay(handle, submitted, `REC-SECOND-${submitted.billingCode}`); // refused: its bank transaction refunds it
    await handle.executeUpdate(bookSession, { args: [{ date: await workingDay(2), session: 'MORNING' }] });
    await handle.executeUpdate(cancelApplication, { args: [{ reason: 'travel postponed' }] });
    return handle;
  },
  async 'booking-reminders-then-expired'() {
    const { submitted, handle } = await submit();
    await pay(handle, submitted);
    await env.sleep(policy.bookingWindowMs + 86_400_000);
    return handle;
  },
  async 'rescheduled-then-rejected'() {
    const { submitted, handle } = await submit();
    await pay(handle, submitted);
    await handle.executeUpdate(bookSession, { args: [{ date: await workingDay(3), session: 'MORNING' }] });
    const moved = await handle.executeUpdate(rescheduleSession, { args: [{ date: await workingDay(4), session: 'AFTERNOON' }] });
    await untilAppointmentDay(moved);
    await handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'REJECTED', reason: 'documents do not match' }] });
    return handle;
  },
  async 'pos-overdue-failed-then-pickup-lapsed'() {
    const { handle, appointment } = await start();
    await handle.executeUpdate(chooseDelivery, { args: [{ method: 'POS' }] });
    await untilAppointmentDay(appointment);
    await handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
    const printed = await handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'X1000003' }] });
    await env.sleep(policy.deliveryWindowMs! + 86_400_000);
    const at = new Date(await env.currentTimeMs()).toISOString();
    await handle.signal(posDeliveryEvent, { eventId: 'rec-other', trackingNumber: 'NOT-OURS', status: 'DELIVERED', at }); // recorded as unapplied
    await handle.signal(posDeliveryEvent, { eventId: 'rec-2', trackingNumber: printed.posTrackingNumber!, status: 'FAILED', at });
    await env.sleep(policy.pickupWindowMs + 86_400_000);
    return handle;
  },
};

// Money: one bankTransaction workflow per bank transaction, the refund it opens, the applicant's inquiry.

const now = async () => new Date(await env.currentTimeMs()).toISOString();
let transactions = 0;
/** A transaction of the bank's paying `billing` now (its own id and NTPN), as the callback route hands it over. */
async function transaction(billing: { billingCode: string; amount: number }, overrides: Partial<BankTransaction> = {}): Promise<BankTransaction> {
  transactions += 1;
  const transactionId = `REC-TX-${transactions}-${billing.billingCode}`;
  const ntpn = createHash('sha256').update(transactionId).digest('hex').slice(0, 16).toUpperCase();
  return { bank: 'BNI', transactionId, ntpn, billingCode: billing.billingCode, amount: billing.amount, paidAt: await now(), source: 'callback', ...overrides };
}
const see = (tx: BankTransaction) => seeBankTransaction({ db, temporal: env.client, taskQueue, policy: bankTransactionPolicy }, tx);
const transactionHandle = (tx: BankTransaction) => env.client.workflow.getHandle(bankTransactionIdFor(tx.bank, tx.transactionId));
/** Until the ledger says what became of the transaction. */
async function decided(tx: BankTransaction): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    const row = await db.selectFrom('bank_transactions').select('outcome').where('bank', '=', tx.bank).where('transaction_id', '=', tx.transactionId).executeTakeFirst();
    if (row && row.outcome !== 'PENDING') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${tx.bank} transaction ${tx.transactionId} was not decided`);
}
/** The refund a payment of the wrong amount opened, once its workflow awaits approval (a refund of PLU). */
async function refundOfWrongAmount(): Promise<WorkflowHandle> {
  const { submitted } = await submit();
  const tx = await transaction(submitted, { amount: submitted.amount + 1_000 });
  await see(tx);
  await decided(tx);
  const handle = env.client.workflow.getHandle(refundIdFor(tx.bank, tx.transactionId));
  for (let i = 0; i < 300 && (await handle.query(getRefundState).catch(() => undefined))?.stage !== 'AWAITING_APPROVAL'; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  return handle;
}
const finance = { officerId: 'finance-plu-1', officeCode: 'PLU' };
const settled = (tx: BankTransaction): BankTransaction => ({ ...tx, source: 'settlement' });

/** A transaction paying a new application's billing code (`amountOff` rupiah off), decided, then seen again as `later` makes it. */
async function sightings(amountOff: number, ...later: Array<(tx: BankTransaction) => BankTransaction>): Promise<WorkflowHandle> {
  const { submitted } = await submit();
  const tx = await transaction(submitted, { amount: submitted.amount + amountOff });
  await see(tx);
  await decided(tx);
  for (const again of later) await see(again(tx));
  return transactionHandle(tx);
}

const moneyScenarios: Record<string, () => Promise<WorkflowHandle>> = {
  'bank-transaction-applied-then-settled': () => sightings(0, settled),
  'bank-transaction-refused-opens-refund': () => sightings(-1, settled), // the wrong amount
  'bank-transaction-conflict': () => sightings(0, (tx) => ({ ...tx, amount: tx.amount + 5_000, source: 'inquiry' }), settled), // the same id with another amount
  'bank-transaction-never-settled': () => sightings(0), // its result waits out the settlement wait
  async 'refund-confirmed-after-retries'() {
    const handle = await refundOfWrongAmount();
    bank.confirmOn(handle.workflowId, 3);
    await handle.executeUpdate(approveRefund, { args: [finance] });
    return handle;
  },
  async 'refund-declined'() {
    const handle = await refundOfWrongAmount();
    await handle.executeUpdate(declineRefund, { args: [{ ...finance, reason: 'the applicant asked to keep it for a new billing' }] });
    return handle;
  },
  async 'refund-escalated-then-confirmed'() {
    const handle = await refundOfWrongAmount();
    bank.confirmOn(handle.workflowId, Infinity);
    await handle.executeUpdate(approveRefund, { args: [finance] });
    for (let i = 0; i < 10 && (await handle.query(getRefundState)).stage !== 'ESCALATED'; i += 1) await env.sleep(bankTransactionPolicy.refund.confirmWithinMs + 60_000);
    await handle.signal(refundConfirmed, { reference: 'RF-REC-LATE', confirmedAt: await now() });
    return handle;
  },
  'payment-inquiry-found': () => inquiry({ bankHasPayment: true }),
  'payment-inquiry-nothing-found': () => inquiry({ bankHasPayment: false }),
};

/** The applicant's "I paid" for a new application, the bank holding its payment (whose callback never came) or none. */
async function inquiry({ bankHasPayment }: { bankHasPayment: boolean }): Promise<WorkflowHandle> {
  const { submitted } = await submit();
  if (bankHasPayment) {
    const { source: _source, ...held } = await transaction(submitted, { source: 'inquiry' });
    bank.hold(held);
  }
  return env.client.workflow.start(PAYMENT_INQUIRY_WORKFLOW, { workflowId: paymentInquiryIdFor(submitted.applicationId), taskQueue, args: [{ billingCode: submitted.billingCode }] });
}

const chosen = Object.entries({ ...scenarios, ...moneyScenarios }).filter(([name]) => only.length === 0 || only.includes(name));
const unknown = only.filter((name) => !(name in scenarios || name in moneyScenarios));
if (unknown.length > 0) throw new Error(`no such scenario: ${unknown.join(', ')}`);

try {
  await mkdir(outDir, { recursive: true });
  for (const [name, run] of chosen) {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServer } });
    try {
      await registerSearchAttributes(env.connection);
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities: createActivities({ db, pos: counterBookedPos(), temporal: env.client, bank: httpBank(bank.url, bank.token), bankTransactions: bankTransactionPolicy }) });
      await worker.runUntil(async () => {
        const handle = await run();
        const result = await handle.result();
        // Protobuf bytes, base64 in a small JSON wrapper: exactly what the server returned, nothing lost in conversion.
        const bytes = proto.temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish();
        const workflowType = (await handle.describe()).type;
        await writeFile(join(outDir, `${name}.${label}.json`), JSON.stringify({ workflowId: handle.workflowId, workflowType, result, history: Buffer.from(bytes).toString('base64') }) + '\n');
        console.log(`recorded ${name}: ${workflowType} (${JSON.stringify(result).slice(0, 80)})`);
      });
    } finally {
      await env.teardown();
    }
  }
} finally {
  await bank.stop();
  await db.destroy();
  await pg.stop();
  await rm(temp, { recursive: true, force: true });
}
