// Every effect, run twice as a retry or a replay would run it, happens once.
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { noBankApi } from '../../activities/bank.js';
import { counterBookedPos } from '../../activities/pos.js';
import { defaultBankTransactionPolicy } from '../support/workflows.js';
import { createDb } from '../../db/connect.js';
import { countRows } from '../support/read-model.js';

const db = createDb(inject('databaseUrl'), { max: 12 });
// No activity here asks Temporal or the bank: the client is never connected.
const activities = createActivities({ db, pos: counterBookedPos(), temporal: new Client(), bank: noBankApi(), bankTransactions: defaultBankTransactionPolicy });
afterAll(() => db.destroy());

let applicationId: string;
const at = '2026-11-23T03:00:00.000Z';
beforeAll(async () => {
  applicationId = randomUUID();
  const code = randomUUID().replace(/\D/g, '').padEnd(15, '7').slice(0, 15);
  await db
    .insertInto('applications')
    .values({
      id: applicationId,
      tracking_code: `T-${applicationId}`,
      billing_code: code,
      application_type: 'LOST',
      product: 'ORDINARY_5Y',
      office_code: 'WSB',
      amount: 350_000,
      nik: '3307010101900001',
      full_name: 'Budi Santoso',
      birth_date: '1990-01-01',
      email: 'budi@example.id',
      phone: '+6281111111111',
      delivery_method: 'PICKUP',
      delivery_address: 'Jl. Dieng No. 5, Wonosobo',
      stage: 'AWAITING_PAYMENT',
      stage_entered_at: at,
      payment_deadline: at,
    })
    .execute();
});

const twice = async (run: () => Promise<unknown>) => {
  const first = await run();
  const second = await run();
  expect(second).toEqual(first);
};

