// Issue 17: staff accounts, so an officer at the counter (or a manager, a finance officer) signs in with an email
// and a password instead of pasting a token. Created and disabled by an operator (`npm run staff`); the password
// is hashed like an applicant's (api/passwords.ts). `id` is the token's subject: the audit log's actor.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('officer', 'manager', 'finance')`))
    .addColumn('office', 'text', (c) => c.notNull().check(sql`office ~ '^([A-Z]{3}|\\*)$'`))
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // An officer works at one office: never every office.
    .addCheckConstraint('staff_accounts_officer_one_office', sql`role <> 'officer' or office <> '*'`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('staff_accounts').execute();
}
