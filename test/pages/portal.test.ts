// The applicant portal in headless Chromium, as a person on a phone uses it: register, fill in the application,
// read the billing code, pay at the bank (its callback), choose a session from the calendar; axe on each page.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentCallback } from '../support/bank.js';
import { PHONE, launchBrowser, screenshotForReadme, seriousViolations } from '../support/browser.js';
import { nextWorkingDay } from '../support/read-model.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
let browser: Browser;
beforeAll(async () => {
  [s, browser] = await Promise.all([startService(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** No serious or critical accessibility violation on the page as it is now. */
const accessible = async (page: Page) => expect(await seriousViolations(page)).toEqual([]);

describe('the applicant portal', () => {
  it('walks from registration to a booked session on a phone, accessibly', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'id-ID' }); // the pages carry no script (axe needs one of its own)
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${s.url}/portal`);
    await page.getByRole('link', { name: 'Daftar akun' }).click();
    await accessible(page);
    const email = `phone-${randomUUID()}@example.id`;
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Kata sandi').fill('correct horse battery');
    await page.getByRole('button', { name: 'Daftar' }).click();
    await page.waitForURL(`${s.url}/portal/sign-in?registered=1`); // alike for a taken email: then sign in
    await accessible(page);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Kata sandi').fill('correct horse battery');
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.waitForURL(`${s.url}/portal/applications`);
    await accessible(page);

    await page.getByRole('link', { name: 'Ajukan permohonan baru' }).click();
    await accessible(page);
    const sample = sampleSubmission();
    await page.getByLabel('Jenis paspor').selectOption(sample.product);
    await page.locator('#f-officeCode').selectOption('PLU');
    await page.getByLabel('NIK').fill('123'); // a mistake first: shown beside the field and in the summary
    await page.getByLabel('Nama lengkap').fill(sample.fullName);
    await page.getByLabel('Perempuan').check();
    await page.getByLabel('Tanggal lahir').fill(sample.birthDate);
    await page.locator('#f-email').fill(sample.email);
    await page.getByLabel('Nomor HP').fill(sample.phone);
    await page.getByLabel('Alamat pos').fill(sample.address!);
    await page.getByRole('button', { name: 'Ajukan permohonan' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('NIK: periksa kembali isian ini. 16 angka pada KTP.');
    await expect(page.getByLabel('NIK').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('error-summary');
    await expect(page.getByLabel('Nama lengkap').inputValue()).resolves.toBe(sample.fullName);
    await accessible(page);
    await page.getByLabel('NIK').fill(sample.nik);
    await page.getByRole('button', { name: 'Ajukan permohonan' }).click();
    await page.waitForURL(/\/portal\/applications\/[0-9a-f-]{36}\?submitted=1$/);
    await accessible(page);
    const billingCode = (await page.locator('strong.code').textContent())!;
    expect(billingCode).toMatch(/^\d{15}$/);
    const applicationPage = page.url().replace('?submitted=1', '');

    const { amount } = await s.db.selectFrom('applications').select('amount').where('billing_code', '=', billingCode).executeTakeFirstOrThrow();
    expect((await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback({ billingCode, amount })).send()).status).toBe(202);
    await eventually(
      async () => (await page.goto(applicationPage), await page.locator('#book-title').count()),
      (n) => n === 1,
    );
    await accessible(page);
    // The narrowest phone: nothing wider than the screen (the calendar scrolls inside its own box).
    await page.setViewportSize({ width: 360, height: 740 });
    await expect(page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(360);
    await page.setViewportSize(PHONE);
    const date = await nextWorkingDay(s.db, 'PLU');
    await page.locator(`input[name=slot][value="${date}|MORNING"]`).check();
    await page.locator('#book-title').evaluate((title) => title.scrollIntoView()); // the calendar on the screenshot's screen
    await mkdir(resolve(import.meta.dirname, '../../docs/screenshots'), { recursive: true });
    await screenshotForReadme(page, resolve(import.meta.dirname, '../../docs/screenshots/portal.png'));
    await page.getByRole('button', { name: 'Pesan jadwal ini' }).click();
    await page.waitForURL(`${applicationPage}?done=1`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Menunggu wawancara');
    expect(main).toContain('sesi pagi');
    await accessible(page);
    // At 360 px with its notices listed (submitted, paid, booked): each table's scrolling box is reachable by keyboard.
    await page.setViewportSize({ width: 360, height: 740 });
    await eventually(
      async () => (await page.goto(applicationPage), await page.locator('section[aria-labelledby="notices-title"] tbody tr').count()),
      (n) => n >= 3,
    );
    await expect(page.locator('section[aria-labelledby="notices-title"] .table-wrap').getAttribute('tabindex')).resolves.toBe('0');
    await accessible(page);
    await context.close();
  });
});
