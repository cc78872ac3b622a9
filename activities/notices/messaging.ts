// WhatsApp and SMS behind one small interface, each with one HTTP adapter (issue 14). Every call has a timeout:
// a hung provider fails the attempt (temporary), and Temporal retries it.

/** One short text message to one phone number. */
export interface TextMessage {
  /** E.164, e.g. +6281234567890. */
  to: string;
  text: string;
  /** Unique per notice and channel (e.g. `notice-application-42-whatsapp`), the same on every retry. */
  messageId: string;
}

export interface MessagingClient {
  /** Resolves once the provider accepted the message, with its id for it; rejects with a MessagingFailure. */
  send(message: TextMessage): Promise<{ providerMessageId: string }>;
}

/**
 * Why a send failed. `permanent`: the provider refused this recipient or message (a 4xx other than 401, 403, 404,
 * 408 and 429, e.g. a number not on WhatsApp); anything else (429, 5xx, no answer, a timeout) is temporary and worth retrying.
 * The message never quotes the phone number (personal data).
 */
export class MessagingFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'MessagingFailure';
  }
}

/**
 * Statuses about this service's own setup, not the recipient: a token expired or without permission (401, 403), a
 * wrong phone-number id or URL (404). An operator fixes those; every notice waiting meanwhile is retried, not dropped.
 */
const SETUP_STATUSES = new Set([401, 403, 404]);
const isPermanentStatus = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429 && !SETUP_STATUSES.has(status);

/** The provider's own words for a refusal, shortened, with every digit run that could be the number masked. */
const reasonOf = (body: string) => {
  let reason = body;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    reason = (typeof parsed.error === 'string' ? parsed.error : parsed.error?.message) ?? parsed.message ?? body;
  } catch {
    // not JSON: the text as it came
  }
  return reason.replace(/\+?\d[\d\s-]{5,}\d/g, '<number>').slice(0, 200);
};

/** POSTs JSON with a bearer token and a deadline; classifies every failure. */
async function postJson(provider: string, url: string, token: string, body: unknown, timeoutMs: number): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new MessagingFailure(timedOut ? `${provider} did not answer within ${timeoutMs} ms` : `${provider} could not be reached (${error instanceof Error ? (error.cause as { code?: string } | undefined)?.code ?? error.message : String(error)})`, false);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) throw new MessagingFailure(`${provider} answered ${response.status}: ${reasonOf(text)}`, isPermanentStatus(response.status), response.status);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MessagingFailure(`${provider} answered ${response.status} with a body that is not JSON`, false, response.status);
  }
}

export interface WhatsappCloudOptions {
  /** e.g. https://graph.facebook.com/v21.0 */
  apiUrl: string;
  phoneNumberId: string;
  token: string;
  timeoutMs?: number;
}

/**
 * The WhatsApp Cloud API's text message: `POST {apiUrl}/{phoneNumberId}/messages` with
 * `{messaging_product: 'whatsapp', to, type: 'text', text: {body}}`, answered `{messages: [{id}]}`.
 */
export function whatsappCloudClient({ apiUrl, phoneNumberId, token, timeoutMs = 20_000 }: WhatsappCloudOptions): MessagingClient {
  const url = `${apiUrl.replace(/\/+$/, '')}/${encodeURIComponent(phoneNumberId)}/messages`;
  return {
    async send({ to, text }) {
      const answer = (await postJson('WhatsApp', url, token, { messaging_product: 'whatsapp', to: to.replace(/^\+/, ''), type: 'text', text: { body: text } }, timeoutMs)) as { messages?: Array<{ id?: string }> };
      const id = answer.messages?.[0]?.id;
      if (!id) throw new MessagingFailure('WhatsApp answered without a message id', false);
      return { providerMessageId: id };
    },
  };
}

export interface SmsHttpOptions {
  /** The gateway's endpoint, e.g. https://sms.example/api/messages */
  apiUrl: string;
  token: string;
  timeoutMs?: number;
}

/**
 * This adapter's own request, which a gateway (or a small relay before one) must accept: `POST {apiUrl}` with
 * `Authorization: Bearer {token}` and `{to, text, reference}` (`to` in E.164, `reference` the same on every retry
 * of one notice, to deduplicate), answered 2xx `{id}`; a 4xx other than 401/403/404/408/429 refuses it for good.
 */
export function smsHttpClient({ apiUrl, token, timeoutMs = 20_000 }: SmsHttpOptions): MessagingClient {
  return {
    async send({ to, text, messageId }) {
      const answer = (await postJson('the SMS gateway', apiUrl, token, { to, text, reference: messageId }, timeoutMs)) as { id?: string };
      if (!answer.id) throw new MessagingFailure('the SMS gateway answered without a message id', false);
      return { providerMessageId: answer.id };
    },
  };
}
