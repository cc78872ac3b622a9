// The officer desk over HTTP, as a browser without JavaScript uses it: forms posted with the page's origin,
// the session in a cookie, redirects followed by hand. Then one walk in headless Chromium with axe.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackingQrPng } from '../../activities/notices/qr.js';
import { hashPassword } from '../../api/passwords.js';
import { createStaffAccount } from '../../db/queries/staff-accounts.js';
import { paymentCallback } from '../support/bank.js';
import { PHONE, launchBrowser, screenshotForReadme, seriousViolations } from '../support/browser.js';
import { scanQr } from '../support/qr.js';
import { nextWorkingDay } from '../support/read-model.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
const PASSWORD = 'counter-desk-0001';
const run = Date.now();
const staff = { officer: `desk.plu.${run}@imigrasi.example`, other: `desk.wsb.${run}@imigrasi.example`, manager: `desk.mgr.${run}@imigrasi.example` };

beforeAll(async () => {
  s = await startService();
  const passwordHash = await hashPassword(PASSWORD);
  await createStaffAccount(s.db, { id: `officer-plu-desk-${run}`, email: staff.officer, role: 'officer', office: 'PLU', passwordHash });
  await createStaffAccount(s.db, { id: `officer-wsb-desk-${run}`, email: staff.other, role: 'officer', office: 'WSB', passwordHash });
  await createStaffAccount(s.db, { id: `manager-plu-desk-${run}`, email: staff.manager, role: 'manager', office: 'PLU', passwordHash });
});
afterAll(async () => s?.stop());

/** An application of PLU booked for the next working day, whose appointment day is open at once. */
async function bookedApplication(overrides: Partial<ReturnType<typeof sampleSubmission>> = {}) {
  const { auth } = await s.applicant();
  const submitted = await s.call('POST', '/applications', { ...sampleSubmission(), ...overrides }, auth);
  expect(submitted.status).toBe(201);
  const { applicationId, trackingCode, billingCode, amount } = submitted.body;
  await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback({ billingCode, amount })).send();
  await eventually(async () => (await s.call('GET', `/track/${trackingCode}`)).body.stage, (stage) => stage === 'AWAITING_BOOKING');
  s.comesOnTheDay(applicationId);
  const date = await nextWorkingDay(s.db, 'PLU');
  expect((await s.call('POST', `/applications/${applicationId}/booking`, { date, session: 'MORNING' }, auth)).status).toBe(200);
  return { applicationId, trackingCode: trackingCode as string, date };
}

/** A lost passport, with its incident and police report: the desk records its BAP before the interview. */
const LOST = {
  applicationType: 'LOST',
  incidentReport: { date: '2026-10-01', place: 'Pelabuhan Pantoloan, Palu', description: 'Lost on the ferry while travelling.', policeReportNumber: 'SKTLK/12/X/2026' },
} as Partial<ReturnType<typeof sampleSubmission>>;

/** A browser without JavaScript: keeps the cookie it is given, sends forms with the page's own origin. */
function browserless(origin = s.url, base = s.url) {
  let cookie = '';
  const request = async (method: 'GET' | 'POST', path: string, form?: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookie && { cookie }),
        ...(form && { 'content-type': 'application/x-www-form-urlencoded', origin }),
        ...headers,
      },
      ...(form && { body: new URLSearchParams(form).toString() }),
    });
    const set = response.headers.get('set-cookie');
    if (set) cookie = /desk_session=([^;]*)/.exec(set)?.[1] ? `desk_session=${/desk_session=([^;]*)/.exec(set)![1]}` : '';
    return { status: response.status, location: response.headers.get('location'), setCookie: set, headers: response.headers, html: await response.text() };
  };
  return {
    get: (path: string) => request('GET', path),
    post: (path: string, form: Record<string, string>, headers?: Record<string, string>) => request('POST', path, form, headers),
    get cookie() {
      return cookie;
    },
    async signIn(email: string) {
      const answer = await request('POST', '/desk/masuk', { email, password: PASSWORD, next: '/desk/antrian' });
      expect(answer.status, answer.html).toBe(303);
      return answer;
    },
  };
}

