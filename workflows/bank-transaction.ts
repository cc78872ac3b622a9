// One bank transaction, from its first sighting to the settlement report: every sighting of money (the bank's
// callback, an inquiry, a settlement line) is a transactionSeen signal to the workflow of its (bank, transaction
// id). The first decides: recorded in the ledger, offered to the application of its billing code (applyPayment),
// and refunded when refused. Every later sighting is compared with it: one that disagrees is a conflict,
// recorded and flagged for managers, never applied. The workflow waits for the settlement report to list the
// transaction, or flags it "never settled".
import {
  allHandlersFinished,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  BankTransactionState,
  refundIdFor,
  sightingConflict,
  transactionSeen,
  type BankTransaction,
  type BankTransactionInput,
  type BankTransactionStateName,
  type RefundInput,
} from './definitions.js';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** The first sighting decides; `reference` is the transaction as the ledger first recorded it. */
interface Tracking {
  input: BankTransactionInput;
  sightings: BankTransaction[];
  reference: BankTransaction;
  state: BankTransactionStateName;
}

export async function bankTransaction(input: BankTransactionInput): Promise<BankTransactionStateName> {
  const sightings: BankTransaction[] = [];
  setHandler(transactionSeen, (tx) => void sightings.push(tx));
  await condition(() => sightings.length > 0);
  const [first] = sightings;
  if (!first) throw new Error('signalWithStart always brings a first sighting');
  const t: Tracking = { input, sightings, reference: first, state: 'RECEIVED' };
  show(t, 'RECEIVED');

  const ledger = await activities.recordBankTransaction(first);
  if ('ntpnTakenBy' in ledger) {
    show(t, 'CONFLICT', `NTPN ${first.ntpn} belongs to ${ledger.ntpnTakenBy.bank} transaction ${ledger.ntpnTakenBy.transactionId}`);
  } else {
    t.reference = ledger.recorded;
    // Decided before (this workflow's id was reused after the first one's history was deleted): not again.
    if (ledger.outcome === 'PENDING') await decide(t);
    else show(t, ledger.outcome === 'APPLIED' ? 'APPLIED' : ledger.outcome === 'REFUND' ? 'REFUNDING' : 'CONFLICT');
  }

  const settled = await compareUntilSettled(t);
  if (!settled) {
    await activities.flagBankTransaction({ ...key(t), flag: 'NEVER_SETTLED' });
    if (t.state !== 'CONFLICT') show(t, 'UNSETTLED', `not in a settlement report after ${input.policy.settlementWaitMs / 86_400_000} days`);
  }
  await condition(allHandlersFinished);
  return t.state;
}

const key = (t: Tracking) => ({ bank: t.input.bank, transactionId: t.input.transactionId });

/** Offers the payment to its application; refused (or no application at all), it is refunded. */
async function decide(t: Tracking): Promise<void> {
  const tx = t.reference;
  const answer = await activities.askApplication(tx);
  const { applicationId, officeCode, outcome } = answer;
  if (outcome.applied) {
    await activities.decideBankTransaction({ ...key(t), outcome: 'APPLIED', applicationId });
    show(t, 'APPLIED', `applied to application ${applicationId}`);
    return;
  }
  const { bank, transactionId, ntpn, billingCode, amount, paidAt } = tx;
  const application = { ...(applicationId && { applicationId }), ...(officeCode && { officeCode }) };
  const refund: RefundInput = { bank, transactionId, ntpn, billingCode, amount, paidAt, reason: outcome.reason, ...application, policy: t.input.policy.refund };
  await activities.openRefund(refund);
  await activities.decideBankTransaction({ ...key(t), outcome: 'REFUND', reason: outcome.reason, applicationId });
  show(t, 'REFUNDING', `not applied (${outcome.reason}): refund ${refundIdFor(tx.bank, tx.transactionId)}`);
}

/**
 * Every sighting, the first included, compared with the transaction as recorded, until a settlement line lists
 * it or the settlement wait ends. Returns whether it was settled.
 */
async function compareUntilSettled(t: Tracking): Promise<boolean> {
  const deadline = Date.now() + t.input.policy.settlementWaitMs;
  let compared = 0;
  let settled = false;
  const more = () => t.sightings.length > compared;
  while (more() || (!settled && (await condition(more, Math.max(1, deadline - Date.now()))))) {
    const sighting = t.sightings[compared++];
    if (!sighting) continue;
    const conflict = sightingConflict(t.reference, sighting);
    if (conflict) {
      await activities.recordBankConflict({ tx: sighting, reason: conflict });
      show(t, 'CONFLICT', conflict);
    } else if (sighting.source === 'settlement' && !settled) {
      settled = true;
      await activities.settleBankTransaction({ ...key(t), at: new Date(Date.now()).toISOString() });
      if (t.state !== 'CONFLICT') show(t, 'SETTLED');
    }
  }
  return settled;
}

/** The state managers find the transaction by (search attribute and current details); a conflict stays one. */
function show(t: Tracking, state: BankTransactionStateName, detail?: string): void {
  if (t.state === 'CONFLICT' && state !== 'CONFLICT') return;
  t.state = state;
  upsertSearchAttributes([{ key: BankTransactionState, value: state }]);
  const { bank, transactionId, billingCode, amount } = t.reference;
  setCurrentDetails([`**${state}**`, `${bank} transaction ${transactionId}: ${amount} rupiah for billing code ${billingCode}`, detail].filter(Boolean).join('\n\n'));
}
