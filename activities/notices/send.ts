// Stages: every one that records a notice. Delivers a recorded notice on one channel, once: the ledger
// (notice_deliveries, one row per notice and channel) says SENT before anything is sent again, so a retry or a
// replay never sends twice. The recipient is read here, inside the activity, never carried in a workflow payload.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { OFFICE_AUDIENCE_KINDS, type NoticeChannel, type NoticeSource } from '../../workflows/definitions.js';
import { MailFailure, type MailClient } from '../mail.js';
import { composeNotice, type ComposedNotice } from './compose.js';
import { MessagingFailure, type MessagingClient } from './messaging.js';

/** The channels this worker can send on (each only when configured), and how long temporary failures are retried. */
export interface NoticeChannelClients {
  email?: MailClient;
  whatsapp?: MessagingClient;
  sms?: MessagingClient;
  retryForMs: number;
  /** The wait before the first retry of a temporary failure (doubling after it); default 10 s. Tests shorten it. */
  firstRetryMs?: number;
}

export interface NoticeRef {
  source: NoticeSource;
  noticeId: string;
}

/** What each channel needs when it is missing, said the way an operator fixes it. */
const NOT_CONFIGURED: Record<NoticeChannel, string> = {
  EMAIL: 'EMAIL is not configured: set SMTP_URL (and MAIL_FROM)',
  WHATSAPP: 'WHATSAPP is not configured: set WHATSAPP_API_URL, WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_TOKEN',
  SMS: 'SMS is not configured: set SMS_API_URL and SMS_TOKEN',
};

/** Heartbeats this often while a send runs, so a killed worker's send is retried within the heartbeat timeout (15 s). */
const HEARTBEAT_EVERY_MS = 2_000;

/** An Indonesian mobile number as providers take it, +62…: applicants may type the local form 08…. */
export const internationalPhone = (phone: string): string => (phone.startsWith('0') ? `+62${phone.slice(1)}` : phone);

