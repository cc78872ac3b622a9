// Migrations in order; a static map so they run the same under tsx, vitest and a bundle.
import type { Migration } from 'kysely';
import * as initial from './2026_11_23_001_initial.js';
import * as lifecycle from './2026_11_23_002_lifecycle.js';
import * as accounts from './2026_11_23_101_accounts.js';
import * as calendarYears from './2026_11_27_001_calendar_years.js';
import * as idempotencyKeys from './2026_11_27_110_idempotency_keys.js';
import * as unappliedCallbacks from './2026_11_27_201_unapplied_callbacks.js';
import * as referenceFiles from './2026_11_28_001_reference_files.js';
import * as rateLimits from './2026_11_28_101_rate_limits.js';
import * as retiredReference from './2026_11_28_201_retired_reference.js';
import * as deliveryMethodAt from './2026_11_28_301_delivery_method_at.js';
import * as workflowStarts from './2026_11_29_101_workflow_starts.js';
import * as deliveryAddressAt from './2026_11_29_102_delivery_address_at.js';
import * as deliveryMethodVersion from './2026_11_29_103_delivery_method_version.js';
import * as refunds from './2026_11_30_201_refunds.js';
import * as bankTransactions from './2026_12_01_001_bank_transactions.js';
import * as settlements from './2026_12_01_301_settlements.js';
import * as notices from './2026_12_02_001_notices.js';
import * as referenceTexts from './2026_12_02_002_reference_texts.js';
import * as seatKinds from './2026_12_03_001_seat_kinds.js';
import * as officeDays from './2026_12_03_101_office_days.js';
import * as waitlist from './2026_12_03_201_waitlist.js';
import * as registry from './2026_12_03_301_registry.js';
import * as atRisk from './2026_12_04_001_at_risk.js';
import * as officeMetrics from './2026_12_04_101_office_metrics.js';
import * as staffAccounts from './2026_12_05_001_staff_accounts.js';

export const migrations: Record<string, Migration> = {
  '2026_11_23_001_initial': initial,
  '2026_11_23_002_lifecycle': lifecycle,
  '2026_11_23_101_accounts': accounts,
  '2026_11_27_001_calendar_years': calendarYears,
  '2026_11_27_110_idempotency_keys': idempotencyKeys,
  '2026_11_27_201_unapplied_callbacks': unappliedCallbacks,
  '2026_11_28_001_reference_files': referenceFiles,
  '2026_11_28_101_rate_limits': rateLimits,
  '2026_11_28_201_retired_reference': retiredReference,
  '2026_11_28_301_delivery_method_at': deliveryMethodAt,
  '2026_11_29_101_workflow_starts': workflowStarts,
  '2026_11_29_102_delivery_address_at': deliveryAddressAt,
  '2026_11_29_103_delivery_method_version': deliveryMethodVersion,
  '2026_11_30_201_refunds': refunds,
  '2026_12_01_001_bank_transactions': bankTransactions,
  '2026_12_01_301_settlements': settlements,
  '2026_12_02_001_notices': notices,
  '2026_12_02_002_reference_texts': referenceTexts,
  '2026_12_03_001_seat_kinds': seatKinds,
  '2026_12_03_101_office_days': officeDays,
  '2026_12_03_201_waitlist': waitlist,
  '2026_12_03_301_registry': registry,
  '2026_12_04_001_at_risk': atRisk,
  '2026_12_04_101_office_metrics': officeMetrics,
  '2026_12_05_001_staff_accounts': staffAccounts,
};
