// working_hours_between (migration 2026_12_04_101): the hours of an interval on working days of the SLA's calendar,
// days taken in the office's zone. Christmas 2026 in the seeded calendar: Thu 24 (cuti bersama) and Fri 25 (national).
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connect.js';

const db = createDb(inject('databaseUrl'), { max: 1 });
afterAll(() => db.destroy());

const hours = async (from: string, to: string, zone: string) =>
  (await sql<{ h: number }>`select working_hours_between(${from}::timestamptz, ${to}::timestamptz, ${zone}) as h`.execute(db)).rows[0]!.h;

describe('working hours between two instants', () => {
  it('counts only working days: a holiday, the weekend and the next Monday', async () => {
    // Wed 23 Dec 12:00 to Mon 28 Dec 12:00 local: 120 hours on the clock, 12 + 12 of them on working days.
    expect(await hours('2026-12-23T12:00:00+07:00', '2026-12-28T12:00:00+07:00', 'Asia/Jakarta')).toBe(24);
    expect(await hours('2026-12-23T12:00:00+09:00', '2026-12-28T12:00:00+09:00', 'Asia/Jayapura')).toBe(24);
    // A plain working week: Mon 09:00 to Wed 15:30 in Makassar.
    expect(await hours('2026-11-23T09:00:00+08:00', '2026-11-25T15:30:00+08:00', 'Asia/Makassar')).toBe(54.5);
  });

  it("takes the days in the office's own zone: the same two instants differ between WIB, WITA and WIT", async () => {
    // 23 Dec 16:30 UTC is Wed 23:30 in WIB (half an hour of Wednesday left), past midnight into the holiday in WITA and WIT;
    // 28 Dec 01:00 UTC is Monday 08:00 WIB, 09:00 WITA, 10:00 WIT.
    const [from, to] = ['2026-12-23T16:30:00Z', '2026-12-28T01:00:00Z'];
    expect(await hours(from, to, 'Asia/Jakarta')).toBe(8.5);
    expect(await hours(from, to, 'Asia/Makassar')).toBe(9);
    expect(await hours(from, to, 'Asia/Jayapura')).toBe(10);
  });

  it('is 0 for an interval inside a weekend, an empty one and a reversed one', async () => {
    expect(await hours('2026-11-28T08:00:00+07:00', '2026-11-29T20:00:00+07:00', 'Asia/Jakarta')).toBe(0);
    expect(await hours('2026-11-24T08:00:00+07:00', '2026-11-24T08:00:00+07:00', 'Asia/Jakarta')).toBe(0);
    expect(await hours('2026-11-25T08:00:00+07:00', '2026-11-24T08:00:00+07:00', 'Asia/Jakarta')).toBe(0);
  });
});
