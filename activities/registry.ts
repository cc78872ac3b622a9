// Stage: AWAITING_PAYMENT. The civil-registry (Dukcapil) check made again for an application submitted while the
// registry could not answer: the identity is read here, from PostgreSQL, so it never enters the workflow's history.
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { RegistryUnavailable, type PopulationRegistry, type RegistryVerdict } from '../api/registry.js';
import type { DB } from '../db/schema.js';

export const createRegistryActivities = ({ db, registry }: { db: Kysely<DB>; registry?: PopulationRegistry }) => ({
  /**
   * Asks the registry about the application's NIK, name and birth date and records its word (MATCH, or MISMATCH for a
   * mismatch or an unknown NIK) on an application still PENDING. A registry that cannot answer fails the attempt,
   * which the workflow retries with backoff until shortly before the payment is due.
   */
  async recheckRegistry({ applicationId }: { applicationId: string }): Promise<RegistryVerdict> {
    if (!registry) throw ApplicationFailure.retryable('no population registry is configured (DUKCAPIL_API_URL)', 'RegistryUnavailable');
    const { nik, full_name: fullName, birth_date: birthDate } = await db
      .selectFrom('applications')
      .select(['nik', 'full_name', 'birth_date'])
      .where('id', '=', applicationId)
      .executeTakeFirstOrThrow();
    let verdict: RegistryVerdict;
    try {
      verdict = await registry.verify({ nik, fullName, birthDate });
    } catch (error) {
      if (error instanceof RegistryUnavailable) throw ApplicationFailure.retryable(error.message, 'RegistryUnavailable');
      throw error;
    }
    await db
      .updateTable('applications')
      .set({ registry_check: verdict.status === 'MATCH' ? 'MATCH' : 'MISMATCH', registry_checked_at: new Date() })
      .where('id', '=', applicationId)
      .where('registry_check', '=', 'PENDING')
      .execute();
    return verdict;
  },
});
