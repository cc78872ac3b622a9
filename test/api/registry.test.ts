// The civil-registry (Dukcapil) check at submission, end to end with the fake registry over HTTP: a match submits,
// a mismatch or an unknown NIK is a 422 naming the fields and stores nothing, and a registry that is down or hangs
// never loses the submission: it is stored and started with the check pending.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../workflows/definitions.js';
import { eventually, startService } from '../support/service.js';
import { nikFor, sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
let hanging: Server;
beforeAll(async () => {
  s = await startService();
  // A registry that takes the request and never answers.
  hanging = createServer(() => undefined);
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  hanging?.closeAllConnections();
  await new Promise((resolve) => hanging?.close(resolve));
  await s?.stop();
});

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();
const stored = (nik: string) => s.db.selectFrom('applications').select(['id', 'registry_check', 'registry_checked_at', 'workflow_started_at']).where('nik', '=', nik).execute();

describe('the civil-registry check at submission', () => {
  it('submits a resident the registry confirms, with the name in any case and spacing', async () => {
    const { auth } = await s.applicant();
    const submission = sampleSubmission();
    s.dukcapil.register({ nik: submission.nik, fullName: 'SITI RAHMAWATI', birthDate: submission.birthDate });
    const submitted = await s.call('POST', '/applications', { ...submission, fullName: '  siti   Rahmawati ' }, auth);
    expect(submitted).toMatchObject({ status: 201, body: { registryCheck: 'MATCH' } });
    const [row] = await stored(submission.nik);
    expect(row).toMatchObject({ id: submitted.body.applicationId, registry_check: 'MATCH', registry_checked_at: expect.any(Date) });
    const read = await s.call('GET', `/applications/${submitted.body.applicationId}`, undefined, auth);
    expect(read.body.registryCheck).toBe('MATCH');
  });

  it('refuses another name, another birth date and an unknown NIK with a 422 naming the fields, stores nothing, and takes the corrected submission', async () => {
    const { auth } = await s.applicant();
    const submission = sampleSubmission();
    s.dukcapil.register({ nik: submission.nik, fullName: 'Siti Nurhaliza', birthDate: submission.birthDate });
    const otherName = await s.call('POST', '/applications', submission, auth);
    expect(otherName).toMatchObject({ status: 422, contentType: 'application/problem+json', body: { type: '/problems/registry-mismatch' } });
    expect(fieldsOf(otherName.body)).toEqual(['fullName']);
    expect(JSON.stringify(otherName.body)).not.toMatch(/nurhaliza/i); // never the registry's own data

    // The registry has her born on another day than the one she gave (and the NIK carries): the birth date is named.
    const born = sampleSubmission();
    s.dukcapil.register({ nik: born.nik, fullName: born.fullName, birthDate: '1990-05-13' });
    const otherDate = await s.call('POST', '/applications', born, auth);
    expect(otherDate).toMatchObject({ status: 422, body: { errors: [{ field: 'birthDate', reason: 'does not match the population registry (Dukcapil) record for this NIK' }] } });
    expect(JSON.stringify(otherDate.body)).not.toContain('1990-05-13');

    const absent = sampleSubmission();
    s.dukcapil.markAbsent(absent.nik);
    const notFound = await s.call('POST', '/applications', absent, auth);
    expect(notFound).toMatchObject({ status: 422, body: { errors: [{ field: 'nik', reason: 'is not found in the population registry (Dukcapil)' }] } });

    expect(await stored(submission.nik)).toEqual([]);
    expect(await stored(born.nik)).toEqual([]);
    expect(await stored(absent.nik)).toEqual([]);
    // Nothing was stored, so the same NIK applies again once the name is the registry's.
    const corrected = await s.call('POST', '/applications', { ...submission, fullName: 'Siti Nurhaliza' }, auth);
    expect(corrected).toMatchObject({ status: 201, body: { registryCheck: 'MATCH' } });
  });

  it('keeps and starts the submission with the check pending when the registry is down, and the worker confirms it later', async () => {
    const { auth } = await s.applicant();
    const submission = sampleSubmission();
    // This API instance's registry is a closed port; the worker's is the fake, which confirms her.
    const down = await s.listenWith({ DUKCAPIL_API_URL: `http://127.0.0.1:${await closedPort()}` });
    const submitted = await down.call('POST', '/applications', submission, auth);
    expect(submitted).toMatchObject({ status: 201, body: { registryCheck: 'PENDING' } });
    const [row] = await stored(submission.nik);
    expect(row).toMatchObject({ id: submitted.body.applicationId, registry_check: 'PENDING', workflow_started_at: expect.any(Date) });
    const described = await s.env.client.workflow.getHandle(workflowIdFor(submitted.body.applicationId)).describe();
    expect(described.status.name).toBe('RUNNING');
    await eventually(async () => (await stored(submission.nik))[0]?.registry_check, (check) => check === 'MATCH', 30_000);
    // The recheck read the identity from PostgreSQL: none of it is in the workflow's history.
    expect(await s.personalDataInHistories()).toEqual([]);
  });

  it('answers within the timeout when the registry hangs, with the check pending, which the officer sees', async () => {
    const { auth } = await s.applicant();
    s.dukcapil.setAvailable(false); // the worker's recheck cannot confirm it meanwhile either
    const submission = { ...sampleSubmission(), nik: nikFor('1985-01-20', 'M'), sex: 'M' as const, birthDate: '1985-01-20', fullName: 'Budi Santoso' };
    const slow = await s.listenWith({ DUKCAPIL_API_URL: `http://127.0.0.1:${(hanging.address() as { port: number }).port}`, DUKCAPIL_TIMEOUT_SECONDS: '1' });
    const started = Date.now();
    const submitted = await slow.call('POST', '/applications', submission, auth);
    expect(Date.now() - started).toBeLessThan(1_000 + 5_000); // the registry's second, and the submission's own work
    expect(submitted).toMatchObject({ status: 201, body: { registryCheck: 'PENDING' } });
    const officer = { authorization: `Bearer ${await s.officerToken('PLU')}` };
    const seen = await s.call('GET', `/officer/applications/${submitted.body.applicationId}`, undefined, officer);
    expect(seen).toMatchObject({ status: 200, body: { registryCheck: 'PENDING' } });
    s.dukcapil.setAvailable(true);
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
