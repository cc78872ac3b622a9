// The demo day's notices: how many of each kind went out on each channel, and how many failed, read back from
// the delivery ledger (notice_deliveries) joined with the notices the day's applications and offices recorded.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export interface NoticeCount {
  kind: string;
  channel: string;
  sent: number;
  failed: number;
  /** Still being sent when the report was read. */
  sending: number;
}

/** What the day recorded: its applications' notices, and its offices' notices since it started. */
export interface NoticeScope {
  applicationIds: string[];
  offices: string[];
  since: Date;
}

export async function noticeCounts(db: Kysely<DB>, scope: NoticeScope): Promise<NoticeCount[]> {
  const { rows } = await sql<{ kind: string; channel: string; sent: number; failed: number; sending: number }>`
    with day_notices as (
      select 'application' as source, n.id, n.kind from notifications n where n.application_id = any(${scope.applicationIds}::uuid[])
      union all
      select 'office', o.id, o.kind from office_notices o where o.office_code = any(${scope.offices}::text[]) and o.created_at >= ${scope.since}
    )
    select dn.kind, d.channel,
      count(*) filter (where d.status = 'SENT')::int as sent,
      count(*) filter (where d.status = 'FAILED')::int as failed,
      count(*) filter (where d.status = 'SENDING')::int as sending
    from notice_deliveries d join day_notices dn on dn.source = d.source and dn.id = d.notice_id
    group by dn.kind, d.channel
    order by dn.kind, d.channel`.execute(db);
  return rows;
}

/** The counts once nothing is still being sent, or as they are after `maxWaitMs`. */
export async function settledNoticeCounts(db: Kysely<DB>, scope: NoticeScope, maxWaitMs: number): Promise<NoticeCount[]> {
  const until = Date.now() + maxWaitMs;
  for (;;) {
    const counts = await noticeCounts(db, scope);
    if (counts.every((c) => c.sending === 0) || Date.now() >= until) return counts;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const total = (counts: NoticeCount[], key: 'sent' | 'failed' | 'sending') => counts.reduce((sum, c) => sum + c[key], 0);

/** The table `npm run demo` prints (test/ops/demo.test.ts reads it back). */
export function printNotices(counts: NoticeCount[]) {
  console.log('\nNotices, per kind and channel (from the delivery ledger):');
  console.log(`  ${'kind'.padEnd(32)} ${'channel'.padEnd(9)} ${'sent'.padStart(5)} ${'failed'.padStart(7)}`);
  for (const c of counts) console.log(`  ${c.kind.padEnd(32)} ${c.channel.padEnd(9)} ${String(c.sent).padStart(5)} ${String(c.failed).padStart(7)}`);
  console.log(`  ${'total'.padEnd(32)} ${''.padEnd(9)} ${String(total(counts, 'sent')).padStart(5)} ${String(total(counts, 'failed')).padStart(7)}`);
  const sending = total(counts, 'sending');
  if (sending) console.log(`  (${sending} still being sent when the report was read)`);
  if (counts.length === 0) console.log('  (no notice was delivered: nothing in the delivery ledger for this day)');
}

export function noticesHtml(counts: NoticeCount[]): string {
  const rows = counts.map((c) => `<tr><td>${c.kind}</td><td>${c.channel}</td><td>${c.sent}</td><td>${c.failed}</td></tr>`).join('');
  return `<h2>Notices</h2>
<p>Per kind and channel, from the delivery ledger${total(counts, 'sending') ? ` (${total(counts, 'sending')} still being sent)` : ''}.</p>
<table><tr><th>kind</th><th>channel</th><th>sent</th><th>failed</th></tr>${rows}<tr><td>total</td><td></td><td>${total(counts, 'sent')}</td><td>${total(counts, 'failed')}</td></tr></table>`;
}
