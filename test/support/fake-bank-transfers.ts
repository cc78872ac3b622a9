// A stand-in for the bank's refund transfer API that speaks HTTP like the real one (activities/refunds.ts): idempotent
// by the Idempotency-Key (one transfer and one reference however often it is asked), and confirming a transfer by the
// bank's callback, once, when it has been asked for it a given number of times (a bank that loses the first requests
// confirms only a later one). It confirms before it answers, as a bank's callback may overtake its answer: the
// confirmation then lands while the transfer is still running, so a time-skipping server never skips past it.
import { randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signedHeaders } from '../../api/signatures.js';
import type { RefundTransferRequest } from '../../activities/refunds.js';

export interface BankConfirmation {
  refundId: string;
  reference: string;
  confirmedAt: string;
}

interface Transfer {
  reference: string;
  request: RefundTransferRequest;
  /** How many times the bank was asked for it (each attempt, each retry). */
  requests: number;
  confirmed: boolean;
}

/** `confirm` is how the bank tells the service: its signed callback (`signedCallback`), or a test's own path. */
export async function startFakeBankTransfers(options: { confirm: (confirmation: BankConfirmation) => Promise<void> }) {
  const transfers = new Map<string, Transfer>();
  /** The request on which each refund is confirmed (default the first); Infinity: never. */
  const confirmOn = new Map<string, number>();

  const take = async (key: string, request: RefundTransferRequest): Promise<Transfer> => {
    const transfer = transfers.get(key) ?? { reference: `RF${randomInt(1e9, 1e10 - 1)}`, request, requests: 0, confirmed: false };
    transfers.set(key, transfer);
    transfer.requests += 1;
    if (!transfer.confirmed && transfer.requests >= (confirmOn.get(request.refundId) ?? 1)) {
      await options.confirm({ refundId: request.refundId, reference: transfer.reference, confirmedAt: new Date().toISOString() });
      transfer.confirmed = true;
    }
    return transfer;
  };

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const key = req.headers['idempotency-key'];
      if (req.method !== 'POST' || req.url !== '/transfers') return void res.writeHead(404).end();
      if (typeof key !== 'string' || !key) return void res.writeHead(400).end();
      take(key, JSON.parse(body) as RefundTransferRequest).then(
        (transfer) => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ reference: transfer.reference })),
        () => res.writeHead(502).end(), // the confirmation did not go through: the service asks again
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** The transfer of a refund as the bank sees it: by its idempotency key, the refund's id. */
    transferOf: (refundId: string) => transfers.get(refundId),
    /** Confirms the refund's transfer only on the n-th time it is asked (Infinity: never). */
    confirmOn: (refundId: string, n: number) => void confirmOn.set(refundId, n),
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
