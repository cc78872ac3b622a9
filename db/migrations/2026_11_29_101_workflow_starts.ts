// The workflow start a submission asks for, kept with its application until Temporal confirms it: a start that
// failed or timed out is tried again with the same workflow id (api/workflow-starts.ts), never dropped with
// its row. Applications from before were answered only once their workflow had started: confirmed as created.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('applications')
    .addColumn('workflow_start', 'jsonb')
    .addColumn('workflow_started_at', 'timestamptz')
    .addColumn('workflow_start_tried_at', 'timestamptz')
    .execute();
  await db.updateTable('applications').set({ workflow_started_at: sql`created_at` }).execute();
  // Only the starts not yet confirmed: a handful at most, so the starter's scan stays cheap at any size.
  await db.schema
    .createIndex('applications_workflow_start_pending')
    .on('applications')
    .column('workflow_start_tried_at')
    .where(sql.ref('workflow_started_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('applications_workflow_start_pending').ifExists().execute();
  await db.schema.alterTable('applications').dropColumn('workflow_start').dropColumn('workflow_started_at').dropColumn('workflow_start_tried_at').execute();
}
