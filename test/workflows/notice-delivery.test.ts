// A recorded notice delivered: by email through real SMTP (maildev, read back over its REST API) and by WhatsApp
// through the local message sink, exactly once whatever the retries; a permanent refusal stops retrying, a
// temporary one is retried until sent; and no address, phone or name in the delivery workflows' histories.
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../activities/index.js';
import { smtpMailer } from '../../activities/mail.js';
import { whatsappCloudClient } from '../../activities/notices/messaging.js';
import type { NoticeChannelClients } from '../../activities/notices/send.js';
import { noticeDeliveryStarter } from '../../activities/notices/start.js';
import { startMessageSink, type MessageSink } from '../../scripts/message-sink.js';
import { noticeDeliveryWorkflowId, type NoticeChannel } from '../../workflows/definitions.js';
import { startMailCatcher, startRefusingSmtp, type MailCatcher } from '../support/maildev.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { eventually } from '../support/eventually.js';
import { findPersonalData, startTimeSkipping } from '../support/workflows.js';

const from = 'Layanan Paspor <no-reply@passport.test>';
const RETRY_MS = 2 * 86_400_000;

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
let catcher: MailCatcher;
let sink: MessageSink;
const delivered: Array<{ workflowId: string; personal: string[]; marker: string }> = [];

beforeAll(async () => {
  t = await startTimeSkipping();
  catcher = await startMailCatcher();
  sink = await startMessageSink({ port: 0 });
}, 120_000);
afterAll(async () => {
  await sink?.stop();
  await catcher?.stop();
  await t?.teardown();
});

