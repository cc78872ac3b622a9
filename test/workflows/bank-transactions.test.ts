// Money that always finds its owner: every bank transaction, however it is seen, ends applied to its application
// or refunded (a refund workflow opened with the reason), and a sighting that disagrees is a conflict on record.
// Time-skipping, with the real activities on PostgreSQL. The refund workflow itself is the refunds side's: here
// only that it was opened, with its id and input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBankTransaction } from '../../db/queries/bank-transactions.js';
import { BankTransactionState, applyPayment, bankTransactionIdFor, cancelApplication, type BankTransaction } from '../../workflows/definitions.js';
import { bankTransactionFor, decided, newNtpn, refundExists, refundOpened } from '../support/bank.js';
import { eventually } from '../support/eventually.js';
import { applicationRow } from '../support/read-model.js';
import { skipTo, stageReached, submitted } from '../support/scenarios.js';
import { defaultBankTransactionPolicy, defaultPolicy, startTimeSkipping } from '../support/workflows.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
beforeAll(async () => {
  t = await startTimeSkipping();
});
afterAll(async () => t?.teardown());

const payments = (applicationId: string) => t.db.selectFrom('payments').selectAll().where('application_id', '=', applicationId).execute();
const conflicts = (tx: BankTransaction) =>
  t.db.selectFrom('bank_transaction_conflicts').selectAll().where('bank', '=', tx.bank).where('transaction_id', '=', tx.transactionId).execute();
const handleOf = (tx: BankTransaction) => t.client.workflow.getHandle(bankTransactionIdFor(tx.bank, tx.transactionId));
const stateOf = async (tx: BankTransaction) => (await handleOf(tx).describe()).typedSearchAttributes.get(BankTransactionState);
/** The search attribute follows the ledger within moments. */
const stateBecomes = (tx: BankTransaction, state: string) => eventually(() => stateOf(tx), (value) => value === state);

/** What the refund of `tx` must have been started with, for an application's payment refused for `reason`. */
const refundOf = (tx: BankTransaction, reason: string | RegExp, application?: { applicationId: string }) => ({
  workflowType: 'refund',
  input: {
    bank: tx.bank,
    transactionId: tx.transactionId,
    ntpn: tx.ntpn,
    billingCode: tx.billingCode,
    amount: tx.amount,
    paidAt: tx.paidAt,
    reason: typeof reason === 'string' ? reason : expect.stringMatching(reason),
    ...(application && { applicationId: application.applicationId, officeCode: 'PLU' }),
    policy: defaultBankTransactionPolicy.refund,
  },
});

