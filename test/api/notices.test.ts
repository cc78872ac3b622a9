// End to end: what an applicant receives. Applications go through the HTTP API, the worker records each notice
// and delivers it through real SMTP to a local mail catcher (maildev, read back over its REST API) and through the
// local WhatsApp sink; the tests read the inbox as the applicant would: exactly the expected notices, in the
// applicant's language, with dates and session times in the office's time zone, and no personal data in Temporal.
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../activities/mail.js';
import { smsHttpClient, whatsappCloudClient } from '../../activities/notices/messaging.js';
import { startMessageSink, type MessageSink } from '../../scripts/message-sink.js';
import { noticeDeliveryWorkflowId } from '../../workflows/definitions.js';
import { paymentCallback } from '../support/bank.js';
import { startMailCatcher, type MailCatcher } from '../support/maildev.js';
import { nextWorkingDay } from '../support/read-model.js';
import { eventually, startService } from '../support/service.js';
import { findPersonalData, sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
let catcher: MailCatcher;
let sink: MessageSink;
beforeAll(async () => {
  catcher = await startMailCatcher();
  sink = await startMessageSink({ port: 0 });
  const { WHATSAPP_API_URL, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_TOKEN, SMS_API_URL, SMS_TOKEN } = sink.settings;
  s = await startService({
    notices: {
      email: smtpMailer({ url: catcher.smtpUrl, from: 'Layanan Paspor <no-reply@passport.test>', timeoutMs: 5_000 }),
      whatsapp: whatsappCloudClient({ apiUrl: WHATSAPP_API_URL, phoneNumberId: WHATSAPP_PHONE_NUMBER_ID, token: WHATSAPP_TOKEN, timeoutMs: 5_000 }),
      sms: smsHttpClient({ apiUrl: SMS_API_URL, token: SMS_TOKEN, timeoutMs: 5_000 }),
      retryForMs: 3_600_000,
    },
  });
}, 120_000);
afterAll(async () => {
  await s?.stop();
  await sink?.stop();
  await catcher?.stop();
});

/** The applications this file submitted (the database is shared with other test files). */
const submittedHere: string[] = [];

/** An applicant of their own: an address and a phone number no other test uses. */
const contact = () => ({ email: `applicant-${randomUUID()}@example.test`, phone: `+62812${randomInt(10_000_000, 99_999_999)}` });
const mailsTo = async (email: string) => (await catcher.messages()).filter((m) => m.to.some((r) => r.address === email));
/** The number as the providers receive it: international, even when the applicant typed the local form 08…. */
const asSent = (phone: string) => (phone.startsWith('0') ? `62${phone.slice(1)}` : phone.replace(/\D/g, ''));
const whatsappTo = async (phone: string) => sink.messages().filter((m) => m.channel === 'WHATSAPP' && m.to === asSent(phone));
const stageOf = async (trackingCode: string) => (await s.call('GET', `/track/${trackingCode}`)).body.stage as string;

/** A calendar date as the office's people read it, e.g. "Monday, 7 December 2026" (noon UTC is that day everywhere in Indonesia). */
const dayName = (date: string, locale: 'en-GB' | 'id-ID') =>
  new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${date}T12:00:00Z`));

/** Submitted through the API and paid by the bank's signed callback; waits until booking is open. */
async function submitAndPay(overrides: Record<string, unknown>) {
  const { auth } = await s.applicant();
  const person = { ...contact(), ...(typeof overrides.phone === 'string' && { phone: overrides.phone }) };
  const submitted = await s.call('POST', '/applications', { ...sampleSubmission(), ...person, ...overrides }, auth);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const { applicationId, trackingCode, billingCode, amount } = submitted.body;
  submittedHere.push(applicationId);
  // The first notice is in the inbox before anything else happens.
  await eventually(() => mailsTo(person.email), (mails) => mails.length === 1);
  const paid = await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback({ billingCode, amount })).send();
  expect(paid).toMatchObject({ status: 202, body: { status: 'accepted' } });
  await eventually(() => stageOf(trackingCode), (stage) => stage === 'AWAITING_BOOKING');
  return { ...person, applicationId, trackingCode, billingCode, auth };
}

/** Once every notice of the application is delivered (or failed) on every channel: its notices' kinds, in order. */
async function deliveredNotices(applicationId: string, expected: number) {
  const settled = async () => {
    const notices = await s.db.selectFrom('notifications').select(['id', 'kind']).where('application_id', '=', applicationId).orderBy('id').execute();
    const open = await s.db
      .selectFrom('notice_deliveries')
      .select('notice_id')
      .where('source', '=', 'application')
      .where('notice_id', 'in', notices.length ? notices.map((n) => String(n.id)) : ['0'])
      .where('status', '=', 'SENDING')
      .execute();
    const sent = await s.db.selectFrom('notifications').select('id').where('application_id', '=', applicationId).where('sent_at', 'is not', null).execute();
    return { notices, done: notices.length === expected && open.length === 0 && sent.length === expected };
  };
  return (await eventually(settled, (r) => r.done, 60_000)).notices;
}

describe('notices an applicant receives', () => {
  it('happy path in English at Jayapura: every notice once by email and WhatsApp, times in WIT, the booking with its invitation', async () => {
    // The applicant types the phone number the way Indonesians write it, 08…; WhatsApp is sent to +62….
    const app = await submitAndPay({ officeCode: 'JPR', language: 'en', noticeChannels: ['EMAIL', 'WHATSAPP'], phone: `0812${randomInt(10_000_000, 99_999_999)}` });
    const date = await nextWorkingDay(s.db, 'JPR');
    s.comesOnTheDay(app.applicationId); // the dev server's clock cannot move to the appointment day
    const booked = await s.call('POST', `/applications/${app.applicationId}/booking`, { date, session: 'AFTERNOON' }, app.auth);
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    const officer = { authorization: `Bearer ${await s.officerToken('JPR')}` };
    expect((await s.call('POST', `/officer/applications/${app.applicationId}/interview`, { outcome: 'APPROVED' }, officer)).status).toBe(200);
    expect((await s.call('POST', `/officer/applications/${app.applicationId}/printing`, { passportNumber: 'E3141592' }, officer)).status).toBe(200);
    expect((await s.call('POST', `/officer/applications/${app.applicationId}/handover`, undefined, officer)).body.stage).toBe('COMPLETED');

    const notices = await deliveredNotices(app.applicationId, 4);
    expect(notices.map((n) => n.kind)).toEqual(['SUBMITTED', 'PAYMENT_CONFIRMED', 'BOOKING_CONFIRMED', 'READY_FOR_PICKUP']);
    const mails = await mailsTo(app.email);
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Application received: pay IDR 950,000 with billing code \d{15}$/),
      `Payment received: ${app.trackingCode}`,
      `Interview booked: ${app.trackingCode}`,
      `Passport ready for pickup: ${app.trackingCode}`,
    ]);
    // Each notice is one message, whatever retries happened: one Message-ID each.
    expect(new Set(mails.map((m) => m.messageId ?? m.headers['message-id'])).size).toBe(4);

    const [submitted, paid, booking, ready] = mails;
    expect(submitted?.text).toContain(`Billing code: ${app.billingCode}`);
    expect(submitted?.text).toMatch(/Pay before: \w+day, \d{1,2} \w+ \d{4} at \d{2}:\d{2} WIT/);
    expect(paid?.text).toMatch(/Book an interview session before .* WIT\./);
    // The session as the office's clock shows it (Jayapura's afternoon, 13:00-16:00 WIT), the office's address, the
    // documents to bring, and a calendar invitation.
    const office = await s.db.selectFrom('offices').select(['name', 'address']).where('code', '=', 'JPR').executeTakeFirstOrThrow();
    expect(booking?.text).toContain(`Your session: ${dayName(date, 'en-GB')}, 13:00 WIT - 16:00 WIT`);
    expect(booking?.text).toContain(office.address);
    expect(booking?.text).toContain(office.name);
    expect(booking?.text).toMatch(/Documents to bring \(originals\):\n/);
    expect(booking?.attachments?.map((a) => a.contentType)).toEqual(expect.arrayContaining([expect.stringContaining('text/calendar'), 'image/png']));
    expect(ready?.text).toMatch(/Collect it at .* before .* WIT\./);

    // WhatsApp carries the same four notices, in English, each with the tracking code.
    const messages = await eventually(() => whatsappTo(app.phone), (m) => m.length === 4);
    expect(messages.map((m) => m.text.split('\n')[0])).toEqual(mails.map((m) => m.subject));
    for (const message of messages) expect(message.text).toContain(`Tracking code: ${app.trackingCode}`);
    expect(sink.messages().filter((m) => m.to.endsWith(app.phone.slice(1)) && m.to !== asSent(app.phone))).toEqual([]); // never the local form
    expect(sink.messages().filter((m) => m.channel === 'SMS' && m.to === asSent(app.phone))).toEqual([]);
  });

  it('a no-show in Bahasa Indonesia at Palu, the language changed to English by the applicant half-way: each notice in the language of its day', async () => {
    const app = await submitAndPay({ officeCode: 'PLU', noticeChannels: ['EMAIL'] });
    const [first] = await mailsTo(app.email);
    expect(first?.subject).toMatch(/^Permohonan diterima: bayar Rp 950\.000 dengan kode billing \d{15}$/);
    expect(first?.text).toMatch(/Bayar sebelum: \w+, \d{1,2} \w+ \d{4} pukul \d{2}\.\d{2} WITA/);
    await eventually(() => mailsTo(app.email), (mails) => mails.length === 2);

    // From now on in English, by email only.
    const changed = await s.call('PUT', `/applications/${app.applicationId}/notice-settings`, { language: 'en', noticeChannels: ['EMAIL'] }, app.auth);
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);

    const date = await nextWorkingDay(s.db, 'PLU');
    s.dayEndsSoon(app.applicationId, 3_000); // nobody comes, nobody records anything: the day ends
    expect((await s.call('POST', `/applications/${app.applicationId}/booking`, { date, session: 'MORNING' }, app.auth)).status).toBe(200);
    await eventually(() => stageOf(app.trackingCode), (stage) => stage === 'AWAITING_BOOKING', 60_000);

    const notices = await deliveredNotices(app.applicationId, 4);
    expect(notices.map((n) => n.kind)).toEqual(['SUBMITTED', 'PAYMENT_CONFIRMED', 'BOOKING_CONFIRMED', 'NO_SHOW']);
    const mails = await mailsTo(app.email);
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Permohonan diterima/),
      `Pembayaran diterima: ${app.trackingCode}`,
      `Interview booked: ${app.trackingCode}`,
      `You missed your interview: ${app.trackingCode}`,
    ]);
    const noShow = mails[3];
    // The missed session in Palu's zone (WITA, morning 08:00-12:00), and the one new booking allowed, with its deadline.
    expect(noShow?.text).toContain(`You did not come to your session ${dayName(date, 'en-GB')}, 08:00 WITA - 12:00 WITA`);
    expect(noShow?.text).toMatch(/You may book one new session before .* WITA\./);
    expect(await whatsappTo(app.phone)).toEqual([]); // the applicant chose email only
  });

  it('no email, phone or name in any application or delivery workflow history', async () => {
    expect(await s.personalDataInHistories()).toEqual([]);
    const rows = await s.db
      .selectFrom('notifications as n')
      .innerJoin('applications as a', 'a.id', 'n.application_id')
      .select(['n.id', 'a.email', 'a.phone', 'a.full_name', 'a.nik'])
      .where('a.id', 'in', submittedHere)
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(8);
    const deliveries = rows.map((r) => ({ workflowId: noticeDeliveryWorkflowId('application', String(r.id)), personal: [r.email, r.phone, r.full_name, r.nik], marker: `"noticeId":"${r.id}"` }));
    expect(await findPersonalData(s.env.client, deliveries)).toEqual([]);
  });
});