/** The hidden Idempotency-Key of the form posting to `action`. */
const keyOf = (html: string, action: string) => {
  const form = html.slice(html.indexOf(`action="${action}"`));
  return /name="key" value="([^"]+)"/.exec(form)![1]!;
};

describe('GET /officer/applications?trackingCode= (what the desk opens a scanned code with)', () => {
  it("answers the officer's own office's application as typed or scanned, and 404 for another office's", async () => {
    const { applicationId, trackingCode } = await bookedApplication();
    const plu = { authorization: `Bearer ${await s.officerToken('PLU')}` };
    const typed = trackingCode.toLowerCase().replace(/-/g, ' ');
    const found = await s.call('GET', `/officer/applications?trackingCode=${encodeURIComponent(typed)}`, undefined, plu);
    expect(found).toMatchObject({ status: 200, body: { applicationId, trackingCode, officeCode: 'PLU', stage: 'AWAITING_INTERVIEW' } });
    const wsb = { authorization: `Bearer ${await s.officerToken('WSB')}` };
    expect((await s.call('GET', `/officer/applications?trackingCode=${trackingCode}`, undefined, wsb)).status).toBe(404);
    expect((await s.call('GET', '/officer/applications?trackingCode=ABCD-EFGH-JKMN', undefined, plu)).status).toBe(404);
    expect(await s.call('GET', '/officer/applications?trackingCode=nope', undefined, plu)).toMatchObject({ status: 400, body: { errors: [{ field: 'query.trackingCode' }] } });
    expect((await s.call('GET', `/officer/applications?trackingCode=${trackingCode}`)).status).toBe(401);
    expect((await s.call('GET', `/officer/applications?trackingCode=${trackingCode}`, undefined, { authorization: `Bearer ${await s.managerToken('PLU')}` })).status).toBe(403);
  });
});

