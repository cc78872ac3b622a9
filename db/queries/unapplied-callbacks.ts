// Bank payments and Pos events that could not be applied: recorded by the workflow (an activity) and by
// the API (a signal to a closed workflow), counted for /metrics, listed for managers.
import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

export interface UnappliedCallback {
  sender: 'bank' | 'pos';
  eventId: string;
  applicationId: string;
  reason: string;
  amount?: number;
  /** The message's ids, codes, amount, status and times: never personal data. */
  message: Record<string, unknown>;
  recordedBy: 'workflow' | 'api';
}

/** Once per sender and event id: a retry or a second report of the same message changes nothing. */
export async function recordUnappliedCallback(db: Kysely<DB>, entry: UnappliedCallback): Promise<void> {
  await db
    .insertInto('unapplied_callbacks')
    .values({
      sender: entry.sender,
      event_id: entry.eventId,
      application_id: entry.applicationId,
      reason: entry.reason,
      amount: entry.amount ?? null,
      message: JSON.stringify(entry.message),
      recorded_by: entry.recordedBy,
    })
    .onConflict((oc) => oc.columns(['sender', 'event_id']).doNothing())
    .execute();
}

export async function countUnappliedCallbacks(db: Kysely<DB>): Promise<Record<'bank' | 'pos', number>> {
  const rows = await db
    .selectFrom('unapplied_callbacks')
    .select(['sender', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('sender')
    .execute();
  const counts = { bank: 0, pos: 0 };
  for (const row of rows) counts[row.sender] = Number(row.n);
  return counts;
}

export async function listUnappliedCallbacks(db: Kysely<DB>, offices: string[] | undefined, limit: number) {
  return db
    .selectFrom('unapplied_callbacks as u')
    .innerJoin('applications as a', 'a.id', 'u.application_id')
    .select(['u.sender', 'u.event_id', 'u.application_id', 'a.office_code', 'u.reason', 'u.amount', 'u.recorded_by', 'u.recorded_at'])
    .$if(!!offices, (q) => q.where('a.office_code', 'in', offices!))
    .orderBy('u.recorded_at', 'desc')
    .limit(limit)
    .execute();
}
