import type { Insertable } from 'kysely';
import type { FeeScheduleTable } from '../schema.js';

/** PP 45/2024, integer rupiah. */
export const fees: Insertable<FeeScheduleTable>[] = [
  { code: 'ORDINARY_5Y', kind: 'PRODUCT', description: 'Ordinary passport, 5 years', amount: 350_000 },
  { code: 'ORDINARY_10Y', kind: 'PRODUCT', description: 'Ordinary passport, 10 years', amount: 650_000 },
  { code: 'ELECTRONIC_5Y', kind: 'PRODUCT', description: 'Electronic passport, 5 years', amount: 650_000 },
  { code: 'ELECTRONIC_10Y', kind: 'PRODUCT', description: 'Electronic passport, 10 years', amount: 950_000 },
  { code: 'SAME_DAY', kind: 'SERVICE', description: 'Same-day service (percepatan)', amount: 1_000_000 },
  { code: 'FINE_LOST', kind: 'FINE', description: 'Fine for a lost passport', amount: 1_000_000 },
  { code: 'FINE_DAMAGED', kind: 'FINE', description: 'Fine for a damaged passport', amount: 500_000 },
];