/** An error text without the recipient, nor anything that looks like an address or a phone number. */
export const withoutAddress = (message: string, recipient: string) =>
  message
    .split(recipient)
    .join('<recipient>')
    .replace(/[^\s<>"'()]+@[^\s<>"'()]+/g, '<address>')
    .replace(/\+?\d[\d\s-]{7,}\d/g, '<number>')
    .slice(0, 500);

export const createNoticeSendActivities = ({ db, notices }: { db: Kysely<DB>; notices?: NoticeChannelClients }) => {
  const clients: Record<NoticeChannel, MailClient | MessagingClient | undefined> = { EMAIL: notices?.email, WHATSAPP: notices?.whatsapp, SMS: notices?.sms };

  /** The address a notice goes to on a channel: the applicant's email or phone, or the office's notice email. */
  async function recipientOf(ref: NoticeRef, channel: NoticeChannel, composed: ComposedNotice): Promise<string | null> {
    if (composed.audience === 'office') {
      if (channel !== 'EMAIL') return null;
      const office =
        ref.source === 'office'
          ? await db.selectFrom('office_notices').innerJoin('offices', 'offices.code', 'office_notices.office_code').select('offices.notice_email').where('office_notices.id', '=', ref.noticeId).executeTakeFirst()
          : await db.selectFrom('notifications').innerJoin('applications', 'applications.id', 'notifications.application_id').innerJoin('offices', 'offices.code', 'applications.office_code').select('offices.notice_email').where('notifications.id', '=', ref.noticeId).executeTakeFirst();
      return office?.notice_email ?? null;
    }
    const applicant = await db
      .selectFrom('notifications')
      .innerJoin('applications', 'applications.id', 'notifications.application_id')
      .select(['applications.email', 'applications.phone'])
      .where('notifications.id', '=', ref.noticeId)
      .executeTakeFirst();
    if (!applicant) return null;
    return channel === 'EMAIL' ? applicant.email : internationalPhone(applicant.phone);
  }

  /** Counts the attempt, unless the notice was sent (or refused for good) on this channel already: then its status. */
  async function beginAttempt(ref: NoticeRef, channel: NoticeChannel) {
    const started = await db
      .insertInto('notice_deliveries')
      .values({ source: ref.source, notice_id: ref.noticeId, channel, status: 'SENDING', attempts: 1 })
      .onConflict((oc) =>
        oc
          .columns(['source', 'notice_id', 'channel'])
          .doUpdateSet({ status: 'SENDING', attempts: sql`notice_deliveries.attempts + 1`, updated_at: sql`now()` })
          .where('notice_deliveries.status', '!=', 'SENT')
          .where('notice_deliveries.permanent_failure', '=', false),
      )
      .returning('attempts')
      .executeTakeFirst();
    if (started) return { begun: true as const, attempts: started.attempts };
    const row = await db.selectFrom('notice_deliveries').select(['status', 'last_error']).where('source', '=', ref.source).where('notice_id', '=', ref.noticeId).where('channel', '=', channel).executeTakeFirstOrThrow();
    return { begun: false as const, status: row.status, lastError: row.last_error };
  }

  async function recordFailure(ref: NoticeRef, channel: NoticeChannel, lastError: string, permanent: boolean): Promise<never> {
    await db
      .updateTable('notice_deliveries')
      .set({ status: 'FAILED', last_error: lastError, permanent_failure: permanent, updated_at: sql`now()` })
      .where('source', '=', ref.source)
      .where('notice_id', '=', ref.noticeId)
      .where('channel', '=', channel)
      .execute();
    throw ApplicationFailure.create({ message: `${channel}: ${lastError}`, type: permanent ? 'NoticeRefused' : 'NoticeNotSentYet', nonRetryable: permanent });
  }

  async function recordSent(ref: NoticeRef, channel: NoticeChannel, providerMessageId: string) {
    await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('notice_deliveries')
        .set({ status: 'SENT', sent_at: sql`now()`, provider_message_id: providerMessageId, last_error: null, updated_at: sql`now()` })
        .where('source', '=', ref.source)
        .where('notice_id', '=', ref.noticeId)
        .where('channel', '=', channel)
        .execute();
      // The notice itself counts as sent from its first channel on.
      const table = ref.source === 'application' ? 'notifications' : 'office_notices';
      await tx.updateTable(table).set({ sent_at: sql`now()` }).where('id', '=', ref.noticeId).where('sent_at', 'is', null).execute();
    });
  }

  /** One send, with heartbeats while it runs: a worker that dies mid-send is noticed within the heartbeat timeout. */
  async function deliver(channel: NoticeChannel, client: MailClient | MessagingClient, to: string, composed: ComposedNotice, messageId: string) {
    const heartbeat = setInterval(() => Context.current().heartbeat(), HEARTBEAT_EVERY_MS);
    try {
      if (channel === 'EMAIL') {
        const { messageId: sent } = await (client as MailClient).send({ to, subject: composed.subject, text: composed.text, html: composed.html, attachments: composed.attachments, messageId });
        return sent;
      }
      return (await (client as MessagingClient).send({ to, text: composed.short, messageId })).providerMessageId;
    } finally {
      clearInterval(heartbeat);
    }
  }

  const isConfigured = (channel: NoticeChannel): boolean => Boolean(channel === 'EMAIL' ? notices?.email : channel === 'WHATSAPP' ? notices?.whatsapp : notices?.sms);

  return {
    /**
     * The channels a notice goes out on: the applicant's chosen ones (applications.notice_channels) that this
     * worker is configured for (else email), or for a notice to an office, EMAIL to its notice_email (none when it
     * has none); and how long to retry each.
     */
    async noticeChannels(ref: NoticeRef): Promise<{ channels: NoticeChannel[]; retryForMs: number; firstRetryMs?: number }> {
      const retry = { retryForMs: notices?.retryForMs ?? 48 * 3_600_000, ...(notices?.firstRetryMs && { firstRetryMs: notices.firstRetryMs }) };
      if (ref.source === 'office') {
        const office = await db.selectFrom('office_notices').innerJoin('offices', 'offices.code', 'office_notices.office_code').select('offices.notice_email').where('office_notices.id', '=', ref.noticeId).executeTakeFirst();
        return { channels: office?.notice_email ? ['EMAIL'] : [], ...retry };
      }
      const row = await db
        .selectFrom('notifications')
        .innerJoin('applications', 'applications.id', 'notifications.application_id')
        .innerJoin('offices', 'offices.code', 'applications.office_code')
        .select(['notifications.kind', 'applications.notice_channels', 'offices.notice_email'])
        .where('notifications.id', '=', ref.noticeId)
        .executeTakeFirst();
      if (!row) return { channels: [], ...retry };
      if (OFFICE_AUDIENCE_KINDS.includes(row.kind)) return { channels: row.notice_email ? ['EMAIL'] : [], ...retry };
      // The applicant's channels this deployment sends on; none of them (WhatsApp chosen where only email is set
      // up): email, so the applicant is still told. Only when email is missing too is a channel tried and refused.
      const offered = row.notice_channels.filter(isConfigured);
      const channels: NoticeChannel[] = offered.length ? offered : isConfigured('EMAIL') ? ['EMAIL'] : row.notice_channels;
      return { channels, ...retry };
    },

    /** Sends the notice on one channel unless it was sent on it already; records the outcome in notice_deliveries. */
    async sendNotice(req: NoticeRef & { channel: NoticeChannel }): Promise<{ channel: NoticeChannel; status: 'SENT' }> {
      const { channel } = req;
      const attempt = await beginAttempt(req, channel);
      if (!attempt.begun) {
        if (attempt.status === 'SENT') return { channel, status: 'SENT' };
        throw ApplicationFailure.create({ message: `${channel}: ${attempt.lastError ?? 'refused for good'}`, type: 'NoticeRefused', nonRetryable: true });
      }
      const client = clients[channel];
      if (!client) return recordFailure(req, channel, NOT_CONFIGURED[channel], true);
      const composed = await composeNotice(db, req);
      if (!composed) return recordFailure(req, channel, `no ${req.source} notice ${req.noticeId} to send`, true);
      const to = await recipientOf(req, channel, composed);
      if (!to) return recordFailure(req, channel, composed.audience === 'office' ? `the office has no notice_email for ${channel}` : `the applicant has no address for ${channel}`, true);
      try {
        const messageId = `notice-${req.source}-${req.noticeId}-${channel.toLowerCase()}`;
        await recordSent(req, channel, await deliver(channel, client, to, composed, messageId));
        return { channel, status: 'SENT' };
      } catch (error) {
        if (error instanceof MailFailure || error instanceof MessagingFailure) return recordFailure(req, channel, withoutAddress(error.message, to), error.permanent);
        throw error; // the database, or a bug: retried, recorded as the attempt's SENDING
      }
    },
  };
};

export type NoticeSendActivities = ReturnType<typeof createNoticeSendActivities>;
