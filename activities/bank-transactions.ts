// The bankTransaction workflow's effects: the ledger (record, compare, decide, settle, flag) and the question to the
// application whose billing code was paid, asked through its workflow's applyPayment update.
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { withStartedWorkflow } from '../api/workflow-starts.js';
import {
  applicationForBilling,
  asSighting,
  decideBankTransaction,
  flagBankTransaction,
  markSettled,
  paymentPendingFor,
  recordBankTransaction,
  recordConflict,
  type TransactionKey,
} from '../db/queries/bank-transactions.js';
import type { BankTransactionOutcome, DB } from '../db/schema.js';
import {
  REFUND_WORKFLOW,
  TERMINAL_STAGES,
  applyPayment,
  refundIdFor,
  workflowIdFor,
  type BankTransaction,
  type PaymentOutcome,
  type RefundInput,
  type Stage,
} from '../workflows/definitions.js';

/** The transaction as the ledger holds it, or the transaction that already holds its NTPN (a conflict, recorded). */
export type LedgerAnswer = { recorded: BankTransaction; outcome: BankTransactionOutcome } | { ntpnTakenBy: TransactionKey };

/** The application's answer, with the application (none for a billing code this service never issued). */
export interface ApplicationAnswer {
  applicationId?: string;
  officeCode?: string;
  outcome: PaymentOutcome;
}

export const createBankTransactionActivities = ({ db, temporal }: { db: Kysely<DB>; temporal: Client }) => ({
  /** Records the transaction once; a second recording answers the first (which the workflow compares with). */
  async recordBankTransaction(tx: BankTransaction): Promise<LedgerAnswer> {
    const recording = await recordBankTransaction(db, tx);
    if ('entry' in recording) return { recorded: asSighting(recording.entry), outcome: recording.entry.outcome };
    const holder = recording.ntpnTakenBy;
    await recordConflict(db, tx, `NTPN ${tx.ntpn} is already recorded for ${holder.bank} transaction ${holder.transactionId}`);
    return recording;
  },

  async recordBankConflict({ tx, reason }: { tx: BankTransaction; reason: string }): Promise<void> {
    await recordConflict(db, tx, reason);
  },

  /**
   * Asks the application whose billing code was paid to take the payment (its applyPayment update, once per
   * transaction whatever the retries: the update id is the transaction's). A closed application answers for
   * itself by its final stage; one whose workflow start is still pending is started first.
   */
  async askApplication(tx: BankTransaction): Promise<ApplicationAnswer> {
    const application = await applicationForBilling(db, tx.billingCode);
    if (!application) return { outcome: { applied: false, reason: 'unknown billing code' } };
    const found = { applicationId: application.id, officeCode: application.office_code };
    const handle = temporal.workflow.getHandle(workflowIdFor(application.id));
    try {
      const ask = () => handle.executeUpdate(applyPayment, { args: [tx], updateId: `applyPayment-${tx.bank}-${tx.transactionId}` });
      return { ...found, outcome: await withStartedWorkflow({ db, temporal }, application.id, ask) };
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // Closed: its last stage is on record (a workflow records its final stage before it ends).
      const { stage } = (await applicationForBilling(db, tx.billingCode)) ?? application;
      const reason = TERMINAL_STAGES.includes(stage as Stage) ? `the application is ${stage}` : 'the application is closed';
      return { ...found, outcome: { applied: false, reason } };
    }
  },

  /**
   * Opens the refund of a payment that was not applied: one per payment whatever the retries (its id is the
   * transaction's, never reused), on this worker's task queue, living on after the bank transaction closes.
   */
  async openRefund(refund: RefundInput): Promise<void> {
    try {
      await temporal.workflow.start(REFUND_WORKFLOW, {
        workflowId: refundIdFor(refund.bank, refund.transactionId),
        taskQueue: Context.current().info.taskQueue,
        args: [refund],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  },

  /** Stage: AWAITING_PAYMENT. A payment made in time that is on record and not applied yet (its bank transaction is on its way). */
  async paymentPending(billing: { billingCode: string; amount: number; deadline: string }): Promise<boolean> {
    return paymentPendingFor(db, billing);
  },

  async decideBankTransaction(decision: Parameters<typeof decideBankTransaction>[1]): Promise<void> {
    await decideBankTransaction(db, decision);
  },

  async settleBankTransaction({ at, ...key }: TransactionKey & { at: string }): Promise<void> {
    await markSettled(db, key, at);
  },

  async flagBankTransaction({ flag, ...key }: TransactionKey & { flag: 'NEVER_SETTLED' }): Promise<void> {
    await flagBankTransaction(db, key, flag);
  },
});
