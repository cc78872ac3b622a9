// The workflow's own payment inquiry, shortly before the payment window closes: a payment whose callback was lost
// is found at the bank (a fake one, over HTTP) and applied as its callback would have been. Time-skipping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordBankTransaction } from '../../db/queries/bank-transactions.js';
import { bankTransactionFor, decided } from '../support/bank.js';
import { applicationRow } from '../support/read-model.js';
import { skipTo, stageReached, submitted } from '../support/scenarios.js';
import { defaultPolicy, startTimeSkipping } from '../support/workflows.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
beforeAll(async () => {
  t = await startTimeSkipping();
});
afterAll(async () => t?.teardown());

/** Just past the moment the workflow asks the bank: PAYMENT_INQUIRY_BEFORE_MINUTES before the deadline. */
const inquiryTime = (deadline: string) => new Date(Date.parse(deadline) - (defaultPolicy.paymentInquiryBeforeMs ?? 0)).toISOString();

describe('the workflow asks the bank before the payment window closes', () => {
  it('finds a payment whose callback never came and applies it, before the deadline', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const lost = bankTransactionFor(app, await t.now(), { source: 'inquiry' });
      const { source: _source, ...held } = lost;
      t.bank.hold(held);
      await skipTo(t, inquiryTime(app.paymentDeadline), 1_000);
      await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
      expect(await decided(t.db, lost)).toMatchObject({ outcome: 'APPLIED', first_source: 'inquiry', application_id: app.applicationId });
      const payments = await t.db.selectFrom('payments').select(['bank', 'bank_transaction_id', 'ntpn']).where('application_id', '=', app.applicationId).execute();
      expect(payments).toEqual([{ bank: lost.bank, bank_transaction_id: lost.transactionId, ntpn: lost.ntpn }]);
    });
  });

  it('waits past the deadline for a payment made and reported in time that has not reached it yet (the workers were down), and applies it', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const paid = bankTransactionFor(app, await t.now());
      // The callback was answered (the transaction on record) while no worker ran its bank transaction.
      await recordBankTransaction(t.db, paid);
      await skipTo(t, app.paymentDeadline);
      expect((await applicationRow(t.db, app.applicationId)).stage).toBe('AWAITING_PAYMENT'); // past the deadline, in its grace
      await t.see(paid); // its bank transaction runs at last
      await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
      expect(await decided(t.db, paid)).toMatchObject({ outcome: 'APPLIED', application_id: app.applicationId });
    });
  });

  it('lets the window close as before when the bank has nothing, or does not answer at all', async () => {
    await t.withWorker(async () => {
      const quiet = await submitted(t);
      const before = t.bank.inquiries;
      // The read model, not the workflow's result: awaiting a result lets the server skip on to other workflows' timers.
      await skipTo(t, quiet.paymentDeadline);
      await stageReached(t, quiet.applicationId, 'EXPIRED');
      expect(t.bank.inquiries).toBe(before + 1);

      const down = await submitted(t);
      const failures = t.bank.failuresServed;
      t.bank.failNext(100);
      await skipTo(t, down.paymentDeadline);
      await stageReached(t, down.applicationId, 'EXPIRED');
      t.bank.failNext(0);
      expect(t.bank.failuresServed - failures).toBe(3); // asked three times, then the window ran on
      expect(await t.db.selectFrom('bank_transactions').select('bank').where('billing_code', '=', down.billingCode).execute()).toEqual([]);
    });
  });
});
