// The OpenAPI document is valid OpenAPI 3.1 and has a docs page; every route in it is walked with every
// kind of caller, against a table of who may use it, so a new route without a rule fails here.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, refundPolicyFrom } from '../../config.js';
import { REFUND_WORKFLOW, declineRefund, refundIdFor } from '../../workflows/definitions.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1 and names every route a person needs', async () => {
    const { status, contentType, body } = await s.call('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(contentType).toContain('application/json');
    const validator = new Validator();
    const result = await validator.validate(body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(body.openapi).toBe('3.1.0');
    // Generated from the zod schemas: the submission's rules are there, with their components.
    expect(body.components.schemas.Submission.required).toEqual(expect.arrayContaining(['nik', 'birthDate', 'sex', 'applicationType']));
    expect(body.components.schemas.Problem.properties).toHaveProperty('errors');
    // What is built, not what was once missing: the daily run compares each settlement report with the payments.
    const settlements = body.paths['/callbacks/bank/settlements'].post.description as string;
    expect(settlements).not.toMatch(/not built/);
    expect(settlements).toContain('The daily reconciliation hands each line to its bank transaction');
    expect(body.components.schemas.Reconciliation.properties.days.items.properties).toHaveProperty('declined');
  });

  it('has a docs page whose every script and style is served by the service itself (no internet needed)', async () => {
    const page = await s.call('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.contentType).toContain('text/html');
    const assets = [...(page.body as string).matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset.startsWith('/'), `${asset} must be served locally`).toBe(true);
      const response = await fetch(`${s.url}${asset}`);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('content-type'), asset).toMatch(/javascript|css/);
    }
    const init = await (await fetch(`${s.url}/docs/init.js`)).text();
    expect(init).toContain('"/openapi.json"');
  });
});

type Caller = 'none' | 'applicant' | 'otherApplicant' | 'officer' | 'otherOfficer' | 'manager' | 'directorate' | 'finance' | 'otherFinance' | 'directorateFinance';
const CALLERS: Caller[] = ['none', 'applicant', 'otherApplicant', 'officer', 'otherOfficer', 'manager', 'directorate', 'finance', 'otherFinance', 'directorateFinance'];
type Expected = 'allow' | 401 | 403 | 404;
type Rule = Record<Caller, Expected>;

const noFinance = { finance: 403, otherFinance: 403, directorateFinance: 403 } as const;
const everyone: Rule = { none: 'allow', applicant: 'allow', otherApplicant: 'allow', officer: 'allow', otherOfficer: 'allow', manager: 'allow', directorate: 'allow', finance: 'allow', otherFinance: 'allow', directorateFinance: 'allow' };
const anyApplicant: Rule = { none: 401, applicant: 'allow', otherApplicant: 'allow', officer: 403, otherOfficer: 403, manager: 403, directorate: 403, ...noFinance };
/** Another account's application answers as an unknown id does (404): ids cannot be probed. */
const owner: Rule = { none: 401, applicant: 'allow', otherApplicant: 404, officer: 403, otherOfficer: 403, manager: 403, directorate: 403, ...noFinance };
const anyOfficer: Rule = { none: 401, applicant: 403, otherApplicant: 403, officer: 'allow', otherOfficer: 'allow', manager: 403, directorate: 403, ...noFinance };
const officeOfficer: Rule = { none: 401, applicant: 403, otherApplicant: 403, officer: 'allow', otherOfficer: 403, manager: 403, directorate: 403, ...noFinance };
const manager: Rule = { none: 401, applicant: 403, otherApplicant: 403, officer: 403, otherOfficer: 403, manager: 'allow', directorate: 'allow', ...noFinance };
/** A bank's settlement is every office's: for the directorate (a manager of office *) only. */
const directorate: Rule = { ...manager, manager: 403 };
/** Every finance officer lists the refunds of their scope: an office's, or (the directorate's) those of no office. */
const anyFinance: Rule = { none: 401, applicant: 403, otherApplicant: 403, officer: 403, otherOfficer: 403, manager: 403, directorate: 403, finance: 'allow', otherFinance: 'allow', directorateFinance: 'allow' };
/** A refund of another office is refused (403), to the directorate's finance officer too, and so is every caller but a finance officer of its own. */
const officeFinance: Rule = { ...anyFinance, otherFinance: 403, directorateFinance: 403 };
/** Callbacks authenticate by signature: a bearer token of any kind is not one. */
const signedOnly: Rule = { none: 401, applicant: 401, otherApplicant: 401, officer: 401, otherOfficer: 401, manager: 401, directorate: 401, finance: 401, otherFinance: 401, directorateFinance: 401 };

