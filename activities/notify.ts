// Stages: all that tell the applicant something outside a stage change (reminders, a late Pos delivery, and the
// notices of workflows started before notices rode with their stage). Records each notice once, then starts its
// delivery (activities/notices/record.ts).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { recordNotice, type ApplicationNotice, type StartDelivery } from './notices/record.js';

export const createNotifyActivities = ({ db, startDelivery }: { db: Kysely<DB>; startDelivery?: StartDelivery }) => ({
  /** Records one notice per (application, effect key): a retry or replay never records it twice. */
  async notify(req: ApplicationNotice): Promise<void> {
    await recordNotice(db, startDelivery, req);
  },
});
