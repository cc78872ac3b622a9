// Stage: AWAITING_PAYMENT. Records the bank's confirmed payment, once per application and transaction.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { PaymentNotice } from '../workflows/definitions.js';

export const createPaymentActivities = ({ db }: { db: Kysely<DB> }) => ({
  async recordPayment(payment: PaymentNotice & { applicationId: string }): Promise<void> {
    await db
      .insertInto('payments')
      .values({
        application_id: payment.applicationId,
        billing_code: payment.billingCode,
        bank_transaction_id: payment.transactionId,
        amount: payment.amount,
        paid_at: payment.paidAt,
      })
      .onConflict((oc) => oc.column('application_id').doNothing())
      .execute();
  },
});
