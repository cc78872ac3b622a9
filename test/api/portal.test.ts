// The applicant portal over HTTP, as a browser without JavaScript uses it: forms posted with the site's own
// Origin, the session cookie kept, every redirect followed by hand (POST-redirect-GET).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentCallback } from '../support/bank.js';
import { nextWorkingDay } from '../support/read-model.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';
import { officeWith } from '../support/offices.js';

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
    return { status: response.status, location: response.headers.get('location'), headers: response.headers, html: await response.text(), setCookie: response.headers.getSetCookie() };
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
  expect(answer).toMatchObject({ status: 303, location: '/portal/sign-in?registered=1' });
  expect(await b.post('/portal/sign-in', { email, password: 'correct horse battery' })).toMatchObject({ status: 303, location: '/portal/applications' });
  return { b, email };
}

const form = (overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> => {
  const { incidentReport: _incident, noticeChannels: _channels, ...sample } = sampleSubmission();
  return { ...(sample as Record<string, string>), noticeChannels: ['EMAIL', 'WHATSAPP'], ...overrides };
};

describe('the applicant portal', () => {
  it('answers a registration alike whether or not the email has an account, so nobody can probe for one', async () => {
    const { email } = await registered();
    const taken = await browser().post('/portal/register', { email, password: 'another password here' });
    const fresh = await browser().post('/portal/register', { email: `portal-${randomUUID()}@example.id`, password: 'another password here' });
    for (const answer of [taken, fresh]) {
      expect(answer).toMatchObject({ status: 303, location: '/portal/sign-in?registered=1', html: '' });
      expect(answer.setCookie.join('\n')).not.toContain('passport_session=');
    }
    expect((await browser().get('/portal/sign-in?registered=1')).html).toContain('Pendaftaran diterima.');
  });

  it('registers, signs out, and sends a signed-out person to sign in', async () => {
    const { b } = await registered();
    expect((await b.get('/portal/applications')).html).toContain('Permohonan saya');
    // The signed-in pages say to sign out on a shared device (they show personal data), and name passports in words.
    const blank = (await b.get('/portal/applications/new?lang=id')).html;
    expect(blank).toContain('keluar setelah selesai');
    expect(blank).not.toContain('tidak menampilkan data pribadi');
    expect(blank).toMatch(/<option value="ELECTRONIC_10Y"[^>]*>Paspor elektronik, 10 tahun \(/);
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
    expect(after.html).toMatch(/Kantor imigrasi<\/dt><dd>Kantor Imigrasi [^<]*Palu<\/dd>/); // its name, not its code
    expect(after.html).not.toContain('Batas waktu tahap ini'); // the office's timer, as the tracking page hides it
    expect(after.html).toMatch(/<h1>Permohonan <span class="code">[A-Z0-9-]+<\/span><\/h1>/); // the code kept on one line
    expect(after.html).toMatch(/>Alasan <span class="req">\(tidak wajib\)<\/span>/); // said once

    const nothing = await b.post(`${page}/booking`, { idempotencyKey: randomUUID(), reschedule: '1', intent: 'book' });
    expect(nothing.status).toBe(400);
    expect(nothing.html).toContain('href="#f-slot"');
    const later = await nextWorkingDay(s.db, 'PLU', Date.now(), 2);
    expect(await b.post(`${page}/booking`, { idempotencyKey: randomUUID(), reschedule: '1', slot: `${later}|AFTERNOON`, intent: 'book' })).toMatchObject({ status: 303 });
    const twice = await b.post(`${page}/booking`, { idempotencyKey: randomUUID(), reschedule: '1', slot: `${date}|AFTERNOON`, intent: 'book' });
    expect(twice.status).toBe(409);
    expect(twice.html).toContain('id="error-summary"');
    // A permanent refusal says what cannot be done and why, not "try again".
    expect(twice.html).toContain('Jadwal wawancara hanya dapat diubah satu kali, dan perubahan itu sudah dipakai.');
    expect(twice.html).not.toMatch(/Coba lagi|one allowed change/);

    const noAddress = await b.post(`${page}/delivery?lang=en`, { idempotencyKey: randomUUID(), deliveryMethod: 'POS', address: 'short' });
    expect(noAddress.status).toBe(400);
    expect(noAddress.html).toContain('href="#f-address"');
    // What was typed stays: the address, and Pos still chosen (the application is still on pickup).
    expect(noAddress.html).toMatch(/<textarea[^>]*name="address"[^>]*>short<\/textarea>/);
    expect(noAddress.html).toMatch(/value="POS" checked=""/);
    expect(noAddress.html).not.toMatch(/value="PICKUP" checked=""/);
    const x = await b.post(`${page}/delivery?lang=id`, { idempotencyKey: randomUUID(), deliveryMethod: 'POS', address: 'x' });
    expect(x.html).toContain('Alamat pos: tulis alamat pos yang lengkap (jalan, nomor, kota), paling sedikit 10 karakter.');
    expect(await b.post(`${page}/delivery`, { idempotencyKey: randomUUID(), deliveryMethod: 'POS', address: 'Jl. Diponegoro No. 5, Palu, Sulawesi Tengah' })).toMatchObject({ status: 303 });
    expect((await b.get(`${page}?lang=id`)).html).toContain('Dikirim Pos Indonesia'); // the English form above kept English
    expect(await b.post(`${page}/cancel`, { idempotencyKey: randomUUID(), reason: 'Jadwal kerja berubah' })).toMatchObject({ status: 303 });
    expect((await b.get(page)).html).toContain('Dibatalkan');
    const again = await b.post(`${page}/cancel?lang=en`, { idempotencyKey: randomUUID() });
    expect(again.status).toBe(409);
    expect(again.html).toMatch(/This application is closed; nothing about it can change now\.|This step cannot be done at the stage Cancelled\./);
  });

  it('joins the waitlist of a full session, leaves it, and takes the seat offered through the forms', async () => {
    // An office of one seat a session (a fixture, as in waitlist.test.ts), its first morning taken through the API.
    const one = { REGULAR: 1, PRIORITY: 0, SAME_DAY: 0 };
    const office = await officeWith(s.db, 'Q', 'Asia/Makassar', { MORNING: one, AFTERNOON: one });
    const date = await nextWorkingDay(s.db, office);
    const paid = async (auth: Record<string, string>) => {
      const submitted = await s.call('POST', '/applications', { ...sampleSubmission(), officeCode: office }, auth);
      expect((await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback(submitted.body)).send()).status).toBe(202);
      return submitted.body.applicationId as string;
    };
    const { auth: booker } = await s.applicant();
    const taken = await paid(booker);
    await eventually(() => s.call('POST', `/applications/${taken}/booking`, { date, session: 'MORNING' }, booker), (answer) => answer.status === 200);

    const { b } = await registered();
    const mine = await paid({ authorization: `Bearer ${b.cookies.get('passport_session')}` });
    const page = `/portal/applications/${mine}`;
    const calendar = await eventually(() => b.get(page), (answer) => answer.html.includes('Pilih jadwal wawancara'));
    expect(calendar.html).toMatch(new RegExp(`value="${date}\\|MORNING" */?>\\s*<label[^>]*>Penuh \\(0 menunggu\\)`));
    const full = await b.post(`${page}/booking`, { idempotencyKey: randomUUID(), slot: `${date}|MORNING`, intent: 'book' });
    expect(full.status).toBe(409); // a full session is said plainly; the waitlist is the way in
    expect(full.html).toContain('Sesi ini sudah penuh. Pilih sesi lain, atau masuk daftar tunggu sesi ini.');
    expect(await b.post(`${page}/booking`, { idempotencyKey: randomUUID(), slot: `${date}|MORNING`, intent: 'waitlist' })).toMatchObject({ status: 303 });
    expect((await b.get(page)).html).toContain('Anda urutan ke-1');
    expect(await b.post(`${page}/waitlist/leave`, { idempotencyKey: randomUUID() })).toMatchObject({ status: 303 });
    expect((await b.get(page)).html).not.toContain('Anda urutan ke-1');

    // In line again; the seat's holder cancels: the seat is offered here, and the form takes it.
    expect(await b.post(`${page}/booking`, { idempotencyKey: randomUUID(), slot: `${date}|MORNING`, intent: 'waitlist' })).toMatchObject({ status: 303 });
    expect((await s.call('POST', `/applications/${taken}/cancel`, { reason: 'Jadwal kerja berubah' }, booker)).status).toBe(200);
    const offered = await eventually(() => b.get(page), (answer) => answer.html.includes('Ambil kursi ini'));
    expect(offered.html).toContain('Sebuah kursi ditahan untuk Anda sampai');
    const acceptForm = offered.html.slice(offered.html.indexOf(`action="${page}/waitlist/accept"`));
    const offerId = /name="offerId" value="([^"]+)"/.exec(acceptForm)![1]!;
    const accept = { idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(acceptForm)![1]!, offerId };
    expect(await b.post(`${page}/waitlist/accept`, accept)).toMatchObject({ status: 303 });
    expect(await b.post(`${page}/waitlist/accept`, accept)).toMatchObject({ status: 303 }); // a double tap: one booking
    const booked = await b.get(page);
    expect(booked.html).toContain('Menunggu wawancara');
    expect(booked.html).not.toContain('Ambil kursi ini');
    const mineNow = await s.call('GET', `/applications/${mine}`, undefined, { authorization: `Bearer ${b.cookies.get('passport_session')}` });
    expect(mineNow.body).toMatchObject({ stage: 'AWAITING_INTERVIEW', appointment: { date, session: 'MORNING' } });
  });

  it('sends a person whose token is no longer good to sign in again, back to the page asked', async () => {
    const b = browser();
    b.cookies.set('passport_session', 'expired.or.forged');
    const answer = await b.get('/portal/applications?lang=id');
    expect(answer).toMatchObject({ status: 303, location: '/portal/sign-in?next=%2Fportal%2Fapplications%3Flang%3Did&expired=1' });
    expect(answer.setCookie.join('\n')).toMatch(/passport_session=;/);
    const page = await b.get(answer.location!);
    expect(page.html).toContain('Sesi Anda berakhir.');
    expect(page.html).toContain('action="/portal/sign-in?next=%2Fportal%2Fapplications%3Flang%3Did"');
    // A form posted with it: back to the page the form was on, not to the form's address.
    b.cookies.set('passport_session', 'expired.or.forged');
    const posted = await b.post(`/portal/applications/${randomUUID()}/cancel`, { reason: 'tidak jadi' });
    expect(posted.location).toMatch(/^\/portal\/sign-in\?next=%2Fportal%2Fapplications%2F[0-9a-f-]{36}&expired=1$/);
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
    // The API's specific reasons in Indonesian words: a NIK of a woman for a man, a name with a control
    // character, an address too long, a birth date to come.
    const specific = await b.post('/portal/applications?lang=id', form({ sex: 'M', fullName: 'Siti\u0007Bad', address: `Jl. ${'Panjang '.repeat(50)}`, birthDate: '2999-01-01' }));
    expect(specific.status).toBe(400);
    expect(specific.html).not.toContain('\u0007'); // shown back as U+FFFD, never raw
    expect(specific.html).toContain('Siti\ufffdBad');
    const said = [...specific.html.matchAll(/<a href="#f-[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(said).toEqual(expect.arrayContaining([
      expect.stringMatching(/^NIK: tidak cocok dengan tanggal lahir dan jenis kelamin/),
      expect.stringMatching(/: berisi karakter yang tidak dapat dipakai/),
      expect.stringMatching(/: terlalu panjang\.$/),
      expect.stringMatching(/: tidak boleh tanggal yang akan datang\.$/),
    ]));
    expect(new Set(said).size).toBe(said.length);
  });

  it('says why each field is refused, in words, and the incident beside its fields', async () => {
    const { b } = await registered();
    const saidIn = (html: string) => Object.fromEntries([...html.matchAll(/<a href="#(f-[^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]));
    const bad = await b.post('/portal/applications?lang=id', form({ sex: '', email: 'bukan-email', noticeChannels: [] }));
    expect(bad.status).toBe(400);
    expect(saidIn(bad.html)).toEqual({
      'f-sex': 'Jenis kelamin: pilih Perempuan atau Laki-laki, seperti pada KTP.',
      'f-email': 'Email: tulis alamat email yang lengkap, misalnya nama@contoh.id.',
      'f-noticeChannels': 'Pemberitahuan dikirim lewat: centang paling sedikit satu saluran.',
    });
    expect(bad.html).not.toContain('periksa kembali isian ini');
    // At least one channel is needed, so the choice is not marked optional.
    expect(bad.html).toMatch(/Pemberitahuan dikirim lewat <span class="req">\(wajib\)<\/span>/);
    // The incident as a whole: named in words, linked to its first field, and said under the group's legend.
    const lost = await b.post('/portal/applications?lang=id', form({ applicationType: 'LOST' }));
    // The incident's fields say when they are required, never "(tidak wajib)".
    expect(lost.html).toMatch(/>Tanggal kejadian <span class="req">\(wajib untuk paspor hilang atau rusak\)<\/span>/);
    expect(lost.html).toMatch(/>Nomor surat keterangan hilang dari polisi <span class="req">\(wajib untuk paspor hilang\)<\/span>/);
    expect(saidIn(lost.html)).toEqual({ 'f-incidentReport-date': 'Kejadian: wajib diisi untuk paspor hilang atau rusak: tanggal, tempat, dan apa yang terjadi.' });
    expect(lost.html).toMatch(/<fieldset class="group has-error" aria-describedby="f-incidentReport-error"><legend>[^<]+<\/legend><p class="field-error" id="f-incidentReport-error">Kejadian: wajib diisi/);
  });

  it('answers a new application sent twice at once with the one application made', async () => {
    const { b } = await registered();
    const nik = sampleSubmission().nik;
    const both = await Promise.all([b.post('/portal/applications', form({ nik })), b.post('/portal/applications', form({ nik }))]);
    expect(both.map((a) => a.status)).toEqual([303, 303]);
    const ids = both.map((a) => /^\/portal\/applications\/([0-9a-f-]{36})\?(submitted|existing)=1$/.exec(a.location ?? '')?.[1]);
    expect(ids[0]).toBeDefined();
    expect(ids[1]).toBe(ids[0]);
    const second = both.find((a) => a.location!.endsWith('?existing=1'))!;
    expect((await b.get(second.location!)).html).toContain('Permohonan untuk NIK ini sudah diterima dan sedang berjalan');
    // The same NIK from another account is not this person's: a refusal in words, nothing of the other shown.
    const { b: other } = await registered();
    const refused = await other.post('/portal/applications', form({ nik }));
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('NIK ini sudah punya permohonan yang sedang berjalan.');
  });

  it('answers a form too large, and a staff token, with a page that says what happened', async () => {
    const { b } = await registered();
    const big = await b.post('/portal/applications?lang=en', form({ address: 'x'.repeat(100_000) }));
    expect(big.status).toBe(413);
    expect(big.html).toContain('The form is too long to send. Shorten the long fields, then send it again.');
    expect(big.html).toContain('<main');
    expect(big.headers.get('cache-control')).toBe('no-store');
    expect(big.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(big.html).toContain('href="/portal/applications?lang=id"');
    // An officer's token in the applicants' portal: a page that says so, not an empty answer.
    const staff = browser();
    staff.cookies.set('passport_session', await s.officerToken('PLU'));
    for (const path of ['/portal/applications', `/portal/applications/${randomUUID()}`]) {
      const answer = await staff.get(path);
      expect(answer.status).toBe(403);
      expect(answer.html).toContain('Ini portal pemohon');
      expect(answer.html).toContain('action="/portal/sign-out"');
    }
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
