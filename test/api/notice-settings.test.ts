// The applicant's notice settings through the HTTP API: chosen at submission (or the defaults), read and changed
// by the owning applicant only, bad values refused by field with nothing changed, the same change twice is one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

type Auth = Record<string, string>;
const settingsOf = (id: string, auth: Auth) => s.call('GET', `/applications/${id}/notice-settings`, undefined, auth);
const change = (id: string, body: unknown, auth: Auth) => s.call('PUT', `/applications/${id}/notice-settings`, body, auth);
const stored = (id: string) => s.db.selectFrom('applications').select(['language', 'notice_channels', 'notice_settings_at']).where('id', '=', id).executeTakeFirstOrThrow();

async function submitted(extra: Record<string, unknown> = {}) {
  const { auth, accountId } = await s.applicant();
  const response = await s.call('POST', '/applications', { ...sampleSubmission(), ...extra }, auth);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { auth, accountId, id: response.body.applicationId as string };
}

describe('notice settings at submission', () => {
  it('defaults to Bahasa Indonesia by email and WhatsApp', async () => {
    const { id, auth } = await submitted();
    expect(await settingsOf(id, auth)).toMatchObject({ status: 200, body: { language: 'id', noticeChannels: ['EMAIL', 'WHATSAPP'], changedAt: null } });
  });

  it('takes English and the channels the applicant chose, each once, in one order', async () => {
    const { id, auth } = await submitted({ language: 'en', noticeChannels: ['SMS', 'EMAIL'] });
    expect((await settingsOf(id, auth)).body).toEqual({ language: 'en', noticeChannels: ['EMAIL', 'SMS'], changedAt: null });
    expect(await stored(id)).toEqual({ language: 'en', notice_channels: ['EMAIL', 'SMS'], notice_settings_at: null });
  });

  it('refuses a language or channels it cannot send, naming the field, and stores nothing', async () => {
    const { auth, accountId } = await s.applicant();
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ language: 'fr' }, 'language', /one of id, en/],
      [{ noticeChannels: [] }, 'noticeChannels', /at least one channel/],
      [{ noticeChannels: ['EMAIL', 'EMAIL'] }, 'noticeChannels', /at most once/],
      [{ noticeChannels: ['PIGEON'] }, 'noticeChannels.0', /one of EMAIL, WHATSAPP, SMS/],
      [{ noticeChannels: 'EMAIL' }, 'noticeChannels', /list of channels/],
    ];
    for (const [extra, field, reason] of cases) {
      const response = await s.call('POST', '/applications', { ...sampleSubmission(), ...extra }, auth);
      expect(response, JSON.stringify(extra)).toMatchObject({ status: 400, body: { errors: [{ field, reason: expect.stringMatching(reason) }] } });
    }
    const none = await s.db.selectFrom('applications').select('id').where('account_id', '=', accountId).execute();
    expect(none).toEqual([]);
  });
});

