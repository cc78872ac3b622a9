// Stages: all that tell the applicant something. Writes each notice to the `notifications` table once;
// nothing sends them yet (email and WhatsApp delivery is a later step), so applicants see them only by tracking.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { NoticeKind } from '../workflows/definitions.js';

export const createNotifyActivities = ({ db }: { db: Kysely<DB> }) => ({
  /** Records one notice per (application, effect key): a retry or replay never records it twice. */
  async notify(req: { applicationId: string; effectKey: string; kind: NoticeKind; at: string }): Promise<void> {
    await db
      .insertInto('notifications')
      .values({ application_id: req.applicationId, effect_key: req.effectKey, kind: req.kind, created_at: req.at })
      .onConflict((oc) => oc.columns(['application_id', 'effect_key']).doNothing())
      .execute();
  },
});
