// Public tracking's token buckets, shared by every API instance: one row per client and limit, keyed by
// a keyed hash of the client's IP (never the IP itself). A bucket is one timestamp, when it is full again
// (see api/rate-limit.ts); a full bucket is the same as no row, so full ones are deleted.
// Unlogged: no WAL for a write on every lookup; a crash or a failover empties it, which only refills every bucket.
// No index on full_at: the once-a-minute sweep scans only recently active clients; an index would be written on every lookup.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .modifyFront(sql`unlogged`)
    .addColumn('key', 'bytea', (c) => c.primaryKey())
    .addColumn('full_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').ifExists().execute();
}
