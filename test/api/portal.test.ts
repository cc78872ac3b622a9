// The applicant portal over HTTP, as a browser without JavaScript uses it: forms posted with the site's own
// Origin, the session cookie kept, every redirect followed by hand (POST-redirect-GET).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentCallback } from '../support/bank.js';
import { nextWorkingDay } from '../support/read-model.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

/** A person's browser: its cookies, and forms posted from the portal's own pages. */
function browser(origin = () => s.url) {
  const cookies = new Map<string, string>();
  const send = async (method: 'GET' | 'POST', path: string, form?: Record<string, string | string[]>) => {
    const headers: Record<string, string> = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (form) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(form)) for (const one of Array.isArray(value) ? value : [value]) params.append(name, one);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = origin();
    }
    const response = await fetch(`${s.url}${path}`, { method, headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (attributes.some((a) => /max-age=0/i.test(a.trim())) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    return { status: response.status, location: response.headers.get('location'), html: await response.text(), setCookie: response.headers.getSetCookie() };
  };
  return {
    cookies,
    get: (path: string) => send('GET', path),
    post: (path: string, form: Record<string, string | string[]>) => send('POST', path, form),
  };
}

/** A browser with a new account, signed in through the registration form. */
async function registered() {
  const b = browser();
  const email = `portal-${randomUUID()}@example.id`;
  const answer = await b.post('/portal/register', { email, password: 'correct horse battery' });
  expect(answer).toMatchObject({ status: 303, location: '/portal/applications' });
  return { b, email };
}

const form = (overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> => {
  const { incidentReport: _incident, noticeChannels: _channels, ...sample } = sampleSubmission();
  return { ...(sample as Record<string, string>), noticeChannels: ['EMAIL', 'WHATSAPP'], ...overrides };
};

describe('the applicant portal', () => {
  it('registers, signs out, and sends a signed-out person to sign in', async () => {
    const { b } = await registered();
    expect((await b.get('/portal/applications')).html).toContain('Permohonan saya');
    const signedOut = await b.post('/portal/sign-out', {});
    expect(signedOut).toMatchObject({ status: 303, location: '/portal/sign-in' });
    expect(await b.get('/portal/applications')).toMatchObject({ status: 303, location: '/portal/sign-in?next=%2Fportal%2Fapplications' });
  });

  it('walks from registration to a booked session through the forms, then changes it, the delivery, and cancels', async () => {
    const { b } = await registered();
    const submitted = await b.post('/portal/applications', form());
    expect(submitted).toMatchObject({ status: 303, location: expect.stringMatching(/^\/portal\/applications\/[0-9a-f-]{36}\?submitted=1$/) });
    const page = submitted.location!.replace('?submitted=1', '');
    const receipt = await b.get(submitted.location!);
    expect(receipt.html).toContain('Permohonan Anda sudah diterima.');
    expect(receipt.html).toContain('Menunggu pembayaran');
    const billingCode = /<strong class="code">(\d{15})<\/strong>/.exec(receipt.html)?.[1];
    expect(billingCode).toBeDefined();
    expect(receipt.html).toMatch(/Bayar sebelum<\/dt><dd>[^<]*WITA/); // Palu's own time zone
    const detail = await s.call('GET', page.replace('/portal', ''), undefined, { authorization: `Bearer ${b.cookies.get('passport_session')}` });
    const paid = await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback({ billingCode: billingCode!, amount: detail.body.amount })).send();
    expect(paid.status).toBe(202);
    const calendar = await eventually(() => b.get(page), (answer) => answer.html.includes('Pilih jadwal wawancara'));
    const date = await nextWorkingDay(s.db, 'PLU');
    expect(calendar.html).toContain(`value="${date}|MORNING"`);
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(calendar.html)![1]!;
    const booked = await b.post(`${page}/booking`, { idempotencyKey: key, slot: `${date}|MORNING`, intent: 'book' });
    expect(booked).toMatchObject({ status: 303, location: `${page}?done=1` });
    // The same form sent again (a double tap) is the same step, not a second booking.
    expect(await b.post(`${page}/booking`, { idempotencyKey: key, slot: `${date}|MORNING`, intent: 'book' })).toMatchObject({ status: 303 });
    const after = await b.get(`${page}?done=1`);
    expect(after.html).toContain('Menunggu wawancara');
    expect(after.html).toContain('Ubah jadwal');
    await eventually(() => b.get(page), (answer) => answer.html.includes('Jadwal wawancara dipesan'));
    expect(after.html).toContain('Pemberitahuan yang dikirim');

    const nothing = await b.post(`${page}/booking`, { idempotencyKey: randomUUID(), reschedule: '1', intent: 'book' });
    expect(nothing.status).toBe(400);
    expect(nothing.html).toContain('href="#f-slot"');
    const later = await nextWorkingDay(s.db, 'PLU', Date.now(), 2);
    expect(await b.post(`${page}/booking`, { idempotencyKey: randomUUID(), reschedule: '1', slot: `${later}|AFTERNOON`, intent: 'book' })).toMatchObject({ status: 303 });
    const twice = await b.post(`${page}/booking`, { idempotencyKey: randomUUID(), reschedule: '1', slot: `${date}|AFTERNOON`, intent: 'book' });
    expect(twice.status).toBe(409);
    expect(twice.html).toContain('id="error-summary"');

    const noAddress = await b.post(`${page}/delivery?lang=en`, { idempotencyKey: randomUUID(), deliveryMethod: 'POS', address: 'short' });
    expect(noAddress.status).toBe(400);
    expect(noAddress.html).toContain('href="#f-address"');
    expect(await b.post(`${page}/delivery`, { idempotencyKey: randomUUID(), deliveryMethod: 'POS', address: 'Jl. Diponegoro No. 5, Palu, Sulawesi Tengah' })).toMatchObject({ status: 303 });
    expect((await b.get(`${page}?lang=id`)).html).toContain('Dikirim Pos Indonesia'); // the English form above kept English
    expect(await b.post(`${page}/cancel`, { idempotencyKey: randomUUID(), reason: 'Jadwal kerja berubah' })).toMatchObject({ status: 303 });
    expect((await b.get(page)).html).toContain('Dibatalkan');
  });

  it('keeps the session in an httpOnly, SameSite=Strict cookie on /portal, and signs in again to the page asked', async () => {
    const { b, email } = await registered();
    await b.post('/portal/sign-out', {});
    const wrong = await b.post('/portal/sign-in', { email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('Email atau kata sandi salah.');
    const back = await b.post('/portal/sign-in?next=%2Fportal%2Fapplications%2Fnew', { email, password: 'correct horse battery' });
    expect(back).toMatchObject({ status: 303, location: '/portal/applications/new' });
    expect(back.setCookie.join('\n')).toMatch(/passport_session=[^;]+; Path=\/portal; HttpOnly; SameSite=Strict/);
    const elsewhere = await b.post('/portal/sign-in?next=%2F%2Fevil.example%2F', { email, password: 'correct horse battery' });
    expect(elsewhere.location).toBe('/portal/applications');
  });

  it('shows the inline errors of a bad submission, with the values kept', async () => {
    const { b } = await registered();
    const bad = await b.post('/portal/applications', form({ nik: '12345', phone: '12', fullName: 'Siti Bad Form' }));
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('id="error-summary"');
    expect(bad.html).toContain('href="#f-nik"');
    expect(bad.html).toContain('href="#f-phone"');
    expect(bad.html).toMatch(/id="f-nik-error"/);
    expect(bad.html).toMatch(/aria-describedby="f-nik-hint f-nik-error"/);
    expect(bad.html).toContain('value="Siti Bad Form"');
    const english = await b.post('/portal/applications?lang=en', form({ nik: '12345' }));
    expect(english.html).toContain('NIK: must be the 16 digits of the NIK on your KTP.');
  });

  it("does not show another applicant's application", async () => {
    const { b: owner } = await registered();
    const submitted = await owner.post('/portal/applications', form());
    expect(submitted.status).toBe(303);
    const { b: other } = await registered();
    const page = submitted.location!.replace('?submitted=1', '');
    const seen = await other.get(page);
    expect(seen.status).toBe(404);
    expect(seen.html).not.toContain(sampleSubmission().fullName);
    // Nor its notices through the API the page reads (the owner sees the submission's notice).
    const token = (b: ReturnType<typeof browser>) => ({ authorization: `Bearer ${b.cookies.get('passport_session')}` });
    expect((await s.call('GET', `${page.replace('/portal', '')}/notices`, undefined, token(other))).status).toBe(404);
    const own = await eventually(() => s.call('GET', `${page.replace('/portal', '')}/notices`, undefined, token(owner)), (answer) => answer.body?.length > 0);
    expect(own).toMatchObject({ status: 200, body: [{ kind: 'SUBMITTED', recordedAt: expect.any(String), deliveries: [] }] });
    expect(Object.keys(own.body[0]).sort()).toEqual(['deliveries', 'kind', 'recordedAt']);
  });

  it('refuses a form posted from another site', async () => {
    const { b } = await registered();
    const { cookies } = b;
    const evil = browser(() => 'https://evil.example');
    for (const [k, v] of cookies) evil.cookies.set(k, v);
    const refused = await evil.post('/portal/applications', form());
    expect(refused.status).toBe(403);
    expect((await b.get('/portal/applications')).html).toContain('Anda belum punya permohonan.');
  });
});
