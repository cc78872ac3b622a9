// The public tracking page in headless Chromium, end to end: an application submitted, paid and booked through
// the API, then followed on its page in both languages, with the keyboard, and checked by axe.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentCallback } from '../support/bank.js';
import { PHONE, launchBrowser, screenshotForReadme, seriousViolations } from '../support/browser.js';
import { nextWorkingDay } from '../support/read-model.js';
import { eventually, startService } from '../support/service.js';
import { personalFields, sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
let browser: Browser;
let application: { applicationId: string; trackingCode: string; personal: string[] };

beforeAll(async () => {
  [s, browser] = await Promise.all([startService(), launchBrowser()]);
  const { auth } = await s.applicant();
  const submission = sampleSubmission();
  const submitted = await s.call('POST', '/applications', submission, auth);
  expect(submitted.status).toBe(201);
  const { applicationId, trackingCode, billingCode, amount } = submitted.body;
  const paid = await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback({ billingCode, amount })).send();
  expect(paid.status).toBe(202);
  await eventually(async () => (await s.call('GET', `/track/${trackingCode}`)).body.stage, (stage) => stage === 'AWAITING_BOOKING');
  const booked = await s.call('POST', `/applications/${applicationId}/booking`, { date: await nextWorkingDay(s.db, 'PLU'), session: 'MORNING' }, auth);
  expect(booked.status).toBe(200);
  await eventually(async () => (await s.call('GET', `/track/${trackingCode}`)).body.stage, (stage) => stage === 'AWAITING_INTERVIEW');
  application = { applicationId, trackingCode, personal: [...personalFields(submission), applicationId, billingCode] };
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** A phone in Indonesia (Accept-Language id-ID) unless told otherwise; each test starts without cookies. */
async function phone(locale = 'id-ID'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE, locale });
  return { context, page: await context.newPage() };
}

/** The element that has the keyboard's focus. */
const focused = (page: Page) => page.locator(':focus');

