// Stage: AWAITING_PAYMENT. Records the bank's confirmed payment, once per application and transaction.
import type { Kysely } from 'kysely';
import { LEGACY_BANK } from '../db/queries/bank-transactions.js';
import type { DB } from '../db/schema.js';
import type { BankTransaction, PaymentNotice } from '../workflows/definitions.js';

/** A payment as the application took it: a bank transaction, or a notice of the callbacks before they named their bank. */
export type AppliedPayment = PaymentNotice & Partial<Pick<BankTransaction, 'bank' | 'ntpn'>>;

export const createPaymentActivities = ({ db }: { db: Kysely<DB> }) => ({
  async recordPayment(payment: AppliedPayment & { applicationId: string }): Promise<void> {
    await db
      .insertInto('payments')
      .values({
        application_id: payment.applicationId,
        billing_code: payment.billingCode,
        bank: payment.bank ?? LEGACY_BANK,
        bank_transaction_id: payment.transactionId,
        ntpn: payment.ntpn ?? null,
        amount: payment.amount,
        paid_at: payment.paidAt,
      })
      .onConflict((oc) => oc.column('application_id').doNothing())
      .execute();
  },
});
