// Email over SMTP behind one small interface (issue 14): the EMAIL channel of notices (activities/notices/send.ts).
import { createTransport } from 'nodemailer';

export interface MailAttachment {
  filename: string;
  content: Buffer | string;
  contentType: string;
  /** Set to show the attachment inline in the HTML as `<img src="cid:...">` (e.g. a QR code). */
  cid?: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  /**
   * Unique per notice and channel (e.g. `notice-42-email`): sent as the Message-ID `<messageId@domain of
   * the sender>`, the same on every retry, so a receiver can tell a resend from a new message.
   */
  messageId: string;
}

export interface MailClient {
  /** Resolves once the server accepted the message, with the Message-ID sent; rejects with a MailFailure. */
  send(message: MailMessage): Promise<{ messageId: string }>;
  close(): void;
}

/**
 * Why a send failed. `permanent`: sending the same message again cannot succeed, so retrying must stop: the
 * server refused the recipient for good (5xx to RCPT TO: no such mailbox, domain not served) or the message
 * itself (5xx to DATA: too large, content refused). Anything else is temporary and worth retrying: the server
 * cannot be reached or answers late, a 4xx (mailbox busy, greylisting, try later), 503 (commands out of
 * order), and 5xx to the connection's own steps (EHLO, AUTH, MAIL FROM), which are this service's
 * configuration (credentials, sender address) that an operator fixes, not the applicant's address.
 */
export class MailFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    /** The SMTP reply code, when the server gave one. */
    readonly responseCode?: number,
  ) {
    super(message);
    this.name = 'MailFailure';
  }
}

/** The SMTP commands whose permanent refusal is about this recipient or this message, not the sender's setup. */
const MESSAGE_COMMANDS = new Set(['RCPT TO', 'DATA']);
const isPermanentReply = (code: number | undefined) => code !== undefined && code >= 500 && code < 600 && code !== 503;

interface SmtpError {
  message?: string;
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  rejectedErrors?: SmtpError[];
}

/** The MailFailure for an error nodemailer reported. Never quotes the address itself (personal data). */
export function classifyMailError(error: unknown): MailFailure {
  if (error instanceof MailFailure) return error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SmtpError;
  // A refused recipient: nodemailer lists each refusal; with one recipient, its reply is the one that counts.
  const refusal = e.rejectedErrors?.[0] ?? e;
  const reply = refusal.response ?? e.message ?? 'unknown error';
  const what = refusal.command ? `the SMTP server answered ${refusal.command} with: ${reply}` : `${e.code ? `${e.code}: ` : ''}${e.message ?? reply}`;
  const permanent = refusal.command !== undefined && MESSAGE_COMMANDS.has(refusal.command) && isPermanentReply(refusal.responseCode);
  return new MailFailure(what, permanent, refusal.responseCode);
}

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://host:465`. */
  url: string;
  /** The sender, e.g. `Layanan Paspor <no-reply@imigrasi.example>`. */
  from: string;
  /** The longest wait for the connection, the greeting, and each reply (a hung server never hangs a send). */
  timeoutMs?: number;
}

/** The domain of the sender's address, for Message-IDs. */
const domainOf = (from: string) => /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';

/** A MailClient sending through the SMTP server at `url`, one connection per message. */
export function smtpMailer({ url, from, timeoutMs = 15_000 }: SmtpMailerOptions): MailClient {
  const transport = createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  const domain = domainOf(from);
  return {
    async send({ to, subject, text, html, attachments, messageId }) {
      const id = `<${messageId}@${domain}>`;
      let info: { rejected?: unknown[]; rejectedErrors?: SmtpError[] };
      try {
        info = await transport.sendMail({ from, to, subject, text, html, attachments, messageId: id });
      } catch (error) {
        throw classifyMailError(error);
      }
      // With several recipients nodemailer resolves when any was accepted; here there is one, so a refusal is a failure.
      if (info.rejected?.length) throw classifyMailError({ rejectedErrors: info.rejectedErrors });
      return { messageId: id };
    },
    close: () => transport.close(),
  };
}
