// A local stand-in for the WhatsApp and SMS providers (embedded mode, tests): it takes both adapters' requests
// (activities/notices/messaging.ts), keeps every message, and shows them on a plain page. Loopback only.
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';

export interface SinkMessage {
  id: string;
  channel: 'WHATSAPP' | 'SMS';
  to: string;
  text: string;
  /** The SMS adapter's reference (the same on every retry of one notice); WhatsApp has none. */
  reference?: string;
  receivedAt: string;
}

export interface MessageSink {
  url: string;
  /** WHATSAPP_API_URL, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_TOKEN, SMS_API_URL, SMS_TOKEN for a worker that sends here. */
  settings: Record<'WHATSAPP_API_URL' | 'WHATSAPP_PHONE_NUMBER_ID' | 'WHATSAPP_TOKEN' | 'SMS_API_URL' | 'SMS_TOKEN', string>;
  messages(): SinkMessage[];
  /** From now on, messages to this number are refused as a provider refuses a number that cannot receive them (400). */
  refuse(to: string): void;
  stop(): Promise<void>;
}

/** The phone number id and token the sink expects (it checks the token, as a provider would). */
const PHONE_NUMBER_ID = 'sink-number';
const TOKEN = 'sink-token';
const MAX_BODY = 64 * 1024;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const digitsOf = (phone: string) => phone.replace(/\D/g, '');

/** A request's JSON object, at most MAX_BODY bytes; undefined for anything else (also used by scripts/fake-dukcapil.ts). */
export async function readJson(req: IncomingMessage): Promise<Record<string, any> | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, any>) : undefined;
  } catch {
    return undefined;
  }
}

const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type });
  res.end(type === 'application/json' ? JSON.stringify(body) : String(body));
};

function page(messages: SinkMessage[]): string {
  const rows = messages
    .slice()
    .reverse()
    .map((m) => `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${m.channel}</td><td>${escapeHtml(m.to)}</td><td><pre>${escapeHtml(m.text)}</pre></td></tr>`)
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Messages (WhatsApp, SMS)</title>
<style>body{font-family:sans-serif;margin:2em}td{vertical-align:top;padding:.4em;border-bottom:1px solid #ddd}pre{white-space:pre-wrap;margin:0}</style></head>
<body><h1>Messages sent (WhatsApp, SMS)</h1><p>${messages.length} message(s), newest first. JSON: <a href="/api/messages">/api/messages</a></p>
<table><tr><th>received</th><th>channel</th><th>to</th><th>text</th></tr>
${rows}</table></body></html>`;
}

/**
 * Starts the sink on `host:port` (port 0: a free one). WhatsApp: `POST /whatsapp/<phone number id>/messages` in the
 * Cloud API's shape; SMS: `POST /sms/messages` with `{to, text, reference}`; both need `Authorization: Bearer
 * <token>`. `GET /` lists the messages as a page, `GET /api/messages` as JSON. With `dir`, each message is also
 * appended to `<dir>/messages.jsonl`.
 */
export async function startMessageSink({ port, host = '127.0.0.1', dir }: { port: number; host?: string; dir?: string }): Promise<MessageSink> {
  const messages: SinkMessage[] = [];
  const refused = new Set<string>();
  if (dir) await mkdir(dir, { recursive: true });

  const keep = async (message: SinkMessage) => {
    messages.push(message);
    if (dir) await appendFile(join(dir, 'messages.jsonl'), `${JSON.stringify(message)}\n`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://sink').pathname;
    if (req.method === 'GET' && path === '/') return send(res, 200, page(messages), 'text/html; charset=utf-8');
    if (req.method === 'GET' && path === '/api/messages') return send(res, 200, messages);
    const whatsapp = path === `/whatsapp/${PHONE_NUMBER_ID}/messages`;
    if (req.method !== 'POST' || !(whatsapp || path === '/sms/messages')) return send(res, 404, { error: { message: `no ${req.method} ${path} here` } });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(res, 401, { error: { message: 'invalid access token' } });
    const body = await readJson(req);
    const to = typeof body?.to === 'string' ? body.to : undefined;
    const text = whatsapp ? body?.text?.body : body?.text;
    if (!to || typeof text !== 'string' || (whatsapp && (body?.messaging_product !== 'whatsapp' || body.type !== 'text'))) {
      return send(res, 400, { error: { message: whatsapp ? 'expected {messaging_product: "whatsapp", to, type: "text", text: {body}}' : 'expected {to, text, reference}' } });
    }
    if (refused.has(digitsOf(to))) return send(res, 400, { error: { message: 'recipient cannot receive messages (refused by the sink)', code: 131026 } });
    const id = `${whatsapp ? 'wamid' : 'sms'}.${randomUUID()}`;
    await keep({ id, channel: whatsapp ? 'WHATSAPP' : 'SMS', to, text, ...(typeof body?.reference === 'string' && { reference: body.reference }), receivedAt: new Date().toISOString() });
    return whatsapp ? send(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id }] }) : send(res, 200, { id });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: { message: error instanceof Error ? error.message : 'sink error' } }));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const url = `http://${host}:${(server.address() as { port: number }).port}`;
  return {
    url,
    settings: { WHATSAPP_API_URL: `${url}/whatsapp`, WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID, WHATSAPP_TOKEN: TOKEN, SMS_API_URL: `${url}/sms/messages`, SMS_TOKEN: TOKEN },
    messages: () => messages.slice(),
    refuse: (to) => void refused.add(digitsOf(to)),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
