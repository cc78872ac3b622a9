// Schema-driven fuzzing of every route in GET /openapi.json, with each kind of caller and signed callbacks:
// no 5xx, no request left without an answer, every error application/problem+json, and a batch of
// requests each broken in one way changes no stored data. Fixed seed (FUZZ_SEED to try another,
// FUZZ_TRACE=1 to print every answer), loopback only, and a database of its own so whole tables can be
// compared while other test files run.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../../api/signatures.js';
import { refundPolicyFrom } from '../../config.js';
import type { DB } from '../../db/schema.js';
import { REFUND_WORKFLOW, refundIdFor } from '../../workflows/definitions.js';
import { nextWorkingDay } from '../support/read-model.js';
import { SchemaArbitraries, type Schema } from '../support/schema-arbitraries.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';
import { ownDatabase } from '../support/databases.js';
import { paymentCallback } from '../support/bank.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const MIXED_RUNS = 500;
const REJECTED_RUNS = 400;
/** Longer than any step takes on a loaded machine; an answer later than this is a hang. */
const DEADLINE_MS = 15_000;
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 4);
const TABLES = ['applications', 'payments', 'bookings', 'appointment_slots', 'audit_log', 'accounts', 'callback_events', 'idempotency_keys', 'refunds', 'refund_events', 'refund_confirmations'] as const;

type Caller = 'none' | 'owner' | 'otherApplicant' | 'officer' | 'otherOfficer' | 'manager' | 'directorate' | 'finance' | 'otherFinance';
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}
interface Operation {
  method: string;
  path: string;
  params: Parameter[];
  body?: Schema;
  secured: boolean;
  /** The callers this route is for; the others are refused (401/403). */
  audience: Caller[];
  callback?: 'bank' | 'pos';
}
interface FuzzRequest {
  route: string;
  method: string;
  url: string;
  caller: Caller;
  headers: Record<string, string>;
  body?: unknown;
  /** For callbacks: signed with the sender's secret, or not at all. */
  signed?: boolean;
  /** A method the path does not have: 405 (once the caller may use the path at all). */
  wrongMethod?: boolean;
}

let s: Awaited<ReturnType<typeof startService>>;
let database: Awaited<ReturnType<typeof ownDatabase>>;

beforeAll(async () => {
  database = await ownDatabase('fuzz');
  s = await startService({ databaseUrl: database.url });
});
afterAll(async () => {
  await s?.stop();
  await database?.drop();
});

/** Percent-encodes every byte but the unreserved ones: any string, even a lone surrogate, makes a URL. */
const encode = (value: unknown) =>
  [...Buffer.from(typeof value === 'string' ? value : JSON.stringify(value) ?? '', 'utf8')].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** Header values must be legal HTTP: broken keys that are still ASCII. */
const badIdempotencyKeys = fc.constantFrom('short', 'has a space 1234', 'x'.repeat(101), 'slash/is/not/ok', 'semi;colon;1234', '');

function operationsOf(document: { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> }; security?: unknown[] }>> }): Operation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => {
      const audience: Caller[] = path.startsWith('/applications')
        ? ['owner', 'otherApplicant']
        : path.startsWith('/officer')
          ? ['officer', 'otherOfficer']
          : path.startsWith('/manager')
            ? ['manager', 'directorate']
            : path.startsWith('/finance')
              ? ['finance', 'otherFinance']
              : ['none', 'owner', 'otherApplicant', 'officer', 'otherOfficer', 'manager', 'directorate', 'finance', 'otherFinance'];
      return {
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content['application/json']?.schema,
        secured: !!op.security?.length,
        audience,
        callback: path.startsWith('/callbacks/bank') ? 'bank' : path.startsWith('/callbacks/pos') ? 'pos' : undefined,
      };
    }),
  );
}

