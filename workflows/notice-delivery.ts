// One recorded notice delivered on each of its channels (activities/notices/send.ts), in parallel: temporary
// failures retried with backoff for a bounded time, a permanent refusal never retried. Its payloads carry the
// notice's source, id and channels only: the recipient is read inside the sending activity.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { NoticeChannel, NoticeSource } from './definitions.js';

export interface NoticeDeliveryInput {
  source: NoticeSource;
  noticeId: string;
}
/** Per channel: SENT, or FAILED (refused for good, or still failing when the retry time ran out). */
export type NoticeDeliveryResult = Partial<Record<NoticeChannel, 'SENT' | 'FAILED'>>;

const { noticeChannels } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '1 minute' } });

export async function noticeDelivery(input: NoticeDeliveryInput): Promise<NoticeDeliveryResult> {
  const { channels, retryForMs, firstRetryMs = 10_000 } = await noticeChannels({ source: input.source, noticeId: input.noticeId });
  const { sendNotice } = proxyActivities<Activities>({
    // Each attempt: an SMTP dialogue or an HTTP call, each step under NOTICE_SEND_TIMEOUT_SECONDS.
    startToCloseTimeout: '5 minutes',
    // A worker killed mid-send stops heartbeating: the send is retried within seconds, not minutes.
    heartbeatTimeout: '15 seconds',
    scheduleToCloseTimeout: retryForMs,
    retry: { initialInterval: firstRetryMs, backoffCoefficient: 2, maximumInterval: '1 hour' },
  });
  const outcomes = await Promise.all(
    channels.map((channel) =>
      sendNotice({ source: input.source, noticeId: input.noticeId, channel }).then(
        () => [channel, 'SENT'] as const,
        () => [channel, 'FAILED'] as const,
      ),
    ),
  );
  return Object.fromEntries(outcomes);
}
