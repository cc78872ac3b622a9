// Stages: AWAITING_PRINTING -> IN_DELIVERY. Asks Pos Indonesia to deliver a printed passport.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export interface PosClient {
  /** Idempotent by `reference`: the same reference always yields the same shipment. */
  requestDelivery(req: { reference: string; recipient: string; address: string }): Promise<{ trackingNumber: string }>;
}

/**
 * Stand-in for Pos Indonesia's booking API in the embedded mode: the office books the shipment
 * at the counter and the tracking number is derived from the reference, so it is stable.
 */
export const counterBookedPos = (): PosClient => ({
  async requestDelivery({ reference }) {
    const digits = BigInt(`0x${createHash('sha256').update(reference).digest('hex').slice(0, 15)}`).toString().slice(0, 12);
    return { trackingNumber: `P${digits.padStart(12, '0')}ID` };
  },
});

/**
 * Pos Indonesia's shipment API over HTTP: `POST <base>/shipments` with the reference as the
 * Idempotency-Key, answering `{ trackingNumber }`. Any failure throws, and the activity retries.
 */
export const httpPos = (baseUrl: string, timeoutMs = 10_000): PosClient => ({
  async requestDelivery({ reference, recipient, address }) {
    const response = await fetch(new URL('shipments', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': reference },
      body: JSON.stringify({ reference, recipient, address }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`Pos answered ${response.status} for shipment ${reference}`);
    const body = (await response.json()) as { trackingNumber?: unknown };
    if (typeof body.trackingNumber !== 'string' || !body.trackingNumber) throw new Error(`Pos gave no tracking number for ${reference}`);
    return { trackingNumber: body.trackingNumber };
  },
});

export const createPosActivities = ({ db, pos }: { db: Kysely<DB>; pos: PosClient }) => ({
  /** Requests delivery attempt n once and records it; a retry returns the same tracking number. */
  async requestPosDelivery(req: { applicationId: string; attempt: number; freeOfCharge: boolean; at: string }): Promise<string> {
    const existing = await db
      .selectFrom('deliveries')
      .select('pos_tracking_number')
      .where('application_id', '=', req.applicationId)
      .where('attempt', '=', req.attempt)
      .executeTakeFirst();
    if (existing) return existing.pos_tracking_number;
    // Personal data is read here, next to the effect, and never travels through Temporal.
    const applicant = await db
      .selectFrom('applications')
      .select(['full_name', 'delivery_address'])
      .where('id', '=', req.applicationId)
      .executeTakeFirstOrThrow();
    const { trackingNumber } = await pos.requestDelivery({
      reference: `${req.applicationId}/${req.attempt}`,
      recipient: applicant.full_name,
      address: applicant.delivery_address ?? '',
    });
    await db
      .insertInto('deliveries')
      .values({
        application_id: req.applicationId,
        attempt: req.attempt,
        pos_tracking_number: trackingNumber,
        free_of_charge: req.freeOfCharge,
        status: 'REQUESTED',
        requested_at: req.at,
        updated_at: req.at,
      })
      .onConflict((oc) => oc.columns(['application_id', 'attempt']).doNothing())
      .execute();
    return trackingNumber;
  },

  async recordDeliveryOutcome(req: { applicationId: string; attempt: number; status: 'DELIVERED' | 'FAILED'; at: string }): Promise<void> {
    await db
      .updateTable('deliveries')
      .set({ status: req.status, updated_at: req.at })
      .where('application_id', '=', req.applicationId)
      .where('attempt', '=', req.attempt)
      .where('status', '=', 'REQUESTED')
      .execute();
  },
});

/** The Pos client the configuration asks for. */
export const posFromConfig = (config: { POS_API_URL?: string }): PosClient => (config.POS_API_URL ? httpPos(config.POS_API_URL) : counterBookedPos());