describe('schema-driven fuzzing of every route', () => {
  it('never answers 5xx or late, answers every error as problem+json, and a rejected request changes nothing', { timeout: 300_000 }, async () => {
    const document = (await s.call('GET', '/openapi.json')).body;
    const schemas = new SchemaArbitraries(document.components.schemas);
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThanOrEqual(25);

    // Fixtures: two applicants, one application waiting for payment and one paid, a refund, staff of two offices.
    const owner = await s.applicant();
    const other = await s.applicant();
    const unpaid = (await s.call('POST', '/applications', sampleSubmission(), owner.auth)).body;
    const paid = (await s.call('POST', '/applications', sampleSubmission(), owner.auth)).body;
    const payment = paymentCallback(paid);
    expect((await s.signedCall('bank', '/callbacks/bank/payments', payment).send()).status).toBe(202);
    await eventually(() => s.call('GET', `/track/${paid.trackingCode}`), (r) => r.body.stage === 'AWAITING_BOOKING');
    const bookable = await nextWorkingDay(s.db, 'PLU');
    const refund = { bank: 'BNI', transactionId: `TX-${randomUUID()}`, ntpn: '0000000000000001', billingCode: paid.billingCode, amount: paid.amount, paidAt: payment.paidAt };
    const refundId = refundIdFor(refund.bank, refund.transactionId);
    const refundInput = { ...refund, reason: 'a second payment of a paid billing code', applicationId: paid.applicationId, officeCode: 'PLU', policy: refundPolicyFrom(s.config) };
    await s.env.client.workflow.start(REFUND_WORKFLOW, { workflowId: refundId, taskQueue: s.taskQueue, args: [refundInput] });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const callers: Record<Caller, Record<string, string>> = {
      none: {},
      owner: owner.auth,
      otherApplicant: other.auth,
      officer: bearer(await s.officerToken('PLU')),
      otherOfficer: bearer(await s.officerToken('WSB')),
      manager: bearer(await s.managerToken('PLU')),
      directorate: bearer(await s.managerToken('*')),
      finance: bearer(await s.financeToken('PLU')),
      otherFinance: bearer(await s.financeToken('WSB')),
    };
    const known: Record<string, unknown[]> = {
      applicationId: [unpaid.applicationId, paid.applicationId],
      trackingCode: [unpaid.trackingCode, paid.trackingCode],
      officeCode: ['PLU', 'WSB'],
      refundId: [refundId],
    };
    const examples: Record<string, () => Record<string, unknown>> = {
      Credentials: () => ({ email: 'fuzz@example.id', password: 'kata sandi yang panjang' }),
      Submission: () => ({ ...sampleSubmission() }),
      BookingRequest: () => ({ date: bookable, session: 'MORNING' }),
      DeliveryChoice: () => ({ method: 'POS', address: 'Jl. Sam Ratulangi No. 10, Palu' }),
      Cancellation: () => ({ reason: 'rencana berubah' }),
      InterviewOutcome: () => ({ outcome: 'APPROVED' }),
      Bap: () => ({ reportNumber: 'BAP/1/2026', cause: 'ORDINARY' }),
      Printing: () => ({ passportNumber: 'E1234567' }),
      PaymentCallback: () => ({ ...payment, billingCode: unpaid.billingCode, amount: unpaid.amount, transactionId: `TX-${randomUUID()}` }),
      PosCallback: () => ({ eventId: `EV-${randomUUID()}`, trackingNumber: 'POS-000001', status: 'DELIVERED', at: new Date().toISOString() }),
      RefundDecline: () => ({ reason: 'dibayar ke rekening yang salah' }),
      RefundCallback: () => ({ refundId, reference: `RF-${randomUUID()}`, confirmedAt: new Date().toISOString() }),
    };
    const componentOf = (schema: Schema) => schema.$ref?.split('/').pop() ?? '';

    /** A known-good example (it passes the rules a schema cannot say) with one field replaced. */
    const exampleWith = (schema: Schema, field: (property: Schema) => fc.Arbitrary<unknown>): fc.Arbitrary<unknown>[] => {
      const example = examples[componentOf(schema)];
      const properties = schemas.resolve(schema).properties ?? {};
      const keys = Object.keys(properties);
      if (!example || keys.length === 0) return [];
      return [fc.constantFrom(...keys).chain((key) => field(properties[key]!).map((value) => ({ ...example(), [key]: value })))];
    };
    /** A body the schema allows, or an example with one field replaced by anything. */
    const bodyLike = (schema: Schema, mode: 'valid' | 'mixed'): fc.Arbitrary<unknown> => {
      const example = examples[componentOf(schema)];
      const options: fc.Arbitrary<unknown>[] = [schemas.valid(schema), ...(example ? [fc.constant(null).map(() => example())] : [])];
      if (mode === 'valid') options.push(...exampleWith(schema, (p) => schemas.valid(p)));
      else options.push(...exampleWith(schema, (p) => schemas.hostile(p)), ...exampleWith(schema, (p) => schemas.invalid(p)), schemas.hostile(schema));
      return fc.oneof(...options);
    };
    /** A body the schema refuses, often an example broken in one field only (so it gets as far as it can). */
    const brokenBody = (schema: Schema) => fc.oneof(schemas.invalid(schema), ...exampleWith(schema, (p) => schemas.invalid(p)));
    const paramValue = (p: Parameter, mode: 'valid' | 'mixed') =>
      p.in === 'header'
        ? mode === 'valid'
          ? schemas.valid(p.schema)
          : fc.oneof(schemas.valid(p.schema), badIdempotencyKeys)
        : fc.oneof(...(known[p.name] ? [fc.constantFrom(...known[p.name]!)] : []), mode === 'valid' ? schemas.valid(p.schema) : schemas.hostile(p.schema));

    const build = (op: Operation, caller: Caller, values: Map<Parameter, unknown>, body: unknown, signed: boolean): FuzzRequest => {
      let url = op.path;
      const query: string[] = [];
      const headers: Record<string, string> = { ...callers[caller] };
      for (const [p, value] of values) {
        if (value === undefined) continue;
        if (p.in === 'path') url = url.replace(`{${p.name}}`, encode(value));
        if (p.in === 'query') query.push(`${p.name}=${encode(value)}`);
        if (p.in === 'header') headers[p.name] = String(value);
      }
      return { route: `${op.method} ${op.path}`, method: op.method, url: query.length ? `${url}?${query.join('&')}` : url, caller, headers, body, signed };
    };
    const parts = (op: Operation, mode: 'valid' | 'mixed') =>
      fc.tuple(
        fc.tuple(...op.params.map((p) => (p.required ? paramValue(p, mode) : fc.option(paramValue(p, mode), { nil: undefined })))),
        op.body ? bodyLike(op.body, mode) : fc.constant(undefined),
      );

    /** Anything goes: any caller, any values, signed or not. */
    const mixed = (op: Operation): fc.Arbitrary<FuzzRequest> =>
      fc
        .tuple(fc.constantFrom<Caller>(...(Object.keys(callers) as Caller[])), parts(op, 'mixed'), fc.boolean())
        .map(([caller, [values, body], unsigned]) => build(op, caller, new Map(op.params.map((p, i) => [p, values[i]])), body, !unsigned || !op.callback));

    /** Well-formed but for one thing (the caller, a parameter, the body, the signature, the method): always refused. */
    const rejected = (op: Operation): fc.Arbitrary<FuzzRequest> | undefined => {
      const breaks: fc.Arbitrary<FuzzRequest>[] = [];
      const rightCaller = fc.constantFrom(...op.audience.filter((c) => c !== 'otherApplicant' && c !== 'otherOfficer' && c !== 'otherFinance'));
      const valid = fc.tuple(rightCaller, parts(op, 'valid'));
      const assemble = (caller: Caller, values: unknown[], body: unknown, signed = true) => build(op, caller, new Map(op.params.map((p, i) => [p, values[i]])), body, signed);
      if (op.callback) breaks.push(valid.map(([caller, [values, body]]) => assemble(caller, values, body, false)));
      if (op.secured && !op.callback) {
        const wrong = (Object.keys(callers) as Caller[]).filter((c) => !op.audience.includes(c));
        breaks.push(fc.tuple(fc.constantFrom(...wrong), parts(op, 'valid')).map(([caller, [values, body]]) => assemble(caller, values, body)));
      }
      op.params.forEach((p, i) => {
        const broken = p.in === 'header' ? badIdempotencyKeys.filter((k) => k !== '') : schemas.invalid(p.schema);
        breaks.push(fc.tuple(valid, broken).map(([[caller, [values, body]], bad]) => assemble(caller, values.map((v, j) => (j === i ? bad : v)), body)));
      });
      if (op.body) breaks.push(fc.tuple(valid, brokenBody(op.body)).map(([[caller, [values]], bad]) => assemble(caller, values, bad)));
      if (breaks.length === 0) return undefined;
      return fc.oneof(...breaks);
    };

    const send = async (request: FuzzRequest) => {
      const raw = request.body === undefined ? undefined : JSON.stringify(request.body);
      const signing = request.signed && raw !== undefined ? operations.find((op) => `${op.method} ${op.path}` === request.route)?.callback : undefined;
      const secret = signing === 'bank' ? s.config.BANK_CALLBACK_SECRET : s.config.POS_CALLBACK_SECRET;
      const headers = { ...(raw !== undefined && { 'content-type': 'application/json' }), ...request.headers, ...(signing && signedHeaders(secret, raw!)) };
      const started = Date.now();
      try {
        const response = await fetch(`${s.url}${request.url}`, { method: request.method, headers, body: raw, signal: AbortSignal.timeout(DEADLINE_MS) });
        await response.arrayBuffer();
        return { status: response.status, contentType: response.headers.get('content-type') ?? '', ms: Date.now() - started };
      } catch (error) {
        return { status: 0, contentType: '', ms: Date.now() - started, error: `${String(error)} ${String((error as Error).cause ?? '')}` };
      }
    };
    const describeRequest = (r: FuzzRequest) => `${r.method} ${r.url} as ${r.caller}${r.signed === false ? ' (unsigned)' : ''} ${JSON.stringify(r.body)?.slice(0, 300) ?? ''}`;
    const problemsOf = async (requests: FuzzRequest[], expectRefusal: boolean) => {
      const found: string[] = [];
      const statuses = new Map<number, number>();
      for (let i = 0; i < requests.length; i += CONCURRENCY) {
        const batch = requests.slice(i, i + CONCURRENCY);
        const answers = await Promise.all(batch.map(send));
        answers.forEach((answer, j) => {
          const request = batch[j]!;
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (process.env.FUZZ_TRACE) console.log(answer.status, answer.ms, describeRequest(request).slice(0, 200));
          if (answer.status === 0) found.push(`no answer (${answer.error}, after ${answer.ms} ms): ${describeRequest(request)}`);
          else if (answer.status >= 500) found.push(`${answer.status}: ${describeRequest(request)}`);
          else if (answer.status >= 400 && !answer.contentType.includes('application/problem+json')) found.push(`${answer.status} as ${answer.contentType}: ${describeRequest(request)}`);
          else if (expectRefusal && answer.status < 400) found.push(`accepted (${answer.status}) though broken: ${describeRequest(request)}`);
          else if (request.wrongMethod && ![401, 403, 405].includes(answer.status)) found.push(`${answer.status}, not 405, for a method the path does not have: ${describeRequest(request)}`);
        });
      }
      return { found, statuses: Object.fromEntries(statuses) };
    };

    /**
     * Generating blocks this process (the API's too) for a while: then let both ends close the keep-alive
     * connections that timed out meanwhile, so the first request does not go out on a dead one.
     */
    const sample = async <T>(arbitrary: fc.Arbitrary<T>, runs: number, seed: number) => {
      const started = Date.now();
      const values = fc.sample(arbitrary, { seed, numRuns: runs });
      if (process.env.FUZZ_TRACE) console.log(`generated ${runs} in ${Date.now() - started} ms`);
      await new Promise((r) => setTimeout(r, 200));
      return values;
    };
    const failureMessage = (phase: string) => `${phase}: replay with FUZZ_SEED=${SEED}`;

    // 1. Anything at all, with every caller: no 5xx, no hang, errors as problem+json.
    const anyRequest = fc.oneof(...operations.map(mixed));
    const first = await problemsOf(await sample(anyRequest, MIXED_RUNS, SEED), false);
    expect(first.found.slice(0, 20), failureMessage('mixed')).toEqual([]);
    // Deep enough to matter: most answers are refusals, but some requests get through.
    expect(Object.keys(first.statuses).some((status) => Number(status) < 300), JSON.stringify(first.statuses)).toBe(true);

    // 2. Once the workflows started above are quiet: requests broken in one way each change nothing.
    const breakable = operations.map(rejected).filter((a): a is fc.Arbitrary<FuzzRequest> => !!a);
    const wrongMethod = fc.constantFrom(...operations).chain((op) =>
      fc.constantFrom(...['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => !operations.some((o) => o.path === op.path && o.method === m))).map(
        (method): FuzzRequest => ({ route: `${method} ${op.path}`, method, url: op.path.replace(/\{(\w+)\}/g, (_, name: string) => String(known[name]?.[0] ?? 'NEW')), caller: 'owner', headers: callers.owner, wrongMethod: true }),
      ),
    );
    const brokenRequests = await sample(fc.oneof({ weight: 12, arbitrary: fc.oneof(...breakable) }, { weight: 1, arbitrary: wrongMethod }), REJECTED_RUNS, SEED + 1);
    const before = await quietDigest(s.db);
    const second = await problemsOf(brokenRequests, true);
    expect(second.found.slice(0, 20), failureMessage('rejected')).toEqual([]);
    expect(await quietDigest(s.db), failureMessage('rejected: stored data changed')).toEqual(before);
  });
});

/** A digest of each table, once two readings a moment apart agree (no workflow is still writing). */
async function quietDigest(db: Kysely<DB>): Promise<Record<string, string>> {
  const read = async () => {
    const digests: Record<string, string> = {};
    for (const table of TABLES) {
      const { rows } = await sql<{ digest: string }>`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from ${sql.table(table)} t`.execute(db);
      digests[table] = rows[0]!.digest;
    }
    return digests;
  };
  let last = await read();
  for (let attempt = 0; attempt < 60; attempt += 1) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await read();
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  throw new Error('the stored data never settled');
}