describe('activities run twice are applied once', () => {
  it('records one audit entry per stage change and never rolls the read model back', async () => {
    const change = { applicationId, seq: 7, stage: 'AWAITING_BOOKING' as const, actor: 'bank', at, stageEnteredAt: at };
    await twice(() => activities.recordStage(change));
    await activities.recordStage({ ...change, seq: 6, stage: 'AWAITING_PAYMENT' }); // a late retry of an older change
    const entries = await db.selectFrom('audit_log').select(['seq', 'stage']).where('application_id', '=', applicationId).orderBy('seq').execute();
    expect(entries).toEqual([
      { seq: 6, stage: 'AWAITING_PAYMENT' },
      { seq: 7, stage: 'AWAITING_BOOKING' },
    ]);
    expect((await db.selectFrom('applications').select('stage').where('id', '=', applicationId).executeTakeFirstOrThrow()).stage).toBe('AWAITING_BOOKING');
  });

  it('never lets a late attempt of an older delivery choice undo a newer one', async () => {
    const methodOf = async () => (await db.selectFrom('applications').select('delivery_method').where('id', '=', applicationId).executeTakeFirstOrThrow()).delivery_method;
    await twice(() => activities.recordDeliveryMethod({ applicationId, method: 'POS', at: '2026-11-23T05:00:00.000Z' }));
    expect(await methodOf()).toBe('POS');
    await activities.recordDeliveryMethod({ applicationId, method: 'PICKUP', at: '2026-11-23T04:00:00.000Z' }); // committed late
    expect(await methodOf()).toBe('POS');
    await activities.recordDeliveryMethod({ applicationId, method: 'PICKUP', at: '2026-11-23T06:00:00.000Z' });
    expect(await methodOf()).toBe('PICKUP');

    // A missed SLA moves the delivery to Pos (a stage change): a PICKUP choice made before it and committed late stays undone.
    await activities.recordStage({ applicationId, seq: 20, stage: 'AWAITING_PRINTING', actor: 'system', at: '2026-11-23T08:00:00.000Z', stageEnteredAt: at, slaBreached: true, deliveryMethod: 'POS' });
    await activities.recordDeliveryMethod({ applicationId, method: 'PICKUP', at: '2026-11-23T07:00:00.000Z' }); // committed late
    expect(await methodOf()).toBe('POS');
  });

  it("orders delivery choices by the workflow's count, not their shared time: the highest wins, however the writes race", async () => {
    const methodOf = async () => (await db.selectFrom('applications').select(['delivery_method', 'delivery_method_version']).where('id', '=', applicationId).executeTakeFirstOrThrow());
    const at = '2026-11-24T05:00:00.000Z'; // one workflow task: every choice in it has this time
    await activities.recordDeliveryMethod({ applicationId, method: 'POS', at, version: 2 });
    await activities.recordDeliveryMethod({ applicationId, method: 'PICKUP', at, version: 1 }); // committed after the newer one
    expect(await methodOf()).toEqual({ delivery_method: 'POS', delivery_method_version: 2 });
    await activities.recordDeliveryMethod({ applicationId, method: 'PICKUP', at: '2026-11-24T04:00:00.000Z' }); // an unversioned late attempt
    expect(await methodOf()).toEqual({ delivery_method: 'POS', delivery_method_version: 2 });
    await Promise.all([5, 3, 4].map((version) => activities.recordDeliveryMethod({ applicationId, method: version === 5 ? 'PICKUP' : 'POS', at, version })));
    expect(await methodOf()).toEqual({ delivery_method: 'PICKUP', delivery_method_version: 5 });
    // The SLA breach's move to Pos is change 6; choice 5, retried late, stays undone.
    await activities.recordStage({ applicationId, seq: 30, stage: 'AWAITING_PRINTING', actor: 'system', at, stageEnteredAt: at, slaBreached: true, deliveryMethod: 'POS', deliveryMethodVersion: 6 });
    await activities.recordDeliveryMethod({ applicationId, method: 'PICKUP', at, version: 5 });
    expect(await methodOf()).toEqual({ delivery_method: 'POS', delivery_method_version: 6 });
  });

  it('charges one payment, books one seat, compensates once, requests one delivery, notifies once', async () => {
    const billing = (await db.selectFrom('applications').select('billing_code').where('id', '=', applicationId).executeTakeFirstOrThrow()).billing_code;
    await twice(() => activities.recordPayment({ applicationId, billingCode: billing, transactionId: `TX-${applicationId}`, amount: 350_000, paidAt: at }));
    expect(await countRows(db, 'payments', applicationId)).toBe(1);

    const seat = { applicationId, officeCode: 'WSB', attempt: 1, date: '2026-11-25', session: 'MORNING' as const, at };
    const slot = () => db.selectFrom('appointment_slots').select('booked').where('office_code', '=', 'WSB').where('date', '=', '2026-11-25').where('session', '=', 'MORNING').executeTakeFirst();
    const before = (await slot())?.booked ?? 0;
    await twice(() => activities.reserveSeat(seat));
    expect((await slot())!.booked).toBe(before + 1);
    await twice(() => activities.releaseSeat({ applicationId, attempt: 1, at }));
    expect((await slot())!.booked).toBe(before);

    await twice(() => activities.compensateSlaBreach({ applicationId, slaDeadline: at, at }));
    expect(await countRows(db, 'compensations', applicationId)).toBe(1);

    await twice(() => activities.requestPosDelivery({ applicationId, attempt: 1, freeOfCharge: true, at }));
    expect(await countRows(db, 'deliveries', applicationId)).toBe(1);

    await twice(() => activities.notify({ applicationId, effectKey: 'ready-for-pickup', kind: 'READY_FOR_PICKUP', at }));
    const notices = await db.selectFrom('notifications').select('effect_key').where('application_id', '=', applicationId).execute();
    expect(notices.map((n) => n.effect_key).sort()).toEqual(['ready-for-pickup', 'sla-breach']);

    await twice(() => activities.recordBap({ applicationId, applicationType: 'LOST', officerId: 'officer-wsb-1', officeCode: 'WSB', reportNumber: 'BAP/WSB/1', cause: 'ORDINARY', at }));
    expect((await db.selectFrom('applications').select('fine_amount').where('id', '=', applicationId).executeTakeFirstOrThrow()).fine_amount).toBe(1_000_000);
  });

  it('never overbooks a session, whatever the concurrency', async () => {
    const date = '2026-11-26';
    await db.insertInto('appointment_slots').values({ office_code: 'TPI', date, session: 'AFTERNOON', capacity: 3 }).execute();
    const ids = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const id = randomUUID();
        await db
          .insertInto('applications')
          .values({
            id,
            tracking_code: `T-${id}`,
            billing_code: `9${String(Date.now()).slice(-9)}${String(i).padStart(5, '0')}`,
            application_type: 'NEW',
            product: 'ORDINARY_5Y',
            office_code: 'TPI',
            amount: 350_000,
            nik: `21710101019${String(i + 1).padStart(5, '0')}`, // one active application per NIK
            full_name: 'Rina',
            birth_date: '1990-01-01',
            email: 'rina@example.id',
            phone: '+6281111111112',
            delivery_method: 'PICKUP',
            stage: 'AWAITING_BOOKING',
            stage_entered_at: at,
            payment_deadline: at,
          })
          .execute();
        return id;
      }),
    );
    const outcomes = await Promise.allSettled(ids.map((id) => activities.reserveSeat({ applicationId: id, officeCode: 'TPI', attempt: 1, date, session: 'AFTERNOON', at })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.type)).toEqual(Array(9).fill('SlotFull'));
    const slot = await db.selectFrom('appointment_slots').select(['booked', 'capacity']).where('office_code', '=', 'TPI').where('date', '=', date).executeTakeFirstOrThrow();
    expect(slot).toEqual({ booked: 3, capacity: 3 });
  });
});
