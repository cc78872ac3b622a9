// Managers see the notices that could not be delivered, end to end: applications submitted through the API, their
// notices delivered by the worker to an SMTP server that refuses the mailbox (550) and with WhatsApp not configured,
// then GET /manager/notice-failures in each manager's scope, without any address.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../activities/mail.js';
import { noticeDeliveryWorkflowId } from '../../workflows/definitions.js';
import { startRefusingSmtp } from '../support/maildev.js';
import { startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
let refusing: Awaited<ReturnType<typeof startRefusingSmtp>>;
beforeAll(async () => {
  refusing = await startRefusingSmtp();
  s = await startService({ notices: { email: smtpMailer({ url: refusing.smtpUrl, from: 'Layanan Paspor <no-reply@passport.test>', timeoutMs: 3_000 }), retryForMs: 3_600_000 } });
}, 120_000);
afterAll(async () => {
  await s?.stop();
  await refusing?.stop();
});

const bearer = async (token: Promise<string>) => ({ authorization: `Bearer ${await token}` });

/** Submitted through the API, a notice recorded for it and delivered by the worker: every channel fails. */
async function undeliverable(officeCode: string) {
  const { auth } = await s.applicant();
  const email = `applicant-${randomUUID()}@example.test`;
  const submitted = await s.call('POST', '/applications', { ...sampleSubmission(), officeCode, email }, auth);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const { applicationId, trackingCode } = submitted.body;
  const { id } = await s.db
    .insertInto('notifications')
    .values({ application_id: applicationId, effect_key: `test-${randomUUID()}`, kind: 'SUBMITTED', details: JSON.stringify({}), created_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const noticeId = String(id);
  await s.startDelivery('application', noticeId);
  const outcome = await s.env.client.workflow.getHandle(noticeDeliveryWorkflowId('application', noticeId)).result();
  // WhatsApp (a default channel) is not set up on this worker: the notice goes by email alone, which fails.
  expect(outcome).toEqual({ EMAIL: 'FAILED' });
  return { noticeId, trackingCode, email };
}

describe('GET /manager/notice-failures', () => {
  it("lists each failed channel of a notice in the manager's scope: kind, attempts, why, permanent; never the address", async () => {
    const palu = await undeliverable('PLU');
    const sorong = await undeliverable('WSB');

    const plu = await s.call('GET', '/manager/notice-failures', undefined, await bearer(s.managerToken('PLU')));
    expect(plu.status).toBe(200);
    expect(plu.body.scope).toBe('PLU');
    const mine = plu.body.items.filter((i: { noticeId: string }) => i.noticeId === palu.noticeId);
    expect(mine).toEqual([
      expect.objectContaining({ source: 'application', kind: 'SUBMITTED', channel: 'EMAIL', attempts: 1, permanent: true, trackingCode: palu.trackingCode, officeCode: 'PLU', lastError: expect.stringContaining('550') }),
    ]);
    expect(plu.body.items.map((i: { officeCode: string }) => i.officeCode)).not.toContain('WSB');
    expect(JSON.stringify(plu.body)).not.toContain(palu.email);
    expect(JSON.stringify(plu.body)).not.toContain(sampleSubmission().phone);

    const all = await s.call('GET', '/manager/notice-failures', undefined, await bearer(s.managerToken('*')));
    expect(all.body.scope).toBe('*');
    expect(all.body.items.map((i: { noticeId: string }) => i.noticeId)).toEqual(expect.arrayContaining([palu.noticeId, sorong.noticeId]));
    const wsb = await s.call('GET', '/manager/notice-failures?office=WSB', undefined, await bearer(s.managerToken('*')));
    expect(new Set(wsb.body.items.map((i: { officeCode: string }) => i.officeCode))).toEqual(new Set(['WSB']));
  });

  it('refuses another office (403), an officer (403), no token (401) and a malformed office (400)', async () => {
    const other = await s.call('GET', '/manager/notice-failures?office=WSB', undefined, await bearer(s.managerToken('PLU')));
    expect(other.status).toBe(403);
    expect(other.contentType).toContain('application/problem+json');
    expect((await s.call('GET', '/manager/notice-failures', undefined, await bearer(s.officerToken('PLU')))).status).toBe(403);
    expect((await s.call('GET', '/manager/notice-failures')).status).toBe(401);
    const bad = await s.call('GET', '/manager/notice-failures?office=palu', undefined, await bearer(s.managerToken('*')));
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'query.office' })]);
  });
});