describe('changing the notice settings', () => {
  it('changes both, records when, and the same change again changes nothing', async () => {
    const { id, auth } = await submitted();
    const first = await change(id, { language: 'en', noticeChannels: ['WHATSAPP', 'SMS'] }, auth);
    expect(first).toMatchObject({ status: 200, body: { language: 'en', noticeChannels: ['WHATSAPP', 'SMS'], changedAt: expect.any(String) } });
    const row = await stored(id);
    expect(row).toMatchObject({ language: 'en', notice_channels: ['WHATSAPP', 'SMS'] });
    expect(row.notice_settings_at?.toISOString()).toBe(first.body.changedAt);

    // Idempotent: a retry of the same request (the channels in another order are the same set) keeps the first answer.
    const again = await change(id, { language: 'en', noticeChannels: ['SMS', 'WHATSAPP'] }, auth);
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(await settingsOf(id, auth)).toMatchObject({ status: 200, body: first.body });

    await new Promise((resolve) => setTimeout(resolve, 5)); // the answer's time is to the millisecond
    const back = await change(id, { language: 'id', noticeChannels: ['EMAIL'] }, auth);
    expect(back.body).toMatchObject({ language: 'id', noticeChannels: ['EMAIL'] });
    expect(Date.parse(back.body.changedAt)).toBeGreaterThan(Date.parse(first.body.changedAt));
  });

  it('refuses a bad value, an empty list, duplicates, NUL bytes, a missing or unknown field, naming it; nothing changes', async () => {
    const { id, auth } = await submitted({ language: 'en', noticeChannels: ['SMS'] });
    const before = await stored(id);
    const cases: Array<[unknown, string, RegExp]> = [
      [{ language: 'jv', noticeChannels: ['EMAIL'] }, 'language', /one of id, en/],
      [{ language: 'id', noticeChannels: [] }, 'noticeChannels', /at least one channel/],
      [{ language: 'id', noticeChannels: ['SMS', 'EMAIL', 'SMS'] }, 'noticeChannels', /at most once/],
      [{ language: 'id', noticeChannels: ['EMAIL\u0000'] }, 'noticeChannels.0', /one of EMAIL, WHATSAPP, SMS/],
      [{ language: 'id\u0000', noticeChannels: ['EMAIL'] }, 'language', /one of id, en/],
      [{ language: 'id', noticeChannels: [null] }, 'noticeChannels.0', /one of EMAIL, WHATSAPP, SMS/],
      [{ noticeChannels: ['EMAIL'] }, 'language', /one of id, en/],
      [{ language: 'id' }, 'noticeChannels', /list of channels/],
      [{ language: 'id', noticeChannels: ['EMAIL'], channels: ['SMS'] }, 'channels', /./],
    ];
    for (const [body, field, reason] of cases) {
      const response = await change(id, body, auth);
      expect(response, JSON.stringify(body)).toMatchObject({ status: 400, body: { type: '/problems/validation', errors: [{ field, reason: expect.stringMatching(reason) }] } });
      expect(response.contentType).toContain('application/problem+json');
    }
    expect(await stored(id)).toEqual(before);
  });

  it("answers another applicant's application as an unknown one (404), without a token 401, and changes nothing", async () => {
    const owner = await submitted();
    const other = await s.applicant();
    const before = await stored(owner.id);
    for (const response of [await settingsOf(owner.id, other.auth), await change(owner.id, { language: 'en', noticeChannels: ['SMS'] }, other.auth)]) {
      expect(response).toMatchObject({ status: 404, body: { type: '/problems/not-found' } });
    }
    const unknown = await settingsOf('00000000-0000-4000-8000-000000000000', owner.auth);
    expect(unknown).toMatchObject({ status: 404, body: { type: '/problems/not-found' } });
    expect((await change(owner.id, { language: 'en', noticeChannels: ['SMS'] }, {})).status).toBe(401);
    expect((await settingsOf('not-a-uuid', owner.auth)).status).toBe(400);
    expect(await stored(owner.id)).toEqual(before);
  });

  it('is in the OpenAPI document with its rules', async () => {
    const document = (await s.call('GET', '/openapi.json')).body;
    const operations = document.paths['/applications/{applicationId}/notice-settings'];
    expect(Object.keys(operations).sort()).toEqual(['get', 'put']);
    const request = document.components.schemas.NoticeSettingsRequest;
    expect(request).toMatchObject({ additionalProperties: false, required: expect.arrayContaining(['language', 'noticeChannels']) });
    expect(request.properties.noticeChannels).toMatchObject({ type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['EMAIL', 'WHATSAPP', 'SMS'] } });
    expect(request.properties.language).toMatchObject({ enum: ['id', 'en'], description: expect.stringContaining('Bahasa Indonesia') });
    expect(document.components.schemas.Submission.properties).toHaveProperty('noticeChannels');
  });
});
