// The ledger of bank transactions: a transaction is the bank's own (bank, transaction id), recorded once; a
// sighting that disagrees is kept for managers; a payment's transaction id is unique only within its bank.
import { randomBytes, randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connect.js';
import { migrations } from '../../db/migrations/index.js';
import {
  decideBankTransaction,
  findBankTransaction,
  flagBankTransaction,
  markSettled,
  recordBankTransaction,
  recordConflict,
} from '../../db/queries/bank-transactions.js';
import type { DB } from '../../db/schema.js';
import type { BankTransaction } from '../../workflows/definitions.js';

const db = createDb(inject('databaseUrl'), { max: 4 });
afterAll(() => db.destroy());

const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
const sighting = (overrides: Partial<BankTransaction> = {}): BankTransaction => ({
  bank: 'BRI',
  transactionId: `T-${randomUUID()}`,
  ntpn: digits(16),
  billingCode: digits(15),
  amount: 350_000,
  paidAt: '2026-11-23T03:00:00.000Z',
  source: 'callback',
  ...overrides,
});

async function insertApplication(target: Kysely<DB>, billingCode = digits(15)): Promise<string> {
  const id = randomUUID();
  const at = '2026-11-23T03:00:00.000Z';
  await target
    .insertInto('applications')
    .values({
      id,
      tracking_code: `T-${id}`,
      billing_code: billingCode,
      application_type: 'NEW',
      product: 'ORDINARY_5Y',
      office_code: 'PLU',
      amount: 350_000,
      nik: `72710552059${digits(5)}`,
      full_name: 'Siti Rahmawati',
      birth_date: '1990-05-12',
      email: 'siti@example.id',
      phone: '+6281234567890',
      delivery_method: 'PICKUP',
      stage: 'AWAITING_PAYMENT',
      stage_entered_at: at,
      payment_deadline: at,
    })
    .execute();
  return id;
}

describe('the ledger of bank transactions', () => {
  it('records a transaction once, however often it is recorded', async () => {
    const tx = sighting();
    const first = await recordBankTransaction(db, tx);
    const again = await recordBankTransaction(db, { ...tx, source: 'settlement' });
    expect(first).toEqual(again);
    expect(first).toMatchObject({ entry: { bank: 'BRI', transaction_id: tx.transactionId, ntpn: tx.ntpn, amount: 350_000, first_source: 'callback', outcome: 'PENDING', flags: [] } });
  });

  it('tells apart the same transaction id at two banks', async () => {
    const transactionId = `T-${randomUUID()}`;
    await recordBankTransaction(db, sighting({ bank: 'BRI', transactionId }));
    await recordBankTransaction(db, sighting({ bank: 'BNI', transactionId }));
    const rows = await db.selectFrom('bank_transactions').select('bank').where('transaction_id', '=', transactionId).orderBy('bank').execute();
    expect(rows).toEqual([{ bank: 'BNI' }, { bank: 'BRI' }]);
  });

  it('does not record a second transaction with an NTPN already on record, and names the one that holds it', async () => {
    const holder = sighting();
    await recordBankTransaction(db, holder);
    const other = sighting({ bank: 'MANDIRI', ntpn: holder.ntpn });
    expect(await recordBankTransaction(db, other)).toEqual({ ntpnTakenBy: { bank: 'BRI', transactionId: holder.transactionId } });
    expect(await findBankTransaction(db, other)).toBeUndefined();
  });

  it('keeps each disagreeing sighting once and flags the transaction once', async () => {
    const tx = sighting();
    await recordBankTransaction(db, tx);
    const other = { ...tx, billingCode: digits(15) };
    await recordConflict(db, other, 'another billing code');
    await recordConflict(db, other, 'another billing code');
    await recordConflict(db, { ...tx, amount: 1 }, 'another amount');
    const conflicts = await db.selectFrom('bank_transaction_conflicts').select(['reason', 'sighting']).where('transaction_id', '=', tx.transactionId).orderBy('recorded_at').execute();
    expect(conflicts).toMatchObject([{ reason: 'another billing code', sighting: { billingCode: other.billingCode } }, { reason: 'another amount', sighting: { amount: 1 } }]);
    await flagBankTransaction(db, tx, 'NEVER_SETTLED');
    expect((await findBankTransaction(db, tx))?.flags).toEqual(['CONFLICT', 'NEVER_SETTLED']);
  });

  it('keeps the first decision and the first settlement', async () => {
    const tx = sighting();
    await recordBankTransaction(db, tx);
    await decideBankTransaction(db, { ...tx, outcome: 'REFUND', reason: 'unknown billing code' });
    await decideBankTransaction(db, { ...tx, outcome: 'APPLIED' });
    await markSettled(db, tx, '2026-11-24T00:00:00.000Z');
    await markSettled(db, tx, '2026-11-25T00:00:00.000Z');
    expect(await findBankTransaction(db, tx)).toMatchObject({ outcome: 'REFUND', outcome_reason: 'unknown billing code', application_id: null, settled_at: new Date('2026-11-24T00:00:00.000Z') });
  });
});

describe('payments', () => {
  it('take the same transaction id from two banks, but not twice from one', async () => {
    const transactionId = `T-${randomUUID()}`;
    const pay = async (bank: string) => {
      const applicationId = await insertApplication(db);
      const row = { application_id: applicationId, billing_code: digits(15), bank, bank_transaction_id: transactionId, amount: 350_000, paid_at: '2026-11-23T03:00:00.000Z' };
      return db.insertInto('payments').values(row).execute();
    };
    await pay('BRI');
    await pay('BNI');
    await expect(pay('BRI')).rejects.toThrow(/payments_bank_transaction_key/);
  });

  it('recorded before payments named their bank say LEGACY once migrated', async () => {
    const admin = createDb(inject('databaseUrl'), { max: 1 });
    const name = `ledger_${randomBytes(4).toString('hex')}`;
    await sql`create database ${sql.id(name)}`.execute(admin);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    const own = createDb(url.toString(), { max: 1 });
    try {
      const migrator = new Migrator({ db: own, provider: { getMigrations: async () => migrations } });
      expect((await migrator.migrateTo('2026_11_29_102_delivery_address_at')).error).toBeUndefined();
      // The schema of that migration (no session_quotas yet): raw SQL, not today's table type.
      await sql`insert into offices (code, name, city, time_zone, regular_quota, same_day_quota, priority_quota) values ('PLU', 'Palu', 'Palu', 'Asia/Makassar', 50, 5, 5)`.execute(own);
      await own.insertInto('fee_schedule').values({ code: 'ORDINARY_5Y', kind: 'PRODUCT', description: 'Ordinary passport, 5 years', amount: 350_000 }).execute();
      const applicationId = await insertApplication(own);
      await sql`insert into payments (application_id, billing_code, bank_transaction_id, amount, paid_at) values (${applicationId}, '123456789012345', 'BNI-1', 350000, now())`.execute(own);
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      expect(await own.selectFrom('payments').select(['bank', 'bank_transaction_id', 'ntpn']).execute()).toEqual([{ bank: 'LEGACY', bank_transaction_id: 'BNI-1', ntpn: null }]);
      // And the way back: the migration's down step restores the old uniqueness.
      expect((await migrator.migrateTo('2026_11_29_102_delivery_address_at')).error).toBeUndefined();
    } finally {
      await own.destroy();
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    }
  });
});
