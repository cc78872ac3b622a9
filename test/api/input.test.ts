// Input and privacy: free text is held to one rule (no control characters, lone surrogates or bidi
// overrides), what the OpenAPI document says is what the server accepts, a reused Idempotency-Key with
// another request is refused, and a refused duplicate NIK leaves nothing personal in PostgreSQL's log.
import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';
import { paymentCallback } from '../support/bank.js';

let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

/** Other test files share the database: count one account's applications only. */
const countApplications = async (accountId: string) =>
  Number((await s.db.selectFrom('applications').select((eb) => eb.fn.countAll().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow()).n);

describe('free text', () => {
  it('refuses NUL and other control characters, lone surrogates and bidi overrides in names and addresses, naming the field and the reason', async () => {
    const { auth, accountId } = await s.applicant();
    const before = await countApplications(accountId);
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['NUL in a name', { fullName: 'Siti\u0000 Rahmawati' }, 'fullName', /control characters \(U\+0000/],
      ['NUL in an address', { address: 'Jl. Sam Ratulangi No. 10\u0000, Palu' }, 'address', /control characters \(U\+0000/],
      ['a newline in a name', { fullName: 'Siti\nRahmawati' }, 'fullName', /control characters \(U\+000A/],
      ['an escape in an address', { address: 'Jl. Sam Ratulangi \u001b[2J No. 10, Palu' }, 'address', /control characters \(U\+001B/],
      ['a lone surrogate in a name', { fullName: 'Siti \uD800 Rahmawati' }, 'fullName', /lone surrogate/],
      ['a right-to-left override in a name', { fullName: 'Siti \u202Eitawahmar' }, 'fullName', /bidirectional .*U\+202E/],
      ['a left-to-right isolate in a name', { fullName: 'Siti \u2066Rahmawati' }, 'fullName', /bidirectional .*U\+2066/],
      ['an invisible right-to-left mark in a name', { fullName: 'Siti\u200F Rahmawati' }, 'fullName', /bidirectional .*U\+200F/],
      ['a right-to-left override in the incident place', { applicationType: 'DAMAGED', incidentReport: { date: '2026-01-02', place: 'Palu \u202E', description: 'Terendam banjir di rumah.' } }, 'incidentReport.place', /bidirectional/],
    ];
    for (const [what, change, field, reason] of cases) {
      const response = await s.call('POST', '/applications', { ...sampleSubmission(), ...change }, auth);
      expect(response.status, what).toBe(400);
      expect(response.contentType, what).toContain('application/problem+json');
      expect(response.body.errors, what).toEqual([{ field, reason: expect.stringMatching(reason) }]);
    }
    expect(await countApplications(accountId)).toBe(before);

    // Where a text spans lines (what happened, in the incident report), newlines are fine; an emoji (a surrogate pair) is text.
    const damaged = { ...sampleSubmission(), fullName: 'Siti Rahmawati 🇮🇩', applicationType: 'DAMAGED', incidentReport: { date: '2026-01-02', place: 'Palu', description: 'Terendam banjir.\nSampul rusak.' } };
    expect((await s.call('POST', '/applications', damaged, auth)).status).toBe(201);
  });

  it('refuses the same in the bank and Pos callbacks, before anything is looked up', async () => {
    const cases: Array<['bank' | 'pos', string, Record<string, unknown>, string]> = [
      ['pos', '/callbacks/pos/deliveries', { eventId: 'EV\u00001', trackingNumber: 'POS123', status: 'DELIVERED', at: new Date().toISOString() }, 'eventId'],
      ['pos', '/callbacks/pos/deliveries', { eventId: 'EV-1', trackingNumber: 'POS\u202E123', status: 'DELIVERED', at: new Date().toISOString() }, 'trackingNumber'],
      ['bank', '/callbacks/bank/payments', paymentCallback({ billingCode: '123456789012345', amount: 1 }, { transactionId: 'TX\u0000' }), 'transactionId'],
    ];
    for (const [sender, path, body, field] of cases) {
      const response = await s.signedCall(sender, path, body).send();
      expect(response, `${path} ${field}`).toMatchObject({ status: 400, body: { errors: [{ field, reason: expect.stringMatching(/control|bidirectional/) }] } });
    }
  });
});

describe('what the OpenAPI document says is what the server accepts', () => {
  it('writes the email rule into the document, and the server accepts exactly what it matches', async () => {
    const document = (await s.call('GET', '/openapi.json')).body;
    const email = document.components.schemas.Credentials.properties.email;
    expect(email).toMatchObject({ format: 'email', pattern: expect.any(String) });
    const pattern = new RegExp(email.pattern, 'u');
    // All valid under a loose `format: email`; the server's rule is the document's pattern.
    const addresses = ['siti@example.id', 'siti.rahma+paspor@mail.example.co.id', '"siti rahma"@example.id', 'siti@[127.0.0.1]', 'siti@localhost', 'sití@example.id', '.siti@example.id'];
    for (const address of addresses) {
      const response = await s.call('POST', '/auth/login', { email: address, password: 'kata sandi yang panjang' });
      expect(response.status === 400 ? 'refused' : 'accepted', address).toBe(pattern.test(address) ? 'accepted' : 'refused');
    }
  });

  it('says which bodies take no other fields, and refuses an unknown field by name', async () => {
    const document = (await s.call('GET', '/openapi.json')).body;
    for (const name of ['Credentials', 'Submission', 'IncidentReport', 'BookingRequest', 'DeliveryChoice', 'Cancellation', 'InterviewOutcome', 'Bap', 'Printing', 'NoticeSettingsRequest']) {
      expect(document.components.schemas[name].additionalProperties, name).toBe(false);
    }
    // The bank and Pos may add fields to their messages: those bodies allow them, and the server ignores them.
    for (const name of ['PaymentCallback', 'PosCallback']) expect(document.components.schemas[name].additionalProperties, name).toBeUndefined();

    const { auth } = await s.applicant();
    const misspelt = await s.call('POST', '/applications', { ...sampleSubmission(), applicationType: 'RENEWAL', oldPasportNumber: 'X1234567' }, auth);
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'oldPasportNumber', reason: 'is not a field of this request' },
        { field: 'oldPassportNumber', reason: expect.stringMatching(/required to renew/) },
      ]),
    );
    // The notice settings too: a misspelt channel list is named, never taken for the default.
    const channel = await s.call('POST', '/applications', { ...sampleSubmission(), noticeChannel: ['SMS'] }, auth);
    expect(channel).toMatchObject({ status: 400, body: { errors: [{ field: 'noticeChannel', reason: 'is not a field of this request' }] } });
    const late = await s.signedCall('pos', '/callbacks/pos/deliveries', { eventId: 'EV-unknown-field', trackingNumber: 'NOPE', status: 'DELIVERED', at: new Date().toISOString(), courier: 'Budi' }).send();
    expect(late).toMatchObject({ status: 404, body: { detail: 'no delivery has this tracking number' } });
  });

  it('answers 405 with Allow for a method a path does not have, and 404 for a path that does not exist', async () => {
    const officer = { authorization: `Bearer ${await s.officerToken('PLU')}` };
    const cases: Array<[string, string, Record<string, string>, string]> = [
      ['DELETE', '/offices', {}, 'GET, HEAD'],
      ['PUT', '/auth/login', {}, 'POST'],
      ['PATCH', '/applications', (await s.applicant()).auth, 'GET, HEAD, POST'],
      ['POST', '/officer/queue', officer, 'GET, HEAD'],
    ];
    for (const [method, path, headers, allow] of cases) {
      const response = await s.call(method, path, undefined, headers);
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect(response.body).toMatchObject({ type: '/problems/method-not-allowed' });
      expect(response.contentType).toContain('application/problem+json');
    }
    expect(await s.call('GET', '/nowhere')).toMatchObject({ status: 404, contentType: expect.stringContaining('application/problem+json') });
  });
});

