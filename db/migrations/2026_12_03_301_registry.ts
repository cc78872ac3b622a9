// The civil-registry (Dukcapil) check of each application (issue 15): MATCH at submission or on a later recheck,
// PENDING while the registry could not answer, MISMATCH when a recheck found the identity not confirmed.
// Null for applications submitted before the check, or by a service without a registry configured.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('applications')
    .addColumn('registry_check', 'text', (c) => c.check(sql`registry_check in ('MATCH', 'PENDING', 'MISMATCH')`))
    .addColumn('registry_checked_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('registry_checked_at').dropColumn('registry_check').execute();
}
