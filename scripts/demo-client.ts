// The demo's only door into the service: its public HTTP API, as applicants, officers, the bank and Pos
// would call it. Each applicant registers an account and uses its token for submission and booking.
import { randomUUID } from 'node:crypto';
import { mintStaffToken } from '../api/auth.js';
import { signedHeaders, signedSettlementHeaders } from '../api/signatures.js';
import type { Config } from '../config.js';
import type { BankPayment } from './demo-bank.js';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/**
 * `retry`: behave as real clients do when the service or one of its dependencies is down: a connection
 * error or a 5xx is tried again (after `Retry-After` when given) until `retry.forMs` has passed; a step
 * carries one `Idempotency-Key` across its retries, and a bank or Pos callback is signed afresh each time.
 */
export function serviceClient(
  baseUrl: string,
  config: Pick<Config, 'JWT_SECRET' | 'BANK_CALLBACK_SECRET' | 'POS_CALLBACK_SECRET'>,
  options: { retry?: { forMs: number; onRetry?: (what: string) => void } } = {},
) {
  const once = async <T>(method: string, path: string, payload: string | undefined, headers: Record<string, string>): Promise<Reply<T> & { retryAfter?: number }> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(payload && { 'content-type': 'application/json' }), ...headers },
      body: payload,
      ...(options.retry && { signal: AbortSignal.timeout(60_000) }),
    });
    const text = await response.text();
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { text };
    }
    return { status: response.status, body: body as T, retryAfter: Number(response.headers.get('retry-after')) || undefined };
  };
  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> | (() => Record<string, string>) = {},
  ): Promise<Reply<T>> => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headersNow = () => (typeof headers === 'function' ? headers() : headers);
    const giveUpAt = Date.now() + (options.retry?.forMs ?? 0);
    for (;;) {
      const reply = await once<T>(method, path, payload, headersNow()).catch((error: unknown) => {
        if (!options.retry || Date.now() > giveUpAt) throw error;
        return undefined;
      });
      if (reply && (reply.status < 500 || !options.retry || Date.now() > giveUpAt)) return { status: reply.status, body: reply.body };
      options.retry?.onRetry?.(`${method} ${path}: ${reply ? `HTTP ${reply.status}` : 'no connection'}`);
      // At least a second: a callback signed again gets a new timestamp, so it is never taken for a replay.
      await new Promise((r) => setTimeout(r, Math.min(5000, Math.max(1000, (reply?.retryAfter ?? 0) * 1000))));
    }
  };
  /** One key for a step and all its retries: the service applies the step once. */
  const step = () => ({ 'idempotency-key': randomUUID() });
  const tokens = new Map<string, Promise<string>>();
  const officer = async (office: string) => {
    if (!tokens.has(office)) tokens.set(office, mintStaffToken(config.JWT_SECRET, { sub: `officer-${office.toLowerCase()}-demo`, role: 'officer', office }));
    return { authorization: `Bearer ${await tokens.get(office)!}` };
  };
  const signed = (secret: string, path: string, body: unknown) => {
    const raw = JSON.stringify(body);
    return call('POST', path, raw, () => signedHeaders(secret, raw));
  };
  const applicants = new Map<string, Record<string, string>>();
  type Submitted = { applicationId: string; trackingCode: string; billingCode: string; amount: number; paymentDeadline: string };
  return {
    health: () => call('GET', '/health'),
    /** Registers the applicant's account, logs in, then submits with its token. */
    submit: async (submission: Record<string, unknown>): Promise<Reply<Submitted>> => {
      const credentials = { email: `demo-${randomUUID()}@example.id`, password: randomUUID() };
      const registered = await call('POST', '/auth/register', credentials);
      if (registered.status !== 202) return registered as unknown as Reply<Submitted>;
      const account = await call<{ token: string }>('POST', '/auth/login', credentials);
      if (account.status !== 200) return account as unknown as Reply<Submitted>;
      const auth = { authorization: `Bearer ${account.body.token}` };
      let reply = await call<Submitted>('POST', '/applications', submission, auth);
      if (reply.status === 409 && options.retry) {
        // A retried submission whose first answer was lost: the account's own list has it.
        const mine = await call<Submitted[]>('GET', '/applications', undefined, auth);
        if (mine.status === 200 && mine.body.length === 1) reply = { status: 201, body: mine.body[0]! };
      }
      // 202: recorded, and its workflow starts shortly by itself (api/workflow-starts.ts); the applicant goes on alike.
      if (reply.status === 201 || reply.status === 202) applicants.set(reply.body.applicationId, auth);
      return reply;
    },
    /** The applicant's own view (their token): what the demo polls, as a person refreshing the page would. */
    own: (applicationId: string) =>
      call<{ stage: string; posTrackingNumber?: string | null; slaBreached?: boolean; slaDeadline?: string | null; nextDeadline?: string | null }>('GET', `/applications/${applicationId}`, undefined, applicants.get(applicationId)),
    track: (trackingCode: string) => call<{ stage: string; posTrackingNumber?: string; slaBreached?: boolean }>('GET', `/track/${trackingCode}`),
    book: (applicationId: string, date: string, session: 'MORNING' | 'AFTERNOON') =>
      call<{ endsAt: string }>('POST', `/applications/${applicationId}/booking`, { date, session }, { ...applicants.get(applicationId), ...step() }),
    /** The bank's callback of a payment it took (scripts/demo-bank.ts): a retry sends the same transaction. */
    pay: (payment: BankPayment) => signed(config.BANK_CALLBACK_SECRET, '/callbacks/bank/payments', payment),
    /** The bank's settlement report of a day (CSV), signed with its bank and day over the file's text. */
    settlement: (bank: string, date: string, csv: string) =>
      call<{ revision?: number; correction?: boolean }>('POST', `/callbacks/bank/settlements?bank=${encodeURIComponent(bank)}&date=${date}`, csv, () => signedSettlementHeaders(config.BANK_CALLBACK_SECRET, { bank, date, csv })),
    interview: async (office: string, applicationId: string, outcome: 'APPROVED' | 'REJECTED', reason?: string) =>
      call<{ stage: string; slaDeadline?: string }>('POST', `/officer/applications/${applicationId}/interview`, { outcome, ...(reason && { reason }) }, { ...(await officer(office)), ...step() }),
    print: async (office: string, applicationId: string, passportNumber: string) =>
      call<{ stage: string }>('POST', `/officer/applications/${applicationId}/printing`, { passportNumber }, { ...(await officer(office)), ...step() }),
    handover: async (office: string, applicationId: string) => call<{ stage: string }>('POST', `/officer/applications/${applicationId}/handover`, undefined, { ...(await officer(office)), ...step() }),
    posDelivered: (trackingNumber: string, eventId: string) =>
      signed(config.POS_CALLBACK_SECRET, '/callbacks/pos/deliveries', { eventId, trackingNumber, status: 'DELIVERED', at: new Date().toISOString() }),
  };
}
export type ServiceClient = ReturnType<typeof serviceClient>;
