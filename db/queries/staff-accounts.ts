// Staff accounts (issue 17): officers, managers and finance officers who sign in with a password
// (POST /auth/staff/login), created and disabled by an operator with `npm run staff`.
import { sql, type Kysely } from 'kysely';
import type { DB, StaffAccountsTable } from '../schema.js';

export type StaffRole = StaffAccountsTable['role'];
export interface NewStaffAccount {
  id: string;
  email: string;
  passwordHash: string;
  role: StaffRole;
  office: string;
}

/** Creates the account; false when the email or the id is taken already (nothing changes then). */
export async function createStaffAccount(db: Kysely<DB>, account: NewStaffAccount): Promise<boolean> {
  const inserted = await db
    .insertInto('staff_accounts')
    .values({ id: account.id, email: account.email, password_hash: account.passwordHash, role: account.role, office: account.office })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** The account that may sign in with this email: not disabled. */
export const findActiveStaff = (db: Kysely<DB>, email: string) =>
  db.selectFrom('staff_accounts').select(['id', 'password_hash', 'role', 'office']).where('email', '=', email).where('disabled_at', 'is', null).executeTakeFirst();

/** Disables the account (its tokens stay valid until they expire, STAFF_TOKEN_HOURS); false when there is none. */
export async function disableStaffAccount(db: Kysely<DB>, email: string): Promise<boolean> {
  const { numUpdatedRows } = await db.updateTable('staff_accounts').set({ disabled_at: sql`coalesce(disabled_at, now())` }).where('email', '=', email).executeTakeFirst();
  return numUpdatedRows > 0n;
}

export const listStaffAccounts = (db: Kysely<DB>) =>
  db.selectFrom('staff_accounts').select(['id', 'email', 'role', 'office', 'disabled_at', 'created_at']).orderBy('office').orderBy('role').orderBy('email').execute();

/** `npm start` only (never production): the demo staff of every office in service, one shared demo password. */
export const DEMO_STAFF_PASSWORD = 'demo-desk-password';
export const demoStaffEmail = (role: 'officer' | 'manager', office: string) => `${role}.${office.toLowerCase()}@passport.demo`;

/** Creates the demo officer and manager of each office in service that has none yet; returns the emails made. */
export async function seedDemoStaff(db: Kysely<DB>, passwordHash: string): Promise<string[]> {
  const offices = await db.selectFrom('offices').select('code').where('retired_at', 'is', null).orderBy('code').execute();
  const made: string[] = [];
  for (const { code } of offices) {
    for (const role of ['officer', 'manager'] as const) {
      const email = demoStaffEmail(role, code);
      if (await createStaffAccount(db, { id: `${role}-${code.toLowerCase()}-demo`, email, role, office: code, passwordHash })) made.push(email);
    }
  }
  return made;
}
