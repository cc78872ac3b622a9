// The demo's bank: the payments it takes (each with its state receipt number, NTPN), its book of every payment
// of the day (kept across demo runs, in DATA_DIR/demo-bank/), and its settlement report per bank and day, which
// lists every payment the bank took, those whose callback it never sent included.
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SETTLEMENT_HEADER, SETTLEMENT_TIME_ZONE } from '../db/settlements.js';
import { localDate } from '../workflows/calendar.js';

/** The banks the demo's applicants pay at. */
export const DEMO_BANKS = ['BNI', 'BRI', 'MANDIRI'] as const;

/** A payment as the bank took it: what its callback says and what its settlement report lists. */
export interface BankPayment {
  bank: string;
  transactionId: string;
  ntpn: string;
  billingCode: string;
  amount: number;
  paidAt: string;
}

/** The bank a billing code is paid at (spread over DEMO_BANKS by its last digit), with the billing code as its transaction id: one payment each. */
export const demoPayment = (billingCode: string) => ({ bank: DEMO_BANKS[Number(billingCode.slice(-1)) % DEMO_BANKS.length]!, transactionId: billingCode });

/** The bank takes the money now: one transaction, its NTPN and time fixed, whatever retries its callback needs. */
export function takePayment(billingCode: string, amount: number, at = new Date()): BankPayment {
  const { bank, transactionId } = demoPayment(billingCode);
  const ntpn = createHash('sha256').update(`${bank}/${transactionId}`).digest('hex').slice(0, 16).toUpperCase();
  return { bank, transactionId, ntpn, billingCode, amount, paidAt: at.toISOString() };
}

/** The settlement day a payment belongs to: its date in WIB. */
export const settlementDayOf = (payment: Pick<BankPayment, 'paidAt'>) => localDate(new Date(payment.paidAt), SETTLEMENT_TIME_ZONE);

/** What the bank's report does wrong on purpose (`--tamper-settlement`), to see the money check fail. */
export const TAMPERINGS = ['amount', 'omit'] as const;
export type Tampering = (typeof TAMPERINGS)[number];

/**
 * The bank's book: every payment it took on a day, across demo runs, so each day's report (a correction of the
 * one before) still lists the payments of earlier runs.
 */
export function bankBook(dataDir: string) {
  const dir = join(dataDir, 'demo-bank');
  const fileOf = (day: string) => join(dir, `${day}.jsonl`);
  return {
    async record(payments: BankPayment[]) {
      await mkdir(dir, { recursive: true });
      for (const p of payments) await appendFile(fileOf(settlementDayOf(p)), `${JSON.stringify(p)}\n`);
    },
    /** The day's payments at `bank`, each transaction once. */
    async day(bank: string, day: string): Promise<BankPayment[]> {
      const text = await readFile(fileOf(day), 'utf8').catch(() => '');
      const payments = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as BankPayment);
      return [...new Map(payments.filter((p) => p.bank === bank).map((p) => [p.transactionId, p])).values()];
    },
  };
}

/** Pairs each tampering asked for with one of `targets` (payments whose callback was sent), in order. */
export const tamperings = (tamper: readonly Tampering[], targets: BankPayment[]) => new Map(tamper.slice(0, targets.length).map((kind, i) => [targets[i]!.transactionId, kind]));

/**
 * The bank's settlement report (README "The settlement report"): one line per payment, but for the payments
 * in `tamper`: `amount` lists 1,000 rupiah more than was paid, `omit` leaves the payment out. Returns the file
 * and what was tampered with.
 */
export function settlementReport(payments: BankPayment[], tamper = new Map<string, Tampering>()) {
  const tampered: string[] = [];
  const lines = payments.flatMap((p) => {
    const change = tamper.get(p.transactionId);
    if (change === 'omit') tampered.push(`${p.bank} ${p.transactionId}: left out of the report`);
    if (change === 'amount') tampered.push(`${p.bank} ${p.transactionId}: listed as ${p.amount + 1_000} rupiah, ${p.amount} paid`);
    return change === 'omit' ? [] : [`${p.ntpn},${p.transactionId},${p.billingCode},${change === 'amount' ? p.amount + 1_000 : p.amount},${p.paidAt}`];
  });
  return { csv: [SETTLEMENT_HEADER, ...lines].join('\n') + '\n', tampered };
}
