import type { Insertable } from 'kysely';
import type { OfficesTable } from '../schema.js';

/** A few real immigration offices (Kantor Imigrasi), one per time zone at least, with daily quotas. */
export const offices: Insertable<OfficesTable>[] = [
  { code: 'PLU', name: 'Kantor Imigrasi Kelas I TPI Palu', city: 'Palu', time_zone: 'Asia/Makassar', regular_quota: 120, same_day_quota: 20, priority_quota: 20 },
  { code: 'WSB', name: 'Kantor Imigrasi Kelas II Non TPI Wonosobo', city: 'Wonosobo', time_zone: 'Asia/Jakarta', regular_quota: 60, same_day_quota: 10, priority_quota: 10 },
  { code: 'PLG', name: 'Kantor Imigrasi Kelas I TPI Palembang', city: 'Palembang', time_zone: 'Asia/Jakarta', regular_quota: 200, same_day_quota: 35, priority_quota: 50 },
  { code: 'TPI', name: 'Kantor Imigrasi Kelas I TPI Tanjungpinang', city: 'Tanjungpinang', time_zone: 'Asia/Jakarta', regular_quota: 100, same_day_quota: 15, priority_quota: 15 },
  { code: 'JPR', name: 'Kantor Imigrasi Kelas I TPI Jayapura', city: 'Jayapura', time_zone: 'Asia/Jayapura', regular_quota: 80, same_day_quota: 10, priority_quota: 10 },
];
