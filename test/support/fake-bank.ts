// A stand-in for the bank's API that speaks HTTP like the real one (activities/bank.ts). It holds the payments it
// took (also those whose callback never reached the service) and answers inquiries by billing code. It takes refund
// transfers, idempotent by their Idempotency-Key (one transfer and one reference however often it is asked), and
// confirms a transfer once, by the bank's callback, when it has been asked for it a given number of times (a bank
// that loses the first requests confirms only a later one). It confirms before it answers, as a bank's callback may
// overtake its answer: the confirmation then lands while the transfer is still running, so a time-skipping server
// never skips past it. It checks the bearer token, and can fail on demand.
import { randomInt, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BankTransfer } from '../../activities/bank.js';
import { signedHeaders } from '../../api/signatures.js';
import type { BankTransaction } from '../../workflows/definitions.js';

export type HeldPayment = Omit<BankTransaction, 'source'>;

export interface BankConfirmation {
  refundId: string;
  reference: string;
  confirmedAt: string;
}

export interface Transfer {
  reference: string;
  request: Omit<BankTransfer, 'idempotencyKey'>;
  /** How many times the bank was asked for it (each attempt, each retry). */
  requests: number;
  confirmed: boolean;
}

/** `confirm` is how the bank tells the service of a transfer: its signed callback (`signedCallback`), or a test's own path. */
export async function startFakeBank(options: { token?: string; confirm?: (confirmation: BankConfirmation) => Promise<void> } = {}) {
  const token = options.token ?? `fake-bank-${randomUUID()}`;
  const payments: HeldPayment[] = [];
  const transfers = new Map<string, Transfer>();
  /** The request on which each refund is confirmed (default the first); Infinity: never. */
  const confirmOn = new Map<string, number>();
  let inquiries = 0;
  let failuresToServe = 0;
  let failuresServed = 0;

  const take = async (key: string, request: Transfer['request']): Promise<Transfer> => {
    const transfer = transfers.get(key) ?? { reference: `RF${randomInt(1e9, 1e10 - 1)}`, request, requests: 0, confirmed: false };
    transfers.set(key, transfer);
    transfer.requests += 1;
    if (options.confirm && !transfer.confirmed && transfer.requests >= (confirmOn.get(request.refundId) ?? 1)) {
      await options.confirm({ refundId: request.refundId, reference: transfer.reference, confirmedAt: new Date().toISOString() });
      transfer.confirmed = true;
    }
    return transfer;
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const json = (status: number, body: unknown) => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${token}`) return json(401, { error: 'unauthorized' });
      if (failuresToServe > 0) {
        failuresToServe -= 1;
        failuresServed += 1;
        return json(503, { error: 'unavailable' });
      }
      const inquiry = /^\/billing-codes\/(\d{15})\/payments$/.exec(req.url ?? '');
      if (req.method === 'GET' && inquiry) {
        inquiries += 1;
        return json(200, { payments: payments.filter((p) => p.billingCode === inquiry[1]) });
      }
      if (req.method === 'POST' && req.url === '/transfers') {
        const key = req.headers['idempotency-key'];
        if (typeof key !== 'string' || !key) return json(400, { error: 'Idempotency-Key is required' });
        return void take(key, JSON.parse(raw) as Transfer['request']).then(
          (transfer) => json(201, { reference: transfer.reference }),
          () => json(502, { error: 'the confirmation did not go through' }), // the service asks again
        );
      }
      return json(404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    /** Payments the bank took, whether or not it called the service back. */
    payments,
    /** The bank took this payment (and, unless the test sends it, never called back). */
    hold: (payment: HeldPayment) => void payments.push(payment),
    /** The transfer of a refund as the bank sees it: by its idempotency key, the refund's id. */
    transferOf: (refundId: string) => transfers.get(refundId),
    /** Confirms the refund's transfer only on the n-th time it is asked (Infinity: never). */
    confirmOn: (refundId: string, n: number) => void confirmOn.set(refundId, n),
    get inquiries() {
      return inquiries;
    },
    /** Requests answered 503 by `failNext`. */
    get failuresServed() {
      return failuresServed;
    },
    /** The next `n` requests answer 503, as an overloaded bank would. */
    failNext(n: number) {
      failuresToServe = n;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The bank's signed callback to the service at `url`, as the real bank sends it; anything but 202 is a failure. */
export const signedCallback =
  (url: () => string, secret: string) =>
  async (confirmation: BankConfirmation): Promise<void> => {
    const body = JSON.stringify(confirmation);
    const response = await fetch(`${url()}/callbacks/bank/refunds`, { method: 'POST', headers: signedHeaders(secret, body), body });
    if (response.status !== 202) throw new Error(`the refund callback answered ${response.status}: ${await response.text()}`);
  };
