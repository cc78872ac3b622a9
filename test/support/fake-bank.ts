// A stand-in for the bank's API that speaks HTTP like the real one (activities/bank.ts): it holds the payments it
// took (also those whose callback never reached the service), answers inquiries by billing code, and takes refund
// transfers, idempotent by their Idempotency-Key. It checks the bearer token, and can fail on demand.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BankTransaction } from '../../workflows/definitions.js';

export type HeldPayment = Omit<BankTransaction, 'source'>;
export interface Transfer {
  reference: string;
  body: Record<string, unknown>;
  /** How many times it was asked for under its key. */
  requests: number;
}

export async function startFakeBank(token = `fake-bank-${randomUUID()}`) {
  const payments: HeldPayment[] = [];
  const transfers = new Map<string, Transfer>();
  let inquiries = 0;
  let failuresToServe = 0;
  let failuresServed = 0;
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
        const transfer = transfers.get(key) ?? { reference: `TRF-${randomUUID()}`, body: JSON.parse(raw) as Record<string, unknown>, requests: 0 };
        transfer.requests += 1;
        transfers.set(key, transfer);
        return json(201, { reference: transfer.reference });
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
    transfers,
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