/** An application of its own (its own email and phone) and a PAYMENT_CONFIRMED notice recorded for it. */
async function recordedNotice(channels: NoticeChannel[], language: 'id' | 'en' = 'id') {
  const email = `applicant-${randomUUID()}@example.test`;
  const phone = `+62812${randomInt(10_000_000, 99_999_999)}`;
  const { applicationId } = await t.submit({ email, phone, fullName: 'Dewi Lestari' });
  await t.db.updateTable('applications').set({ notice_channels: channels, language }).where('id', '=', applicationId).execute();
  const { id: recorded } = await t.db
    .insertInto('notifications')
    .values({ application_id: applicationId, effect_key: `test-${randomUUID()}`, kind: 'PAYMENT_CONFIRMED', details: JSON.stringify({ bookingDeadline: '2026-12-20T16:00:00.000Z' }), created_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = String(recorded); // bigint: the pool may hand it over as a number
  delivered.push({ workflowId: noticeDeliveryWorkflowId('application', id), personal: [email, phone, 'Dewi Lestari'], marker: `"noticeId":"${id}"` });
  return { noticeId: id, email, phone };
}

// Retries wait in real time (the server does not skip an activity's backoff): the first after 1 s here, not 10 s.
const emailOnly = (smtpUrl: string): NoticeChannelClients => ({ email: smtpMailer({ url: smtpUrl, from, timeoutMs: 3_000 }), retryForMs: RETRY_MS, firstRetryMs: 1_000 });

/** Starts the notice's delivery (twice when asked, as a recording activity's retry would) and waits for its outcome. */
async function deliver(noticeId: string, notices: NoticeChannelClients, opts: { starts?: number; around?: (a: Activities) => Activities } = {}) {
  return t.withWorker(
    async () => {
      const start = noticeDeliveryStarter(t.client, t.taskQueue);
      for (let i = 0; i < (opts.starts ?? 1); i += 1) await start('application', noticeId);
      return t.client.workflow.getHandle(noticeDeliveryWorkflowId('application', noticeId)).result();
    },
    { notices },
    opts.around,
  );
}

const ledger = (noticeId: string) => t.db.selectFrom('notice_deliveries').selectAll().where('source', '=', 'application').where('notice_id', '=', noticeId).orderBy('channel').execute();
const mailsTo = async (email: string) => (await catcher.messages()).filter((m) => m.to.some((r) => r.address === email));

describe('noticeDelivery', () => {
  it('sends an email through SMTP once, even when the delivery is started twice', async () => {
    const { noticeId, email } = await recordedNotice(['EMAIL']);
    expect(await deliver(noticeId, emailOnly(catcher.smtpUrl), { starts: 2 })).toEqual({ EMAIL: 'SENT' });
    const mails = await mailsTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toMatch(/^Pembayaran diterima/);
    expect(mails[0]?.headers['message-id']).toBe(`<notice-application-${noticeId}-email@passport.test>`);
    const [row] = await ledger(noticeId);
    expect(row).toMatchObject({ channel: 'EMAIL', status: 'SENT', attempts: 1, permanent_failure: false, last_error: null, provider_message_id: `<notice-application-${noticeId}-email@passport.test>` });
    const notice = await t.db.selectFrom('notifications').select('sent_at').where('id', '=', noticeId).executeTakeFirstOrThrow();
    expect(notice.sent_at).toBeInstanceOf(Date);
  });

  it('does not send again when an attempt that sent is retried (its completion lost)', async () => {
    const { noticeId, email } = await recordedNotice(['EMAIL']);
    let lost = false;
    const loseFirstCompletion = (a: Activities): Activities => ({
      ...a,
      sendNotice: async (req) => {
        const result = await a.sendNotice(req);
        if (!lost) {
          lost = true;
          throw new Error('the worker lost the completion');
        }
        return result;
      },
    });
    expect(await deliver(noticeId, emailOnly(catcher.smtpUrl), { around: loseFirstCompletion })).toEqual({ EMAIL: 'SENT' });
    expect(lost).toBe(true);
    expect(await mailsTo(email)).toHaveLength(1);
    expect((await ledger(noticeId))[0]).toMatchObject({ status: 'SENT', attempts: 1 });
  });

  it('stops at a permanent refusal (550 to RCPT TO) and records it without the address', async () => {
    const refusing = await startRefusingSmtp();
    try {
      const { noticeId, email } = await recordedNotice(['EMAIL']);
      expect(await deliver(noticeId, emailOnly(refusing.smtpUrl))).toEqual({ EMAIL: 'FAILED' });
      const [row] = await ledger(noticeId);
      expect(row).toMatchObject({ status: 'FAILED', attempts: 1, permanent_failure: true, sent_at: null });
      expect(row?.last_error).toContain('550');
      expect(row?.last_error).not.toContain(email);
    } finally {
      await refusing.stop();
    }
  });

  it('retries while the SMTP server is down, and sends once when it is back', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(catcher.smtpUrl).port) });
    try {
      await proxy.cut();
      const { noticeId, email } = await recordedNotice(['EMAIL']);
      const outcome = t.withWorker(async () => {
        await noticeDeliveryStarter(t.client, t.taskQueue)('application', noticeId);
        // The first attempt fails (temporary) while the server is down; then it comes back.
        await eventually(() => ledger(noticeId), (rows) => rows[0]?.status === 'FAILED', 30_000);
        await proxy.restore();
        return t.client.workflow.getHandle(noticeDeliveryWorkflowId('application', noticeId)).result();
      }, { notices: emailOnly(`smtp://127.0.0.1:${proxy.port}`) });
      expect(await outcome).toEqual({ EMAIL: 'SENT' });
      const [row] = await ledger(noticeId);
      expect(row).toMatchObject({ status: 'SENT', permanent_failure: false, last_error: null });
      expect(row?.attempts).toBeGreaterThanOrEqual(2);
      expect(await mailsTo(email)).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('gives a channel up as FAILED (not permanent) when it is still failing at the end of the retry time', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(catcher.smtpUrl).port) });
    await proxy.cut(); // and never back
    try {
      const { noticeId, email } = await recordedNotice(['EMAIL']);
      // 4 s of retries (real time: the server does not skip an activity's backoff): attempts at 0 s, 1 s and 3 s.
      expect(await deliver(noticeId, { ...emailOnly(`smtp://127.0.0.1:${proxy.port}`), retryForMs: 4_000 })).toEqual({ EMAIL: 'FAILED' });
      const [row] = await ledger(noticeId);
      expect(row).toMatchObject({ status: 'FAILED', permanent_failure: false, sent_at: null });
      expect(row?.attempts).toBeGreaterThanOrEqual(2);
      expect(row?.last_error).toMatch(/ECONNREFUSED|connect/i);
      expect(await mailsTo(email)).toHaveLength(0);
    } finally {
      await proxy.close();
    }
  });

  it('sends by WhatsApp (the Cloud API shape) and email in parallel, in the applicant’s language', async () => {
    const { noticeId, email, phone } = await recordedNotice(['EMAIL', 'WHATSAPP'], 'en');
    const whatsapp = whatsappCloudClient({ apiUrl: sink.settings.WHATSAPP_API_URL, phoneNumberId: sink.settings.WHATSAPP_PHONE_NUMBER_ID, token: sink.settings.WHATSAPP_TOKEN });
    expect(await deliver(noticeId, { ...emailOnly(catcher.smtpUrl), whatsapp })).toEqual({ EMAIL: 'SENT', WHATSAPP: 'SENT' });
    const messages = sink.messages().filter((m) => m.to === phone.slice(1));
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toMatch(/^Payment received/);
    expect((await mailsTo(email))[0]?.subject).toMatch(/^Payment received/);
    const rows = await ledger(noticeId);
    expect(rows.map((r) => [r.channel, r.status])).toEqual([['EMAIL', 'SENT'], ['WHATSAPP', 'SENT']]);
    expect(rows[1]?.provider_message_id).toBe(messages[0]?.id);
  });

  it('records a number WhatsApp refuses as permanent, without the number; skips SMS, which this worker is not set up for', async () => {
    const { noticeId, phone } = await recordedNotice(['WHATSAPP', 'SMS']);
    sink.refuse(phone);
    const whatsapp = whatsappCloudClient({ apiUrl: sink.settings.WHATSAPP_API_URL, phoneNumberId: sink.settings.WHATSAPP_PHONE_NUMBER_ID, token: sink.settings.WHATSAPP_TOKEN });
    expect(await deliver(noticeId, { whatsapp, retryForMs: RETRY_MS })).toEqual({ WHATSAPP: 'FAILED' });
    const [wa, ...others] = await ledger(noticeId);
    expect(others).toEqual([]);
    expect(wa).toMatchObject({ channel: 'WHATSAPP', status: 'FAILED', attempts: 1, permanent_failure: true });
    expect(wa?.last_error).toContain('400');
    expect(wa?.last_error).not.toContain(phone.slice(1));
  });

  it('sends by email when none of the applicant’s channels is set up here (SMS chosen, only email configured)', async () => {
    const { noticeId, email } = await recordedNotice(['SMS']);
    expect(await deliver(noticeId, emailOnly(catcher.smtpUrl))).toEqual({ EMAIL: 'SENT' });
    expect(await mailsTo(email)).toHaveLength(1);
  });

  it('carries no email, phone or name in the delivery workflows’ histories', async () => {
    expect(delivered.length).toBeGreaterThanOrEqual(7);
    expect(await findPersonalData(t.client, delivered)).toEqual([]);
  });
});
