// A stand-in for Pos Indonesia's shipment API that speaks HTTP like the real one: idempotent by
// reference, and able to fail on demand so retries can be seen.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startFakePos() {
  const shipments = new Map<string, { trackingNumber: string; recipient: string; address: string }>();
  let failuresToServe = 0;
  let requests = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests += 1;
      if (req.method !== 'POST' || req.url !== '/shipments') return void res.writeHead(404).end();
      if (failuresToServe > 0) {
        failuresToServe -= 1;
        return void res.writeHead(503).end();
      }
      const { reference, recipient, address } = JSON.parse(body) as { reference: string; recipient: string; address: string };
      let shipment = shipments.get(reference);
      if (!shipment) {
        shipment = { trackingNumber: `P${String(100_000_000_000 + shipments.size + 1)}ID`, recipient, address };
        shipments.set(reference, shipment);
      }
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ trackingNumber: shipment.trackingNumber }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    shipments,
    get requests() {
      return requests;
    },
    /** The next `n` requests answer 503, as an overloaded Pos would. */
    failNext(n: number) {
      failuresToServe = n;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