describe('Idempotency-Key', () => {
  it('refuses the same key with another request (422), and still answers a true retry with the first answer', async () => {
    const { auth } = await s.applicant();
    const first = (await s.call('POST', '/applications', sampleSubmission(), auth)).body;
    const second = (await s.call('POST', '/applications', sampleSubmission(), auth)).body;
    const keyed = { ...auth, 'idempotency-key': 'cancel-0123456789' };
    const cancel = (id: string, reason: string) => s.call('POST', `/applications/${id}/cancel`, { reason }, keyed);

    const done = await cancel(first.applicationId, 'rencana berubah');
    expect(done).toMatchObject({ status: 200, body: { stage: 'CANCELLED' } });
    expect(await cancel(first.applicationId, 'rencana berubah')).toEqual(expect.objectContaining({ status: 200, body: done.body }));

    const otherReason = await cancel(first.applicationId, 'salah kantor');
    expect(otherReason).toMatchObject({ status: 422, body: { type: '/problems/idempotency-key-reused', detail: expect.stringMatching(/different request/) } });
    expect(otherReason.contentType).toContain('application/problem+json');
    // The same key on another application is another request too: refused, and that application is untouched.
    expect(await cancel(second.applicationId, 'rencana berubah')).toMatchObject({ status: 422 });
    await new Promise((r) => setTimeout(r, 500));
    expect((await s.call('GET', `/track/${second.trackingCode}`)).body.stage).toBe('AWAITING_PAYMENT');
    const reasons = await s.db.selectFrom('audit_log').select('reason').where('application_id', '=', first.applicationId).where('stage', '=', 'CANCELLED').execute();
    expect(reasons).toHaveLength(1);
  });
});

describe('a second application for the same NIK', () => {
  const postgresLog = inject('postgresLogPath');
  it.skipIf(!postgresLog)("is refused (409) without writing the NIK into PostgreSQL's own log", async () => {
    const { auth } = await s.applicant();
    const submission = sampleSubmission();
    expect((await s.call('POST', '/applications', submission, auth)).status).toBe(201);
    const again = await s.call('POST', '/applications', submission, auth);
    expect(again).toMatchObject({ status: 409, body: { type: '/problems/active-application' } });

    // A statement that fails on purpose marks the log: once it is there, everything before it is too.
    const marker = `log-marker-${Date.now()}`;
    await expect(sql.raw(`select 1 / 0 as "${marker}"`).execute(s.db)).rejects.toThrow(/division by zero/);
    const log = await eventually(() => readFile(postgresLog, 'utf8'), (text) => text.includes(marker));
    expect(log).not.toContain(submission.nik);
    expect(log).not.toMatch(/applications_one_active_per_nik/);
  });
});