describe('the tracking page', () => {
  it('finds an application by the code typed in the form, in Bahasa Indonesia by default, with nothing personal', async () => {
    const { context, page } = await phone();
    const home = await page.goto(`${s.url}/`);
    expect(home?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('id');
    await expect(seriousViolations(page)).resolves.toEqual([]);

    // Typed as a person might: lower case, spaces for dashes, a stray space. Enter submits (no script on the page).
    await page.getByLabel('Kode pelacakan').fill(` ${application.trackingCode.toLowerCase().replace(/-/g, ' ')}`);
    await page.getByLabel('Kode pelacakan').press('Enter');
    await page.waitForURL(`${s.url}/lacak/${application.trackingCode}`);

    const main = page.locator('main');
    await expect(main.locator('h1').textContent()).resolves.toBe(`Permohonan ${application.trackingCode}`);
    const text = (await main.textContent()) ?? '';
    expect(text).toContain('Menunggu wawancara');
    expect(text).toContain('sesi pagi');
    expect(text).toContain('Kantor Imigrasi Kelas I TPI Palu (PLU)');
    expect(text).toContain('Perkiraan paspor selesai');
    expect(text).toMatch(/pukul \d\d\.\d\d WITA/); // Palu's clock
    expect(text).toContain('Datang ke kantor imigrasi');
    await expect(main.locator('ol.timeline li').allTextContents()).resolves.toEqual([
      expect.stringContaining('Menunggu pembayaran'),
      expect.stringContaining('Menunggu pemilihan jadwal'),
      expect.stringContaining('Menunggu wawancara'),
    ]);
    const html = await page.content();
    for (const secret of application.personal) expect(html).not.toContain(secret);
    await expect(seriousViolations(page)).resolves.toEqual([]);

    await mkdir(resolve(import.meta.dirname, '../../docs/screenshots'), { recursive: true });
    await screenshotForReadme(page, resolve(import.meta.dirname, '../../docs/screenshots/tracking.png'));
    await context.close();
  });

  it('switches to English and keeps the choice; English is also what an English browser gets first', async () => {
    const { context, page } = await phone();
    await page.goto(`${s.url}/lacak/${application.trackingCode}`);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\?lang=en$/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('main').textContent()).resolves.toMatch(/Awaiting the interview[\s\S]*morning session[\s\S]*at \d\d:\d\d WITA/);
    await page.goto(`${s.url}/lacak/${application.trackingCode}`); // the cookie remembers
    await expect(page.locator('h1').textContent()).resolves.toBe(`Application ${application.trackingCode}`);
    await expect(seriousViolations(page)).resolves.toEqual([]);
    await context.close();

    const english = await phone('en-GB');
    await english.page.goto(`${s.url}/`);
    expect(await english.page.getAttribute('html', 'lang')).toBe('en');
    await expect(english.page.locator('h1').textContent()).resolves.toBe('Track a passport application');
    await english.context.close();
  });

  it('says in plain words when a code is malformed or unknown, beside the field', async () => {
    const { context, page } = await phone();
    const bad = await page.goto(`${s.url}/lacak/ABC`);
    expect(bad?.status()).toBe(400);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('12 huruf dan angka');
    await expect(page.getByLabel('Kode pelacakan').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(seriousViolations(page)).resolves.toEqual([]);

    const unknown = await page.goto(`${s.url}/lacak/ABCD-EFGH-JKMN?lang=en`);
    expect(unknown?.status()).toBe(404);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('No application has the code ABCD-EFGH-JKMN');
    await expect(page.getByLabel('Tracking code').inputValue()).resolves.toBe('ABCD-EFGH-JKMN');

    // Without dashes, as read out over the phone: the same application.
    const bare = await page.goto(`${s.url}/lacak/${application.trackingCode.replace(/-/g, '').toLowerCase()}?lang=id`);
    expect(bare?.status()).toBe(200);
    await expect(page.locator('main h1').textContent()).resolves.toBe(`Permohonan ${application.trackingCode}`);

    const empty = await page.goto(`${s.url}/lacak?code=`);
    expect(empty?.status()).toBe(400);
    await context.close();
  });

  it('is a standards-mode page kept by no cache, framed by no site, running no script; a control character in the address is refused', async () => {
    const answer = await fetch(`${s.url}/lacak/${application.trackingCode}?lang=id&x=1`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    const policy = answer.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('script-src');
    const html = await answer.text();
    expect(html.startsWith('<!DOCTYPE html><html lang="id"')).toBe(true);
    // The language switch keeps the page's own query.
    expect(html).toContain(`href="/lacak/${application.trackingCode}?lang=en&amp;x=1"`);
    expect(html).toContain('tidak menampilkan data pribadi');

    for (const path of ['/lacak/%00', '/lacak?code=AB%00CD', '/desk/permohonan/%01', '/portal/applications/%7F']) {
      const refused = await fetch(`${s.url}${path}`);
      expect(refused.status, path).toBe(400);
      const body = await refused.text();
      expect(body, path).toContain('Alamat halaman tidak valid');
      expect(body, path).not.toMatch(/[\u0000-\u0008\u007f]/);
    }
  });

  it('passes the API rate limit on, with Retry-After, in the page language', async () => {
    const tight = await s.listenWith({ TRACKING_RATE_PER_MINUTE: '1', TRACKING_BURST: '1' });
    const first = await fetch(`${tight.url}/lacak/${application.trackingCode}`);
    expect(first.status).toBe(200);
    const second = await fetch(`${tight.url}/lacak/${application.trackingCode}`, { headers: { 'accept-language': 'en' } });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await second.text()).toContain('Too many lookups from this device. Try again in');
  });

  it('works from the keyboard: the skip link reaches the content, Enter submits the form', async () => {
    const { context, page } = await phone();
    await page.goto(`${s.url}/`);
    await page.keyboard.press('Tab');
    await expect(focused(page).textContent()).resolves.toBe('Langsung ke isi halaman');
    await page.keyboard.press('Enter');
    await expect(focused(page).getAttribute('id')).resolves.toBe('main');
    // From the content, the next stops are the field and the button.
    await page.keyboard.press('Tab');
    await expect(focused(page).getAttribute('id')).resolves.toBe('code');
    await page.keyboard.type(application.trackingCode);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${s.url}/lacak/${application.trackingCode}`);
    await context.close();
  });
});
