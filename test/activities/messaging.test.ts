// WhatsApp and SMS adapters over real HTTP: to the local message sink (its page and JSON list), and against a
// provider that fails: 429 and 5xx and no answer are temporary, a refused number permanent, never quoting it.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagingFailure, smsHttpClient, whatsappCloudClient } from '../../activities/notices/messaging.js';
import { startMessageSink, type MessageSink } from '../../scripts/message-sink.js';

let sink: MessageSink;
beforeAll(async () => {
  sink = await startMessageSink({ port: 0 });
});
afterAll(() => sink?.stop());

/** A provider answering every request with `status` (or never, with 0). */
async function provider(status: number): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    if (status === 0) return; // hung: accepted, never answered
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Recipient +6281299990000 is busy' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}
const stop = (server: Server) => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())));

describe('the message sink and the adapters', () => {
  it('takes an SMS in the adapter’s own shape and a WhatsApp message in the Cloud API’s, and lists both', async () => {
    const sms = smsHttpClient({ apiUrl: sink.settings.SMS_API_URL, token: sink.settings.SMS_TOKEN });
    const whatsapp = whatsappCloudClient({ apiUrl: sink.settings.WHATSAPP_API_URL, phoneNumberId: sink.settings.WHATSAPP_PHONE_NUMBER_ID, token: sink.settings.WHATSAPP_TOKEN });
    const a = await sms.send({ to: '+6281200000001', text: 'Pembayaran diterima', messageId: 'notice-application-7-sms' });
    const b = await whatsapp.send({ to: '+6281200000002', text: 'Payment received', messageId: 'notice-application-7-whatsapp' });
    expect(a.providerMessageId).toMatch(/^sms\./);
    expect(b.providerMessageId).toMatch(/^wamid\./);
    const listed = (await (await fetch(`${sink.url}/api/messages`)).json()) as Array<Record<string, string>>;
    expect(listed).toEqual([
      expect.objectContaining({ channel: 'SMS', to: '+6281200000001', text: 'Pembayaran diterima', reference: 'notice-application-7-sms', id: a.providerMessageId }),
      expect.objectContaining({ channel: 'WHATSAPP', to: '6281200000002', text: 'Payment received', id: b.providerMessageId }),
    ]);
    const page = await fetch(`${sink.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Payment received');
  });

  it('retries a wrong token (401: the operator fixes it, no notice is dropped meanwhile); refuses a number it was told to refuse (400) for good', async () => {
    const wrong = whatsappCloudClient({ apiUrl: sink.settings.WHATSAPP_API_URL, phoneNumberId: sink.settings.WHATSAPP_PHONE_NUMBER_ID, token: 'nope' });
    expect(await wrong.send({ to: '+6281200000003', text: 'x', messageId: 'm' }).catch((e: unknown) => e)).toMatchObject({ permanent: false, status: 401 });
    sink.refuse('+6281200000004');
    const sms = smsHttpClient({ apiUrl: sink.settings.SMS_API_URL, token: sink.settings.SMS_TOKEN });
    const refused = await sms.send({ to: '+6281200000004', text: 'x', messageId: 'm' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MessagingFailure);
    expect(refused).toMatchObject({ permanent: true, status: 400 });
    expect((refused as Error).message).not.toContain('6281200000004');
  });

  it('treats 403 and 404 (this service’s own setup), 429, 503 and a provider that never answers as temporary, without quoting a number', async () => {
    for (const status of [403, 404, 429, 503]) {
      const { url, server } = await provider(status);
      const failure = await smsHttpClient({ apiUrl: url, token: 't' }).send({ to: '+6281299990000', text: 'x', messageId: 'm' }).catch((e: unknown) => e);
      await stop(server);
      expect(failure).toMatchObject({ name: 'MessagingFailure', permanent: false, status });
      expect((failure as Error).message).not.toContain('6281299990000');
    }
    const { url, server } = await provider(0);
    const started = Date.now();
    const hung = await whatsappCloudClient({ apiUrl: url, phoneNumberId: '1', token: 't', timeoutMs: 500 }).send({ to: '+6281299990000', text: 'x', messageId: 'm' }).catch((e: unknown) => e);
    await stop(server);
    expect(hung).toMatchObject({ name: 'MessagingFailure', permanent: false });
    expect((hung as Error).message).toContain('did not answer within 500 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
