// Immigration offices: their time zone, quotas, and whether they still take new applications.
import type { Kysely } from 'kysely';
import type { DB, Office } from '../schema.js';

const byCode = (db: Kysely<DB>, code: string, inService: boolean) =>
  db
    .selectFrom('offices')
    .selectAll()
    .where('code', '=', code)
    .$if(inService, (q) => q.where('retired_at', 'is', null));

/**
 * One office; with `inService`, only while it takes new applications and bookings (those already open at a
 * retired office continue there, so their own reads find it either way).
 */
export const findOffice = (db: Kysely<DB>, code: string, { inService = false } = {}): Promise<Office | undefined> =>
  byCode(db, code, inService).executeTakeFirst();

/** An office that must exist (an application's own): a missing one throws, and an activity is retried. */
export const getOffice = (db: Kysely<DB>, code: string): Promise<Office> => byCode(db, code, false).executeTakeFirstOrThrow();

/** The offices that take new applications and bookings, by code. */
export const officesInService = (db: Kysely<DB>): Promise<Office[]> =>
  db.selectFrom('offices').selectAll().where('retired_at', 'is', null).orderBy('code').execute();
