// Where every sighting of money enters: the bank's callback (api/routes/callbacks.ts) and the bank inquiry
// (activities/bank.ts) hand each transaction they see to the bankTransaction workflow of its (bank, transaction
// id), started by the first sighting (signalWithStart), once it is on record in the ledger. No money decision is
// taken here: the workflow compares, applies or refunds. A transaction whose workflow has closed is compared with the ledger here: the
// same transaction again is a duplicate; one that disagrees is recorded as a conflict for managers.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { asSighting, findBankTransaction, markSettled, recordBankTransaction, recordConflict } from '../db/queries/bank-transactions.js';
import type { DB } from '../db/schema.js';
import {
  BANK_TRANSACTION_WORKFLOW,
  bankTransactionIdFor,
  sightingConflict,
  transactionSeen,
  type BankTransaction,
  type BankTransactionInput,
  type BankTransactionPolicy,
} from '../workflows/definitions.js';

export interface IntakeDeps {
  db: Kysely<DB>;
  temporal: Client;
  taskQueue: string;
  policy: BankTransactionPolicy;
}

/** `accepted`: the workflow has the sighting (durably) or it is recorded as a conflict; `duplicate`: the transaction as first seen. */
export type Intake = 'accepted' | 'duplicate';

export async function seeBankTransaction(deps: IntakeDeps, tx: BankTransaction): Promise<Intake> {
  const recorded = await findBankTransaction(deps.db, tx);
  // Decided already: the same transaction again changes nothing (a settlement line still goes to the workflow, which waits for it).
  if (recorded && recorded.outcome !== 'PENDING' && !sightingConflict(asSighting(recorded), tx) && tx.source !== 'settlement') return 'duplicate';
  // On record at once, before any worker has run its workflow: an application whose payment window closes meanwhile
  // (its workers down) sees that it was paid in time, and waits for it (workflows/lifecycle/payment.ts).
  if (!recorded) await recordBankTransaction(deps.db, tx);
  const input: BankTransactionInput = { bank: tx.bank, transactionId: tx.transactionId, policy: deps.policy };
  try {
    await deps.temporal.workflow.signalWithStart(BANK_TRANSACTION_WORKFLOW, {
      workflowId: bankTransactionIdFor(tx.bank, tx.transactionId),
      taskQueue: deps.taskQueue,
      args: [input],
      signal: transactionSeen,
      signalArgs: [tx],
      // A closed transaction is never started again: its decision stands, and a new sighting is compared below.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `${tx.bank} transaction ${tx.transactionId}: ${tx.amount} rupiah for billing code ${tx.billingCode}`,
    });
    return 'accepted';
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return afterClose(deps.db, tx);
}

async function afterClose(db: Kysely<DB>, tx: BankTransaction): Promise<Intake> {
  const entry = await findBankTransaction(db, tx);
  const conflict = entry ? sightingConflict(asSighting(entry), tx) : `${tx.bank} transaction ${tx.transactionId} is not in the ledger (its NTPN belongs to another transaction)`;
  if (conflict) {
    await recordConflict(db, tx, conflict);
    return 'accepted';
  }
  if (tx.source === 'settlement') await markSettled(db, tx, new Date().toISOString());
  return 'duplicate';
}
