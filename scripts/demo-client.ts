// The demo's only door into the service: its public HTTP API, as applicants, officers, the bank and Pos
// would call it. Each applicant registers an account and uses its token for submission and booking.
import { randomUUID } from 'node:crypto';
import { mintStaffToken } from '../api/auth.js';
import { signedHeaders } from '../api/signatures.js';
import type { Config } from '../config.js';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export function serviceClient(baseUrl: string, config: Pick<Config, 'JWT_SECRET' | 'BANK_CALLBACK_SECRET' | 'POS_CALLBACK_SECRET'>) {
  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${baseUrl}${path}`, { method, headers: { ...(payload && { 'content-type': 'application/json' }), ...headers }, body: payload });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  };
  const tokens = new Map<string, Promise<string>>();
  const officer = async (office: string) => {
    if (!tokens.has(office)) tokens.set(office, mintStaffToken(config.JWT_SECRET, { sub: `officer-${office.toLowerCase()}-demo`, role: 'officer', office }));
    return { authorization: `Bearer ${await tokens.get(office)!}` };
  };
  const signed = (secret: string, path: string, body: unknown) => {
    const raw = JSON.stringify(body);
    return call('POST', path, raw, signedHeaders(secret, raw));
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
      const reply = await call<Submitted>('POST', '/applications', submission, auth);
      if (reply.status === 201) applicants.set(reply.body.applicationId, auth);
      return reply;
    },
    /** The applicant's own view (their token): what the demo polls, as a person refreshing the page would. */
    own: (applicationId: string) =>
      call<{ stage: string; posTrackingNumber?: string | null; slaBreached?: boolean }>('GET', `/applications/${applicationId}`, undefined, applicants.get(applicationId)),
    track: (trackingCode: string) => call<{ stage: string; posTrackingNumber?: string; slaBreached?: boolean }>('GET', `/track/${trackingCode}`),
    book: (applicationId: string, date: string, session: 'MORNING' | 'AFTERNOON') =>
      call<{ endsAt: string }>('POST', `/applications/${applicationId}/booking`, { date, session }, applicants.get(applicationId)),
    pay: (billingCode: string, amount: number, transactionId: string) =>
      signed(config.BANK_CALLBACK_SECRET, '/callbacks/bank/payments', { billingCode, amount, transactionId, paidAt: new Date().toISOString() }),
    interview: async (office: string, applicationId: string, outcome: 'APPROVED' | 'REJECTED', reason?: string) =>
      call<{ stage: string; slaDeadline?: string }>('POST', `/officer/applications/${applicationId}/interview`, { outcome, ...(reason && { reason }) }, await officer(office)),
    print: async (office: string, applicationId: string, passportNumber: string) =>
      call<{ stage: string }>('POST', `/officer/applications/${applicationId}/printing`, { passportNumber }, await officer(office)),
    handover: async (office: string, applicationId: string) => call<{ stage: string }>('POST', `/officer/applications/${applicationId}/handover`, undefined, await officer(office)),
    posDelivered: (trackingNumber: string, eventId: string) =>
      signed(config.POS_CALLBACK_SECRET, '/callbacks/pos/deliveries', { eventId, trackingNumber, status: 'DELIVERED', at: new Date().toISOString() }),
  };
}
export type ServiceClient = ReturnType<typeof serviceClient>;
