// Stage: AWAITING_PAYMENT (and refunds). The bank's API behind one interface: the payment inquiry (what was paid
// for a billing code, also payments whose callback never came) and the transfer that refunds a payment. Each
// payment an inquiry finds goes through its bank transaction's workflow exactly as a callback would.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { seeBankTransaction } from '../api/bank-intake.js';
import type { Config } from '../config.js';
import type { DB } from '../db/schema.js';
import { BANK_CODE, type BankTransaction, type BankTransactionPolicy } from '../workflows/definitions.js';

/** A refund's transfer back to the payer's account, sent again under the same key until the bank confirms it. */
export interface BankTransfer {
  /** The bank deduplicates by it: the same key is the same transfer. */
  idempotencyKey: string;
  refundId: string;
  bank: string;
  transactionId: string;
  ntpn: string;
  billingCode: string;
  amount: number;
}

export interface BankClient {
  /** Every payment the bank has taken for the billing code (source `inquiry`). */
  inquire(billingCode: string): Promise<BankTransaction[]>;
  /** Asks the bank to send a refund back; its answer is the bank's reference (the confirmation comes by callback). */
  transfer(refund: BankTransfer): Promise<{ reference: string }>;
}

/** The bank's inquiry answer: each payment with the bank's code, its own id, the NTPN, the billing code, amount and time. */
const inquiryAnswer = z.object({
  payments: z.array(
    z.object({
      bank: z.string().regex(BANK_CODE),
      transactionId: z.string().min(1).max(64),
      ntpn: z.string().regex(/^[0-9A-Z]{16}$/),
      billingCode: z.string().regex(/^\d{15}$/),
      amount: z.number().int().positive(),
      paidAt: z.iso.datetime({ offset: true }),
    }),
  ),
});
const transferAnswer = z.object({ reference: z.string().min(1) });

/**
 * The bank's API over HTTP, with `Authorization: Bearer <token>`:
 * `GET <base>/billing-codes/<code>/payments` answers `{ payments: [...] }`; `POST <base>/transfers` with an
 * `Idempotency-Key` answers `{ reference }`. Any failure throws, and the activity retries.
 */
export const httpBank = (baseUrl: string, token: string | undefined, timeoutMs = 10_000): BankClient => {
  const url = (path: string) => new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const answer = async <T>(response: Response, schema: z.ZodType<T>, what: string): Promise<T> => {
    if (!response.ok) throw new Error(`the bank answered ${response.status} to ${what}`);
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) throw new Error(`the bank's answer to ${what} is not understood: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  };
  return {
    async inquire(billingCode) {
      const what = `the inquiry of billing code ${billingCode}`;
      const response = await fetch(url(`billing-codes/${encodeURIComponent(billingCode)}/payments`), { headers: auth, signal: AbortSignal.timeout(timeoutMs) });
      const { payments } = await answer(response, inquiryAnswer, what);
      return payments.map((p) => ({ ...p, paidAt: new Date(p.paidAt).toISOString(), source: 'inquiry' as const }));
    },
    async transfer(refund) {
      const { idempotencyKey, ...body } = refund;
      const response = await fetch(url('transfers'), {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return answer(response, transferAnswer, `the transfer of refund ${refund.refundId}`);
    },
  };
};

/**
 * No bank API configured (BANK_API_URL): an inquiry finds nothing, and a transfer fails at once (no retries: nothing
 * would change), so the refund escalates to its office once its attempts are spent; nothing pretends to pay.
 */
export const noBankApi = (): BankClient => ({
  async inquire() {
    return [];
  },
  async transfer(refund) {
    throw ApplicationFailure.create({ type: 'NoBankApi', message: `no bank API is configured (BANK_API_URL): refund ${refund.refundId} cannot be transferred`, nonRetryable: true });
  },
});

export const bankFromConfig = (config: Pick<Config, 'BANK_API_URL' | 'BANK_API_TOKEN'>): BankClient =>
  config.BANK_API_URL ? httpBank(config.BANK_API_URL, config.BANK_API_TOKEN) : noBankApi();

export const createBankActivities = (deps: { db: Kysely<DB>; temporal: Client; bank: BankClient; bankTransactions: BankTransactionPolicy }) => ({
  /**
   * Asks the bank what was paid for the billing code, and hands each payment to its bank transaction's workflow
   * (on this worker's task queue) as a callback would be: applied or refunded there, never here.
   */
  async inquireBank({ billingCode }: { billingCode: string }): Promise<BankTransaction[]> {
    const found = await deps.bank.inquire(billingCode);
    const intake = { db: deps.db, temporal: deps.temporal, taskQueue: Context.current().info.taskQueue, policy: deps.bankTransactions };
    for (const tx of found) await seeBankTransaction(intake, { ...tx, source: 'inquiry' });
    return found;
  },
});