describe('a bank transaction', () => {
  it('never listed by a settlement report is flagged once the settlement wait is over', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const tx = bankTransactionFor(app, await t.now());
      await t.see(tx, { ...defaultBankTransactionPolicy, settlementWaitMs: 3_600_000 });
      await decided(t.db, tx);
      // Closed first, so that skipping an hour wakes nothing of the application's after this test's worker stops.
      await app.handle.executeUpdate(cancelApplication, { args: [{}] });
      expect(await handleOf(tx).result()).toBe('UNSETTLED');
      expect(await findBankTransaction(t.db, tx)).toMatchObject({ outcome: 'APPLIED', flags: ['NEVER_SETTLED'], settled_at: null });
    });
  });

  it('is applied to its application once; the same transaction again is a duplicate; the settlement closes it', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const tx = bankTransactionFor(app, await t.now());
      expect(await t.see(tx)).toBe('accepted');
      await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
      expect(await decided(t.db, tx)).toMatchObject({ outcome: 'APPLIED', application_id: app.applicationId, first_source: 'callback', flags: [] });
      expect(await payments(app.applicationId)).toMatchObject([{ bank: 'BRI', bank_transaction_id: tx.transactionId, ntpn: tx.ntpn, amount: app.amount }]);
      expect(await t.see({ ...tx, source: 'inquiry' })).toBe('duplicate');
      expect(await app.handle.executeUpdate(applyPayment, { args: [tx] })).toEqual({ applied: true }); // asked again: the same answer
      await stateBecomes(tx, 'APPLIED');

      expect(await t.see({ ...tx, source: 'settlement' })).toBe('accepted');
      await stateBecomes(tx, 'SETTLED');
      // Its status, not its result: awaiting a result lets the server skip on to other workflows' timers.
      await eventually(async () => (await handleOf(tx).describe()).status.name, (status) => status === 'COMPLETED');
      expect((await findBankTransaction(t.db, tx))?.settled_at).toEqual(expect.any(Date));
      expect(await refundExists(t.client, tx)).toBe(false);
      // Closed, it is compared with the ledger: the same again is a duplicate, another amount a conflict on record.
      expect(await t.see(tx)).toBe('duplicate');
      expect(await t.see({ ...tx, amount: tx.amount + 1 })).toBe('accepted');
      expect(await conflicts(tx)).toMatchObject([{ source: 'callback', reason: expect.stringMatching(/another amount/) }]);
      expect((await findBankTransaction(t.db, tx))?.flags).toEqual(['CONFLICT']);
      expect(await payments(app.applicationId)).toHaveLength(1);
    });
  });

  it('paid in time but reported after the workflow expired the application is refunded, and so is one paid a minute after expiry', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const inTime = bankTransactionFor(app, await t.now());
      await skipTo(t, app.paymentDeadline);
      await stageReached(t, app.applicationId, 'EXPIRED');
      const late = bankTransactionFor(app, new Date(Date.parse(app.paymentDeadline) + 60_000).toISOString(), { bank: 'BNI' });
      expect(await t.see(inTime)).toBe('accepted');
      expect(await t.see(late)).toBe('accepted');
      for (const tx of [inTime, late]) {
        expect(await decided(t.db, tx)).toMatchObject({ outcome: 'REFUND', outcome_reason: 'the application is EXPIRED', application_id: app.applicationId });
        expect(await refundOpened(t.client, tx)).toEqual(refundOf(tx, 'the application is EXPIRED', app));
        await stateBecomes(tx, 'REFUNDING');
      }
      expect(await payments(app.applicationId)).toEqual([]);
      expect((await applicationRow(t.db, app.applicationId)).stage).toBe('EXPIRED');
    });
  });

  it('three different transactions for one billing code at once: one applied, two refunded', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const paidAt = await t.now();
      const txs = ['BRI', 'BNI', 'MANDIRI'].map((bank) => bankTransactionFor(app, paidAt, { bank }));
      expect(await Promise.all(txs.map((tx) => t.see(tx)))).toEqual(['accepted', 'accepted', 'accepted']);
      const entries = await Promise.all(txs.map((tx) => decided(t.db, tx)));
      const applied = txs.filter((_, i) => entries[i]?.outcome === 'APPLIED');
      const refunded = txs.filter((_, i) => entries[i]?.outcome === 'REFUND');
      expect([applied.length, refunded.length]).toEqual([1, 2]);
      expect(await payments(app.applicationId)).toMatchObject([{ bank: applied[0]?.bank, bank_transaction_id: applied[0]?.transactionId }]);
      for (const tx of refunded) {
        const reason = `the billing code is already paid by ${applied[0]?.bank} transaction ${applied[0]?.transactionId}`;
        expect(await refundOpened(t.client, tx)).toEqual(refundOf(tx, reason, app));
      }
      expect(await refundExists(t.client, applied[0]!)).toBe(false);
      await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
    });
  });

  it('the same transaction id on another billing code is a conflict, never applied; that application is paid by its own transaction at another bank', async () => {
    await t.withWorker(async () => {
      const first = await submitted(t);
      const other = await submitted(t);
      const tx = bankTransactionFor(first, await t.now());
      await t.see(tx);
      await stageReached(t, first.applicationId, 'AWAITING_BOOKING');

      const reused = { ...tx, billingCode: other.billingCode, amount: other.amount, ntpn: newNtpn() };
      expect(await t.see(reused)).toBe('accepted');
      await eventually(() => conflicts(tx), (rows) => rows.length === 1);
      expect(await conflicts(tx)).toMatchObject([{ reason: expect.stringMatching(/another billingCode .*, ntpn/), sighting: { billingCode: other.billingCode } }]);
      expect(await findBankTransaction(t.db, tx)).toMatchObject({ outcome: 'APPLIED', application_id: first.applicationId, flags: ['CONFLICT'] });
      await stateBecomes(tx, 'CONFLICT');
      expect((await applicationRow(t.db, other.applicationId)).stage).toBe('AWAITING_PAYMENT');
      expect(await refundExists(t.client, tx)).toBe(false);

      const own = bankTransactionFor(other, await t.now(), { bank: 'BNI', transactionId: tx.transactionId });
      expect(await t.see(own)).toBe('accepted');
      await stageReached(t, other.applicationId, 'AWAITING_BOOKING');
      expect(await payments(other.applicationId)).toMatchObject([{ bank: 'BNI', bank_transaction_id: tx.transactionId }]);
    });
  });

  it('paid before its billing code existed, or with the wrong amount, is refunded and the application still waits for its payment', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const issuedAt = Date.parse(app.paymentDeadline) - defaultPolicy.paymentWindowMs;
      const early = bankTransactionFor(app, new Date(issuedAt - 3_600_000).toISOString());
      const short = bankTransactionFor(app, await t.now(), { amount: app.amount - 50_000 });
      await t.see(early);
      await t.see(short);
      expect(await decided(t.db, early)).toMatchObject({ outcome: 'REFUND', outcome_reason: expect.stringMatching(/before the billing code was issued/) });
      expect(await refundOpened(t.client, early)).toEqual(refundOf(early, /^paid at .* before the billing code was issued at /, app));
      expect(await refundOpened(t.client, short)).toEqual(refundOf(short, `the amount differs from the billing (${app.amount} rupiah)`, app));
      expect((await applicationRow(t.db, app.applicationId)).stage).toBe('AWAITING_PAYMENT');
      expect(await payments(app.applicationId)).toEqual([]);
    });
  });

  it("stamped a few seconds before its billing code's issue (a bank's clock, whole seconds) is applied", async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const issuedAt = Date.parse(app.paymentDeadline) - defaultPolicy.paymentWindowMs;
      const atOnce = bankTransactionFor(app, new Date(Math.floor(issuedAt / 1000) * 1000 - 3_000).toISOString());
      await t.see(atOnce);
      expect(await decided(t.db, atOnce)).toMatchObject({ outcome: 'APPLIED', application_id: app.applicationId });
    });
  });

  it('for a billing code no application has is refunded', async () => {
    await t.withWorker(async () => {
      const tx = bankTransactionFor({ billingCode: '999999999999999', amount: 350_000 }, await t.now());
      await t.see(tx);
      expect(await decided(t.db, tx)).toMatchObject({ outcome: 'REFUND', outcome_reason: 'unknown billing code', application_id: null });
      expect(await refundOpened(t.client, tx)).toEqual(refundOf(tx, 'unknown billing code'));
    });
  });

  it('with an NTPN that another transaction holds is a conflict, not applied', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const holder = bankTransactionFor({ billingCode: '999999999999998', amount: 1 }, await t.now());
      await t.see(holder);
      await decided(t.db, holder);
      const tx = bankTransactionFor(app, await t.now(), { ntpn: holder.ntpn });
      await t.see(tx);
      await eventually(() => conflicts(tx), (rows) => rows.length === 1);
      expect(await conflicts(tx)).toMatchObject([{ reason: `NTPN ${holder.ntpn} is already recorded for BRI transaction ${holder.transactionId}` }]);
      await stateBecomes(tx, 'CONFLICT');
      expect((await applicationRow(t.db, app.applicationId)).stage).toBe('AWAITING_PAYMENT');
    });
  });
});