describe('the officer desk without JavaScript', () => {
  it('signs an officer in with a Strict, httpOnly cookie for /desk, and refuses a manager and a wrong password', async () => {
    const desk = browserless();
    const form = await desk.get('/desk/masuk');
    expect(form.status).toBe(200);
    expect(form.html).toContain('<html lang="id"');
    expect(form.html).toMatch(/<label for="email">Email<\/label>/);

    const wrong = await desk.post('/desk/masuk', { email: staff.officer, password: 'not-the-password-1' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('Email atau kata sandi salah.');
    const invalid = await desk.post('/desk/masuk?lang=en', { email: 'not-an-email', password: 'x' });
    expect(invalid.status).toBe(400);
    expect(invalid.html).toContain('<a href="#email">Enter your email address');
    expect(invalid.html).toMatch(/id="email"[^>]*aria-describedby="email-error"[^>]*aria-invalid="true"/);

    const manager = await browserless().post('/desk/masuk', { email: staff.manager, password: PASSWORD });
    expect(manager.status).toBe(403);
    expect(manager.setCookie).toBeNull();
    expect(manager.html).toContain('Meja ini untuk petugas loket');

    const signedIn = await desk.signIn(staff.officer.toUpperCase());
    expect(signedIn.location).toBe('/desk/antrian');
    expect(signedIn.setCookie).toMatch(/desk_session=[^;]+; Path=\/desk; Expires=[^;]+; HttpOnly; SameSite=Strict/);
    expect(signedIn.setCookie).not.toContain('Secure'); // plain http in the test; https and production add it
    // Behind the TLS proxy, as the portal's cookie: one rule for both (api/pages/session.ts).
    const proxied = await browserless().post('/desk/masuk', { email: staff.officer, password: PASSWORD }, { 'x-forwarded-proto': 'https' });
    expect(proxied.setCookie).toMatch(/desk_session=[^;]+;.*; Secure/);
  });

  it('sends an unsigned or expired visitor to sign-in, and back to the page asked after it', async () => {
    const anonymous = await browserless().get('/desk/antrian');
    expect(anonymous).toMatchObject({ status: 303, location: '/desk/masuk?next=%2Fdesk%2Fantrian' });
    const expired = browserless();
    const stale = await fetch(`${s.url}/desk/antrian`, { redirect: 'manual', headers: { cookie: 'desk_session=eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.x' } });
    expect(stale.status).toBe(303);
    expect(stale.headers.get('location')).toBe('/desk/masuk?next=%2Fdesk%2Fantrian&expired=1');
    const page = await expired.get('/desk/masuk?next=%2Fdesk%2Fantrian&expired=1');
    expect(page.html).toContain('Sesi Anda berakhir');
    expect(page.html).toContain('name="next" value="/desk/antrian"');
    const offsite = await expired.post('/desk/masuk', { email: staff.officer, password: PASSWORD, next: '//evil.example/desk/x' });
    expect(offsite.location).toBe('/desk/antrian');
    // Another day's queue keeps its day through the sign-in.
    const tomorrow = await fetch(`${s.url}/desk/antrian?tanggal=2026-12-01`, { redirect: 'manual', headers: { cookie: 'desk_session=eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.x' } });
    expect(tomorrow.headers.get('location')).toBe('/desk/masuk?next=%2Fdesk%2Fantrian%3Ftanggal%3D2026-12-01&expired=1');
    const back = await browserless().post('/desk/masuk', { email: staff.officer, password: PASSWORD, next: '/desk/antrian?tanggal=2026-12-01' });
    expect(back.location).toBe('/desk/antrian?tanggal=2026-12-01');
  });

  it('walks an application from the queue through interview, printing and hand-over, one step per double submit', async () => {
    const { trackingCode, date } = await bookedApplication();
    const desk = browserless();
    await desk.signIn(staff.officer);

    const queue = await desk.get(`/desk/antrian?tanggal=${date}`);
    expect(queue.status).toBe(200);
    const morning = queue.html.slice(queue.html.indexOf('id="q-MORNING"'), queue.html.indexOf('id="q-AFTERNOON"'));
    expect(morning).toContain(`href="/desk/permohonan/${trackingCode}"`);

    // The scanner types the code (any case) and Enter: the form's GET opens the application.
    const scanned = await desk.get(`/desk/cari?code=${encodeURIComponent(trackingCode.toLowerCase())}`);
    expect(scanned).toMatchObject({ status: 303, location: `/desk/permohonan/${trackingCode}` });
    const page = await desk.get(scanned.location!);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Menunggu wawancara');
    expect(page.html).toContain('Hasil wawancara');
    expect(page.html).not.toContain('Nomor paspor'); // the next step's form only
    expect(page.html).toContain('Dokumen yang diperiksa');
    expect(page.html).not.toContain('<script'); // every form works without JavaScript

    // REJECTED without a reason: the API's 400, beside the field in plain words; nothing recorded.
    const interviewAction = `/desk/permohonan/${trackingCode}/wawancara`;
    const noReason = await desk.post(interviewAction, { key: keyOf(page.html, interviewAction), outcome: 'REJECTED', reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.html).toContain('<a href="#reason">Tulis alasan penolakan dalam beberapa kata.</a>');
    expect(noReason.html).toMatch(/<textarea[^>]*aria-describedby="reason-hint reason-error"/);
    // The page answering the POST switches language to the application's page (the form's page), never to the
    // POST's address: with the form's Referer, and without one.
    const pagePath = `/desk/permohonan/${trackingCode}`;
    expect(noReason.html).toContain(`href="${pagePath}?lang=en"`);
    const referred = await desk.post(interviewAction, { key: keyOf(page.html, interviewAction), outcome: 'REJECTED', reason: '' }, { referer: `${s.url}${pagePath}?x=1` });
    expect(referred.html).toContain(`href="${pagePath}?x=1&amp;lang=en"`);
    const foreign = await desk.post(interviewAction, { key: keyOf(page.html, interviewAction), outcome: 'REJECTED', reason: '' }, { referer: 'https://evil.example/x' });
    expect(foreign.html).toContain(`href="${pagePath}?lang=en"`);

    const approve = { key: keyOf(noReason.html, interviewAction), outcome: 'APPROVED', reason: '' };
    const approved = await desk.post(interviewAction, approve);
    expect(approved).toMatchObject({ status: 303, location: `/desk/permohonan/${trackingCode}?selesai=wawancara` });
    const again = await desk.post(interviewAction, approve); // the double submit: the same key, one step
    expect(again).toMatchObject({ status: 303, location: `/desk/permohonan/${trackingCode}?selesai=wawancara` });
    const printingPage = await desk.get(approved.location!);
    expect(printingPage.html).toContain('Hasil wawancara tersimpan.');
    expect(printingPage.html).toContain('Paspor sedang dicetak');
    expect(printingPage.html).toMatch(/<dt>Janji selesai<\/dt><dd>[^<]* pukul \d\d\.\d\d WITA<\/dd>/); // Palu's clock

    // A fresh interview form (another key) is out of order now: a 409 saying what the application waits for.
    const late = await desk.post(interviewAction, { key: `late-${run}-interview`, outcome: 'APPROVED' });
    expect(late.status).toBe(409);
    expect(late.html).toContain('Langkah ini tidak bisa dilakukan sekarang: permohonan ini pada tahap &quot;Paspor sedang dicetak&quot;');

    const printAction = `/desk/permohonan/${trackingCode}/cetak`;
    const badNumber = await desk.post(printAction, { key: keyOf(printingPage.html, printAction), passportNumber: '123' });
    expect(badNumber.status).toBe(400);
    expect(badNumber.html).toContain('<a href="#passportNumber">Nomor paspor terdiri dari');
    const printed = await desk.post(printAction, { key: keyOf(badNumber.html, printAction), passportNumber: 'e1234567' });
    expect(printed.status, printed.html).toBe(303);
    const handoverPage = await desk.get(printed.location!);
    expect(handoverPage.html).toContain('Siap diambil');

    const handoverAction = `/desk/permohonan/${trackingCode}/serah-terima`;
    const handed = await desk.post(handoverAction, { key: keyOf(handoverPage.html, handoverAction) });
    expect(handed.status).toBe(303);
    const done = await desk.get(`/desk/permohonan/${trackingCode}?lang=en`);
    expect(done.html).toContain('Completed');
    expect(done.html).toContain('No officer step in this stage.');

    const audit = await s.db.selectFrom('audit_log').innerJoin('applications', 'applications.id', 'audit_log.application_id').select(['audit_log.stage', 'audit_log.actor']).where('tracking_code', '=', trackingCode).orderBy('seq').execute();
    expect(audit.map((e) => e.stage)).toEqual(['AWAITING_PAYMENT', 'AWAITING_BOOKING', 'AWAITING_INTERVIEW', 'AWAITING_PRINTING', 'READY_FOR_PICKUP', 'COMPLETED']);
    expect(audit.at(-1)!.actor).toContain(`officer-plu-desk-${run}`);
  });

  it('asks for the review of a declared priority ground before the interview, and records it', async () => {
    const { trackingCode } = await bookedApplication({ priority: 'DISABILITY' } as Partial<ReturnType<typeof sampleSubmission>>);
    const desk = browserless();
    await desk.signIn(staff.officer);
    const page = await desk.get(`/desk/permohonan/${trackingCode}`);
    expect(page.html).toContain('Pemohon menyatakan: penyandang disabilitas.');
    const action = `/desk/permohonan/${trackingCode}/prioritas`;
    const unanswered = await desk.post(action, { key: keyOf(page.html, action) });
    expect(unanswered.status).toBe(400);
    expect(unanswered.html).toContain('<a href="#confirmed-true">Pilih apakah pernyataan prioritas itu benar.</a>');
    const reviewed = await desk.post(action, { key: keyOf(unanswered.html, action), confirmed: 'true' });
    expect(reviewed).toMatchObject({ status: 303, location: `/desk/permohonan/${trackingCode}?selesai=prioritas` });
    const after = await desk.get(reviewed.location!);
    expect(after.html).toContain('Pemeriksaan prioritas tersimpan.');
    expect(after.html).not.toContain('Periksa alasan prioritas');
    expect(after.html).toContain('Hasil wawancara');
  });

  it("shows another office's application as not one of this office, and an unknown or malformed code likewise", async () => {
    const { trackingCode } = await bookedApplication();
    const desk = browserless();
    await desk.signIn(staff.other); // an officer of WSB
    const foreign = await desk.get(`/desk/permohonan/${trackingCode}`);
    expect(foreign.status).toBe(404);
    expect(foreign.html).toContain(`Tidak ada permohonan kantor Anda dengan kode ${trackingCode}`);
    expect(foreign.html).not.toContain('Hasil wawancara');
    const post = await desk.post(`/desk/permohonan/${trackingCode}/wawancara`, { key: `foreign-${run}-1`, outcome: 'APPROVED' });
    expect(post.status).toBe(404);
    expect((await s.call('GET', `/track/${trackingCode}`)).body.stage).toBe('AWAITING_INTERVIEW');
    expect((await desk.get('/desk/permohonan/ABC')).status).toBe(400);
  });

  it('answers a step it does not know (toString, __proto__) with a 404 that says the step is unknown', async () => {
    const { trackingCode } = await bookedApplication();
    const desk = browserless();
    await desk.signIn(staff.officer);
    for (const step of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const answer = await desk.post(`/desk/permohonan/${trackingCode}/${step}`, { key: `unknown-${run}-${step}` });
      expect(answer.status, step).toBe(404);
      expect(answer.html).toContain('Langkah itu tidak dikenal meja petugas.');
      expect(answer.html).not.toContain('Tidak ada permohonan kantor Anda');
    }
    const page = await desk.get(`/desk/permohonan/${trackingCode}?selesai=constructor`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('role="status"');
    // A form larger than MAX_BODY_BYTES: a page in the officer's words, not the API's problem+json.
    const big = await desk.post(`/desk/permohonan/${trackingCode}/wawancara`, { key: `big-${run}`, reason: 'x'.repeat(100_000) });
    expect(big.status).toBe(413);
    expect(big.html).toContain('Isian formulir terlalu panjang untuk dikirim.');
    expect(big.html).toContain('<main');
    // The headers of every page, and a language switch to a page that answers a GET.
    expect(big.headers.get('cache-control')).toBe('no-store');
    expect(big.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(big.headers.get('x-frame-options')).toBe('DENY');
    expect(big.html).toContain('href="/desk/antrian?lang=en"');
  });

  it('records the BAP of a lost passport: what is wrong with a number said, the BAP then shown, not asked again', async () => {
    const { trackingCode } = await bookedApplication(LOST);
    const desk = browserless();
    await desk.signIn(staff.officer);
    const page = await desk.get(`/desk/permohonan/${trackingCode}`);
    const action = `/desk/permohonan/${trackingCode}/bap`;
    const control = await desk.post(action, { key: keyOf(page.html, action), reportNumber: 'BAP\u0000X', cause: 'ORDINARY' });
    expect(control.status).toBe(400);
    expect(control.html).toContain('<a href="#reportNumber">Nomor BAP berisi karakter yang tidak dapat dipakai');
    expect(control.html).not.toContain('paling sedikit 3 karakter');

    // The identity to compare with the KTP-el original, on the application page only.
    const { nik } = await s.db.selectFrom('applications').select('nik').where('tracking_code', '=', trackingCode).executeTakeFirstOrThrow();
    expect(page.html).toContain('Cocokkan dengan KTP-el asli');
    for (const shown of ['Siti Rahmawati', nik, '12 Mei 1990', 'Perempuan', 'Paspor elektronik, 10 tahun', 'SKTLK/12/X/2026', 'Pelabuhan Pantoloan, Palu']) expect(page.html).toContain(shown);
    const { date } = await s.db.selectFrom('applications').select('appointment_date as date').where('tracking_code', '=', trackingCode).executeTakeFirstOrThrow();
    // The documents and the product in the page's language (the reference data has both).
    expect(page.html).toContain('KTP-el asli');
    expect(page.html).not.toMatch(/electronic identity card|Electronic passport/);
    const reader = browserless(); // ?lang= sets a cookie this helper does not keep along the desk's
    await reader.signIn(staff.officer);
    const english = await reader.get(`/desk/permohonan/${trackingCode}?lang=en`);
    expect(english.html).toContain('KTP-el (electronic identity card), original');
    expect(english.html).toContain('Electronic passport, 10 years');
    expect((await desk.get(`/desk/antrian?tanggal=${date}`)).html).not.toContain(nik); // the queue: the code and the stage only
    const other = browserless();
    await other.signIn(staff.other); // an officer of WSB
    const foreign = await other.get(`/desk/permohonan/${trackingCode}`);
    expect(foreign.status).toBe(404);
    expect(foreign.html).not.toContain(nik);
    expect(foreign.html).not.toContain('Siti Rahmawati');

    const recorded = await desk.post(action, { key: keyOf(control.html, action), reportNumber: 'BAP/PLU/2026/007', cause: 'ORDINARY' });
    expect(recorded).toMatchObject({ status: 303, location: `/desk/permohonan/${trackingCode}?selesai=bap` });
    const after = await desk.get(recorded.location!);
    expect(after.html).toContain('BAP tersimpan.');
    expect(after.html).toContain('Tercatat: nomor BAP/PLU/2026/007, penyebab Biasa (dikenai denda)');
    expect(after.html).not.toContain('Simpan BAP'); // the next step's form only: the interview
    expect(after.html).toContain('Simpan hasil wawancara');

    // A BAP form sent again (another tab, kept open): the 409 in words, without the API's English.
    const twice = await desk.post(action, { key: `bap-again-${run}`, reportNumber: 'BAP/PLU/2026/008', cause: 'ORDINARY' });
    expect(twice.status).toBe(409);
    expect(twice.html).toContain('BAP permohonan ini sudah tercatat (nomor BAP/PLU/2026/007).');
    expect(twice.html).not.toMatch(/already|Keterangan sistem/);
    const inEnglish = await desk.post(`${action}?lang=en`, { key: `bap-again-en-${run}`, reportNumber: 'BAP/PLU/2026/008', cause: 'ORDINARY' });
    expect(inEnglish.html).toContain('The BAP of this application is already recorded (number BAP/PLU/2026/007).');
  });

  it("shows under the demo clock (DEMO_DAY_SECONDS) every booked interview in today's queue, whose day opened at booking", async () => {
    const { trackingCode } = await bookedApplication(); // booked for the next working day
    const real = browserless();
    await real.signIn(staff.officer);
    expect((await real.get('/desk/antrian')).html).not.toContain(trackingCode); // tomorrow's, on a real clock
    const demo = await s.listenWith({ DEMO_DAY_SECONDS: '600' });
    const desk = browserless(demo.url, demo.url);
    await desk.signIn(staff.officer);
    const queue = await desk.get('/desk/antrian');
    const morning = queue.html.slice(queue.html.indexOf('id="q-MORNING"'), queue.html.indexOf('id="q-AFTERNOON"'));
    expect(morning).toContain(`href="/desk/permohonan/${trackingCode}"`);
  });

  it('refuses a cross-site POST (CSRF), and signs out', async () => {
    const desk = browserless();
    await desk.signIn(staff.officer);
    const { trackingCode } = await bookedApplication();
    const forged = await browserless('https://evil.example').post(`/desk/permohonan/${trackingCode}/wawancara`, { key: `forged-${run}-1`, outcome: 'NO_SHOW' }, { cookie: desk.cookie });
    expect(forged.status).toBe(403);
    const noOrigin = await fetch(`${s.url}/desk/keluar`, { method: 'POST', redirect: 'manual', headers: { cookie: desk.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(noOrigin.status).toBe(403);
    expect((await s.call('GET', `/track/${trackingCode}`)).body.stage).toBe('AWAITING_INTERVIEW');

    const out = await desk.post('/desk/keluar', {});
    expect(out).toMatchObject({ status: 303, location: '/desk/masuk?keluar=1' });
    expect(out.setCookie).toMatch(/desk_session=; Max-Age=0; Path=\/desk/);
    expect(desk.cookie).toBe('');
    expect((await desk.get('/desk/antrian')).status).toBe(303);
  });
});

describe('the officer desk in headless Chromium', () => {
  it('goes from sign-in through the queue to hand-over by its forms, with no serious axe violation', async () => {
    const { trackingCode, date } = await bookedApplication({
      applicationType: 'LOST',
      incidentReport: { date: '2026-10-01', place: 'Pelabuhan Pantoloan, Palu', description: 'Lost on the ferry while travelling.', policeReportNumber: 'SKTLK/12/X/2026' },
    } as Partial<ReturnType<typeof sampleSubmission>>);
    const browser = await launchBrowser();
    try {
      // JavaScript stays on only because axe runs in the page: the desk serves no script (the HTTP tests above).
      const context = await browser.newContext({ viewport: PHONE, locale: 'id-ID' });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000); // a missing element fails here, named, well before the test's own limit
      const clean = async () => expect(await seriousViolations(page)).toEqual([]);
      await page.goto(`${s.url}/desk`);
      await page.waitForURL(/\/desk\/masuk/);
      await clean();
      await page.getByLabel('Email').fill(staff.officer);
      await page.getByLabel('Kata sandi').fill(PASSWORD);
      await page.getByRole('button', { name: 'Masuk' }).click();
      await page.waitForURL(/\/desk\/antrian$/);
      await page.goto(`${s.url}/desk/antrian?tanggal=${date}`);
      await expect(page.locator('#q-MORNING + ul.queue').textContent()).resolves.toContain(trackingCode);
      await clean();

      // The counter's scanner reads the QR code of the applicant's notices (the image the emails carry) and
      // types what it holds, then Enter.
      const scanned = scanQr(await trackingQrPng(trackingCode));
      expect(scanned).toBe(trackingCode);
      await page.getByLabel('Pindai atau ketik kode pelacakan').fill(scanned!);
      await page.getByLabel('Pindai atau ketik kode pelacakan').press('Enter');
      await page.waitForURL(`${s.url}/desk/permohonan/${trackingCode}`);
      await expect(page.locator('main').textContent()).resolves.toContain('Hilang');
      await clean();
      if (process.env.UPDATE_SCREENSHOTS === '1') await mkdir(resolve(import.meta.dirname, '../../docs/screenshots'), { recursive: true });
      await screenshotForReadme(page, resolve(import.meta.dirname, '../../docs/screenshots/desk.png'));

      // Approving before the BAP of a lost passport: the 409, in words (the refused step's reason).
      await page.getByLabel('Disetujui (foto dan biometrik sudah diambil)').check();
      await page.getByRole('button', { name: 'Simpan hasil wawancara' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain('Catat BAP paspor yang hilang atau rusak dulu, baru setujui wawancara.');
      await clean();

      await page.getByLabel('Nomor BAP').fill('BAP/PLU/2026/001');
      await page.getByLabel('Biasa (dikenai denda)').check();
      await page.getByRole('button', { name: 'Simpan BAP' }).click();
      await expect(page.getByRole('status').textContent()).resolves.toBe('BAP tersimpan.');
      await page.getByLabel('Disetujui (foto dan biometrik sudah diambil)').check();
      await page.getByRole('button', { name: 'Simpan hasil wawancara' }).click();
      await expect(page.getByRole('status').textContent()).resolves.toBe('Hasil wawancara tersimpan.');

      await page.getByLabel('Nomor paspor').fill('X7654321');
      await page.getByRole('button', { name: 'Simpan pencetakan' }).click();
      await expect(page.locator('dd strong').textContent()).resolves.toBe('Siap diambil');
      await clean();
      await page.getByRole('button', { name: 'Paspor sudah diserahkan' }).click();
      await expect(page.locator('dd strong').textContent()).resolves.toBe('Selesai');
      await clean();

      await page.getByRole('button', { name: 'Keluar' }).click();
      await page.waitForURL(/\/desk\/masuk\?keluar=1$/);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