const ACCESS: Record<string, Rule> = {
  'GET /track/{trackingCode}': everyone,
  'GET /offices': everyone,
  'GET /offices/{officeCode}/availability': everyone,
  'GET /requirements/{applicationType}': everyone,
  'GET /fees': everyone,
  'POST /auth/register': everyone,
  'POST /auth/login': everyone,
  'POST /auth/staff/login': everyone,
  'POST /applications': anyApplicant,
  'GET /applications': anyApplicant,
  'GET /applications/{applicationId}': owner,
  'POST /applications/{applicationId}/booking': owner,
  'PUT /applications/{applicationId}/booking': owner,
  'PUT /applications/{applicationId}/delivery': owner,
  'POST /applications/{applicationId}/cancel': owner,
  'POST /applications/{applicationId}/payment-inquiry': owner,
  'GET /applications/{applicationId}/notice-settings': owner,
  'GET /applications/{applicationId}/notices': owner,
  'PUT /applications/{applicationId}/notice-settings': owner,
  'POST /applications/{applicationId}/waitlist': owner,
  'GET /applications/{applicationId}/waitlist': owner,
  'DELETE /applications/{applicationId}/waitlist': owner,
  'POST /applications/{applicationId}/waitlist/accept': owner,
  'GET /officer/queue': anyOfficer,
  // Walked without its query (400 for any officer); another office's code is a 404 (desk.test.ts).
  'GET /officer/applications': anyOfficer,
  'GET /officer/applications/{applicationId}': officeOfficer,
  'POST /officer/applications/{applicationId}/interview': officeOfficer,
  'POST /officer/applications/{applicationId}/bap': officeOfficer,
  'POST /officer/applications/{applicationId}/printing': officeOfficer,
  'POST /officer/applications/{applicationId}/handover': officeOfficer,
  'POST /officer/applications/{applicationId}/priority-review': officeOfficer,
  'GET /manager/summary': manager,
  'GET /manager/past-sla': manager,
  'GET /manager/stuck': manager,
  'GET /manager/unapplied-callbacks': manager,
  'GET /manager/calendar': manager,
  'GET /manager/notice-failures': manager,
  'GET /manager/metrics/weekly': manager,
  'PUT /manager/offices/{officeCode}/days/{date}': manager,
  'GET /manager/offices/{officeCode}/days': manager,
  'GET /manager/applications/{trackingCode}': manager,
  'GET /manager/at-risk': manager,
  'GET /finance/refunds': anyFinance,
  'GET /finance/refunds/{refundId}': officeFinance,
  'POST /finance/refunds/{refundId}/approve': officeFinance,
  'POST /finance/refunds/{refundId}/decline': officeFinance,
  'GET /manager/reconciliation': directorate,
  'POST /callbacks/bank/payments': signedOnly,
  'POST /callbacks/bank/refunds': signedOnly,
  'POST /callbacks/pos/deliveries': signedOnly,
  'POST /callbacks/bank/settlements': signedOnly,
};

/** A refund of a payment to the application, declined by PLU's finance officer. */
async function declinedRefund(applicationId: string): Promise<string> {
  const application = await s.db.selectFrom('applications').select(['billing_code', 'amount']).where('id', '=', applicationId).executeTakeFirstOrThrow();
  const transactionId = `TX-${applicationId}`;
  const refundId = refundIdFor('BNI', transactionId);
  const input = { bank: 'BNI', transactionId, ntpn: `N${Date.now()}`, billingCode: application.billing_code, amount: application.amount, paidAt: new Date().toISOString(), reason: 'a second payment of a paid billing code', applicationId, officeCode: 'PLU', policy: refundPolicyFrom(loadConfig({})) };
  const handle = await s.env.client.workflow.start(REFUND_WORKFLOW, { workflowId: refundId, taskQueue: s.taskQueue, args: [input] });
  await handle.executeUpdate(declineRefund, { args: [{ officerId: 'finance-plu-1', officeCode: 'PLU', reason: 'paid to the wrong account' }] });
  return refundId;
}

describe('who may call each route', () => {
  it('allows and denies each route in the document for each kind of caller, changing nothing', async () => {
    const owner = await s.applicant();
    const other = await s.applicant();
    const submitted = await s.call('POST', '/applications', sampleSubmission(), owner.auth);
    expect(submitted.status).toBe(201);
    const { applicationId, trackingCode } = submitted.body;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const headers: Record<Caller, Record<string, string>> = {
      none: {},
      applicant: owner.auth,
      otherApplicant: other.auth,
      officer: bearer(await s.officerToken('PLU')),
      otherOfficer: bearer(await s.officerToken('WSB')),
      manager: bearer(await s.managerToken('PLU')),
      directorate: bearer(await s.managerToken('*')),
      finance: bearer(await s.financeToken('PLU')),
      otherFinance: bearer(await s.financeToken('WSB')),
      directorateFinance: bearer(await s.financeToken('*')),
    };
    // A declined refund of PLU: a decision on it is refused (409), so nobody's call changes it.
    const refundId = await declinedRefund(applicationId);
    const values: Record<string, string> = { applicationId, trackingCode, officeCode: 'PLU', applicationType: 'NEW', refundId, date: '2030-01-02' };

    const document = (await s.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, hasBody: !!operation.requestBody })),
    );
    expect(routes.map((r) => r.key).filter((key) => !ACCESS[key])).toEqual([]); // a route without a rule
    expect(Object.keys(ACCESS).filter((key) => !routes.some((r) => r.key === key))).toEqual([]); // a rule without a route

    const outcomes: string[] = [];
    for (const route of routes) {
      const url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name]!);
      for (const caller of CALLERS) {
        // A body no route accepts: an allowed caller gets 400 and nothing happens.
        const response = await s.call(route.method, url, route.hasBody ? [] : undefined, headers[caller]);
        const expected = ACCESS[route.key]![caller];
        const allowed = ![401, 403, 404].includes(response.status) && response.status < 500;
        const ok = expected === 'allow' ? allowed : response.status === expected;
        if (!ok) outcomes.push(`${route.key} as ${caller}: expected ${expected}, got ${response.status} ${JSON.stringify(response.body)}`);
        if (response.status >= 400) expect(response.contentType, `${route.key} as ${caller}`).toContain('application/problem+json');
      }
    }
    expect(outcomes).toEqual([]);
    // Nothing anyone sent moved the application, nor the refund.
    await eventually(() => s.call('GET', `/track/${trackingCode}`), (r) => r.body.stage === 'AWAITING_PAYMENT');
    expect((await s.db.selectFrom('refund_events').select('stage').where('refund_id', '=', refundId).execute()).map((e) => e.stage)).toEqual(['AWAITING_APPROVAL', 'DECLINED']);
  });
});
