// Applicants of the bench, through the public HTTP API as real clients: accounts (five people each, the
// account limit), submissions, and the bank's signed payment callback.
import { randomUUID } from 'node:crypto';
import { signedHeaders } from '../../api/signatures.js';
import type { Cluster } from '../../scripts/cluster.js';
import { takePayment } from '../../scripts/demo-bank.js';
import { mapLimit } from './measures.js';

/** One account applies for this many people (MAX_PEOPLE_PER_ACCOUNT's default). */
export const PEOPLE_PER_ACCOUNT = 5;

/**
 * A NIK of its own for each bench applicant: province 76 (the demo's are 72), born 12 May 1990, a woman; the
 * serial, district and regency count up, so no two bench applicants of a process share one.
 */
let nextPerson = 0;
export function benchNik(n = nextPerson++): string {
  const two = (v: number) => String(v).padStart(2, '0');
  const serial = (n % 9999) + 1;
  const district = (Math.floor(n / 9999) % 99) + 1;
  const regency = (Math.floor(n / (9999 * 99)) % 99) + 1;
  return `76${two(regency)}${two(district)}520590${String(serial).padStart(4, '0')}`;
}

export const benchSubmission = (officeCode: string, nik = benchNik()) => ({
  applicationType: 'NEW',
  product: 'ORDINARY_5Y',
  officeCode,
  nik,
  fullName: `Pemohon Bench ${nik.slice(-8)}`,
  sex: 'F',
  birthDate: '1990-05-12',
  email: `bench-${nik}@example.id`,
  phone: `+62812${nik.slice(-8)}`,
  deliveryMethod: 'PICKUP',
  address: 'Jl. Bench No. 1, Mamuju',
});

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export async function call(baseUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${baseUrl}${path}`, { method, headers: { ...(payload && { 'content-type': 'application/json' }), ...headers }, body: payload });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const expectStatus = (reply: Reply, statuses: number[], what: string) => {
  if (!statuses.includes(reply.status)) throw new Error(`${what}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply;
};

export interface Submitted {
  applicationId: string;
  trackingCode: string;
  billingCode: string;
  amount: number;
  /** The applicant's bearer token header. */
  auth: Record<string, string>;
}

/** An applicant account registered and logged in: its authorization header. */
async function account(baseUrl: string): Promise<Record<string, string>> {
  const credentials = { email: `bench-${randomUUID()}@example.id`, password: randomUUID() };
  expectStatus(await call(baseUrl, 'POST', '/auth/register', credentials), [202], 'register');
  const login = expectStatus(await call(baseUrl, 'POST', '/auth/login', credentials), [200], 'login');
  return { authorization: `Bearer ${String(login.body.token)}` };
}

/** `count` applications submitted through the API, five per account, `concurrency` requests at a time. */
export async function submitApplications(cluster: Cluster, count: number, officeCode: string, opts: { concurrency?: number; onEach?: () => void } = {}): Promise<Submitted[]> {
  const accounts = await mapLimit(Array.from({ length: Math.ceil(count / PEOPLE_PER_ACCOUNT) }), opts.concurrency ?? 8, () => account(cluster.apiUrl));
  return mapLimit(Array.from({ length: count }), opts.concurrency ?? 8, async (_, i) => {
    const auth = accounts[Math.floor(i / PEOPLE_PER_ACCOUNT)]!;
    const reply = expectStatus(await call(cluster.apiUrl, 'POST', '/applications', benchSubmission(officeCode), auth), [201, 202], 'submission');
    opts.onEach?.();
    const { applicationId, trackingCode, billingCode, amount } = reply.body as Omit<Submitted, 'auth'>;
    return { applicationId, trackingCode, billingCode, amount, auth };
  });
}

/** The bank's signed callback of a payment in full of the application's billing code. */
export async function pay(cluster: Cluster, application: Pick<Submitted, 'billingCode' | 'amount'>): Promise<void> {
  const raw = JSON.stringify(takePayment(application.billingCode, application.amount));
  expectStatus(await call(cluster.apiUrl, 'POST', '/callbacks/bank/payments', raw, signedHeaders(cluster.secrets.BANK_CALLBACK_SECRET, raw)), [200, 202], 'payment callback');
}
