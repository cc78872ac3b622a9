// The notices sent to an applicant about one application, as the applicant may read them: what kind, when it was
// recorded, and per channel where its delivery stands. Never the text, the address or the provider's answer.
import type { Kysely } from 'kysely';
import { OFFICE_AUDIENCE_KINDS, type NoticeChannel, type NoticeKind } from '../../workflows/definitions.js';
import type { DB } from '../schema.js';

export interface ApplicantNotice {
  kind: NoticeKind;
  recordedAt: string;
  deliveries: { channel: NoticeChannel; status: 'SENDING' | 'SENT' | 'FAILED' }[];
}

/** Newest first; notices to the office's own address about the application are not the applicant's. */
export async function applicantNotices(db: Kysely<DB>, applicationId: string): Promise<ApplicantNotice[]> {
  const rows = await db
    .selectFrom('notifications as n')
    .leftJoin('notice_deliveries as d', (join) => join.onRef('d.notice_id', '=', 'n.id').on('d.source', '=', 'application'))
    .select(['n.id', 'n.kind', 'n.created_at', 'd.channel', 'd.status'])
    .where('n.application_id', '=', applicationId)
    .where('n.kind', 'not in', OFFICE_AUDIENCE_KINDS)
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id')
    .orderBy('d.channel')
    .execute();
  const notices = new Map<string, ApplicantNotice>();
  for (const row of rows) {
    const notice = notices.get(row.id) ?? { kind: row.kind, recordedAt: row.created_at.toISOString(), deliveries: [] };
    if (row.channel && row.status) notice.deliveries.push({ channel: row.channel, status: row.status });
    notices.set(row.id, notice);
  }
  return [...notices.values()];
}
