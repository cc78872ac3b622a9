import type { Insertable } from 'kysely';
import type { HolidaysTable } from '../schema.js';

/** National holidays and collective leave (cuti bersama) as decreed for 2026; extend yearly. */
export const holidays: Insertable<HolidaysTable>[] = [
  { date: '2026-01-01', name: 'Tahun Baru Masehi' },
  { date: '2026-01-16', name: "Isra Mi'raj Nabi Muhammad SAW" },
  { date: '2026-02-17', name: 'Tahun Baru Imlek' },
  { date: '2026-03-19', name: 'Hari Suci Nyepi' },
  { date: '2026-03-20', name: 'Idul Fitri 1447 H' },
  { date: '2026-03-21', name: 'Idul Fitri 1447 H' },
  { date: '2026-04-03', name: 'Wafat Yesus Kristus' },
  { date: '2026-05-01', name: 'Hari Buruh Internasional' },
  { date: '2026-05-14', name: 'Kenaikan Yesus Kristus' },
  { date: '2026-05-27', name: 'Idul Adha 1447 H' },
  { date: '2026-05-31', name: 'Hari Raya Waisak' },
  { date: '2026-06-01', name: 'Hari Lahir Pancasila' },
  { date: '2026-06-16', name: 'Tahun Baru Islam 1448 H' },
  { date: '2026-08-17', name: 'Hari Kemerdekaan Republik Indonesia' },
  { date: '2026-08-25', name: 'Maulid Nabi Muhammad SAW' },
  { date: '2026-12-24', name: 'Cuti bersama Hari Raya Natal' },
  { date: '2026-12-25', name: 'Hari Raya Natal' },
  { date: '2027-01-01', name: 'Tahun Baru Masehi' },
];
