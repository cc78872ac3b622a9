// Bank and Pos callbacks: HMAC-SHA256 over `<timestamp>.<body>`, sent as X-Timestamp and X-Signature.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signature';
export const TIMESTAMP_HEADER = 'x-timestamp';

export const signBody = (secret: string, timestamp: number, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

/** Headers for a signed callback, as the bank or Pos would send them (also used by tests and tools). */
export const signedHeaders = (secret: string, body: string, now = Date.now()): Record<string, string> => {
  const timestamp = Math.floor(now / 1000);
  return { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signBody(secret, timestamp, body) };
};

/**
 * A settlement report is signed with its bank and day, which travel in the query: `<timestamp>.<bank>.<date>.<body>`,
 * so a report signed for one bank and day cannot be filed under another.
 */
export const settlementSignedText = (bank: string, date: string, body: string): string => `${bank}.${date}.${body}`;

/** Headers for a bank's signed settlement upload (CSV), as the bank sends them (also used by tests and tools). */
export const signedSettlementHeaders = (secret: string, report: { bank: string; date: string; csv: string }, now = Date.now()): Record<string, string> => ({
  ...signedHeaders(secret, settlementSignedText(report.bank, report.date, report.csv), now),
  'content-type': 'text/csv',
});

export type SignatureCheck = { ok: true; signature: string } | { ok: false; reason: string };

export function checkSignature(
  secret: string,
  headers: { timestamp?: string; signature?: string },
  body: string,
  maxSkewSeconds: number,
  now = Date.now(),
): SignatureCheck {
  if (!headers.timestamp || !headers.signature) return { ok: false, reason: `missing ${TIMESTAMP_HEADER} or ${SIGNATURE_HEADER} header` };
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp)) return { ok: false, reason: `${TIMESTAMP_HEADER} must be Unix seconds` };
  if (Math.abs(now / 1000 - timestamp) > maxSkewSeconds) return { ok: false, reason: 'the signature timestamp is stale' };
  const expected = Buffer.from(signBody(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'the signature does not match' };
  return { ok: true, signature: headers.signature };
}
