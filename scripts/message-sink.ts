// `npm start`'s stand-in for the WhatsApp and SMS providers: an HTTP server on loopback that accepts any POSTed
// JSON message (the WhatsApp Cloud API's `/<phone number id>/messages`, an SMS provider's), answers as a provider
// does, keeps each message (in memory, and a line each in `dir`/messages.jsonl), and lists them newest first at
// GET / (a page) and GET /api/messages. A minimal one, with the interface of the delivery part's (settings).
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';

export interface SinkMessage {
  id: string;
  receivedAt: string;
  /** The path it was POSTed to, e.g. /123456/messages: which provider API it was meant for. */
  path: string;
  body: unknown;
}

export interface MessageSink {
  url: string;
  /** WHATSAPP_API_URL, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_TOKEN, SMS_API_URL, SMS_TOKEN for a worker that sends here. */
  settings: Record<'WHATSAPP_API_URL' | 'WHATSAPP_PHONE_NUMBER_ID' | 'WHATSAPP_TOKEN' | 'SMS_API_URL' | 'SMS_TOKEN', string>;
  /** Every message received since the start, oldest first. */
  messages(): SinkMessage[];
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function page(messages: SinkMessage[]): string {
  const rows = messages
    .map((m) => `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.path)}</td><td><pre>${escapeHtml(JSON.stringify(m.body, null, 2))}</pre></td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>WhatsApp and SMS sink</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;vertical-align:top;text-align:left}pre{margin:0;white-space:pre-wrap}</style>
<h1>WhatsApp and SMS messages</h1><p>${messages.length} received, newest first (JSON: <a href="/api/messages">/api/messages</a>).</p>
<table><tr><th>received</th><th>path</th><th>message</th></tr>${rows}</table></html>`;
}

export async function startMessageSink(options: { port: number; host?: string; dir?: string }): Promise<MessageSink> {
  const { port, host = '127.0.0.1', dir } = options;
  if (dir) await mkdir(dir, { recursive: true });
  const received: SinkMessage[] = [];
  const answer = (response: ServerResponse, status: number, type: string, body: string) => {
    response.writeHead(status, { 'content-type': type });
    response.end(body);
  };
  const server = createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? '/', 'http://sink').pathname;
      if (request.method === 'GET' && path === '/api/messages') return answer(response, 200, 'application/json', JSON.stringify([...received].reverse()));
      if (request.method === 'GET' && path === '/') return answer(response, 200, 'text/html; charset=utf-8', page([...received].reverse()));
      if (request.method !== 'POST') return answer(response, 404, 'application/json', JSON.stringify({ error: 'POST a message, or GET / or /api/messages' }));
      let body: unknown;
      try {
        body = JSON.parse(await readBody(request));
      } catch {
        return answer(response, 400, 'application/json', JSON.stringify({ error: 'the body must be JSON (at most 1 MiB)' }));
      }
      const message: SinkMessage = { id: `sink.${randomUUID()}`, receivedAt: new Date().toISOString(), path, body };
      received.push(message);
      if (dir) await appendFile(join(dir, 'messages.jsonl'), `${JSON.stringify(message)}\n`);
      // Both answers a provider gives: the WhatsApp Cloud API's `messages[0].id`, and a plain `id`.
      return answer(response, 200, 'application/json', JSON.stringify({ id: message.id, messages: [{ id: message.id }] }));
    })().catch(() => answer(response, 500, 'application/json', JSON.stringify({ error: 'the sink could not keep the message' })));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host}:${bound}`;
  return {
    url,
    settings: { WHATSAPP_API_URL: `${url}/whatsapp`, WHATSAPP_PHONE_NUMBER_ID: 'sink-number', WHATSAPP_TOKEN: 'sink-token', SMS_API_URL: `${url}/sms/messages`, SMS_TOKEN: 'sink-token' },
    messages: () => [...received],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
