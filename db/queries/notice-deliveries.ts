// The notice delivery ledger (notice_deliveries) as managers read it: channels that failed, in their scope,
// newest first. What and why, never to whom: no email address or phone number is selected.
import { sql, type Kysely } from 'kysely';
import { ALL_OFFICES } from '../../workflows/definitions.js';
import type { DB } from '../schema.js';

export interface FailedDelivery {
  source: 'application' | 'office';
  notice_id: string;
  kind: string;
  channel: 'EMAIL' | 'WHATSAPP' | 'SMS';
  attempts: number;
  last_error: string | null;
  permanent_failure: boolean;
  tracking_code: string | null;
  office_code: string;
  updated_at: Date;
}

/** Up to `limit` failed deliveries of an office's notices (or every office's: ALL_OFFICES), newest first. */
export async function listFailedDeliveries(db: Kysely<DB>, scope: string, limit: number): Promise<FailedDelivery[]> {
  const { rows } = await sql<FailedDelivery>`
    select d.source, d.notice_id::text as notice_id, coalesce(n.kind, o.kind) as kind, d.channel, d.attempts, d.last_error,
           d.permanent_failure, a.tracking_code, coalesce(a.office_code, o.office_code) as office_code, d.updated_at
    from notice_deliveries d
    left join notifications n on d.source = 'application' and n.id = d.notice_id
    left join applications a on a.id = n.application_id
    left join office_notices o on d.source = 'office' and o.id = d.notice_id
    where d.status = 'FAILED' and (${scope} = ${ALL_OFFICES} or coalesce(a.office_code, o.office_code) = ${scope})
    order by d.updated_at desc
    limit ${limit}`.execute(db);
  return rows;
}
