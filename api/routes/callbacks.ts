// The bank and Pos Indonesia: signed callbacks, turned into deduplicated workflow signals. A bank payment is handed
// to its bank transaction's workflow as it is (api/bank-intake.ts): no money decision is taken here.
import { createRoute, z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { MiddlewareHandler } from 'hono';
import { bankTransactionPolicyFrom } from '../../config.js';
import { findRefund, findRefundConfirmation, oneConfirmationAtATime, otherConfirmationOf, recordRefundConfirmation } from '../../db/queries/refunds.js';
import { storeSettlementReport } from '../../db/queries/settlements.js';
import { recordUnappliedCallback } from '../../db/queries/unapplied-callbacks.js';
import { parseSettlementReport, SETTLEMENT_HEADER } from '../../db/settlements.js';
import { AWAITING_BANK_STAGES, posDeliveryEvent, refundConfirmed, workflowIdFor, type PosDeliveryEvent } from '../../workflows/definitions.js';
import { seeBankTransaction } from '../bank-intake.js';
import { HttpProblem } from '../problems.js';
import { withStepDeadline } from '../steps.js';
import { withStartedWorkflow } from '../workflow-starts.js';
import { jsonBody, jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { acceptedSchema, paymentCallbackSchema, posCallbackSchema, refundCallbackSchema, settlementQuery, settlementReceiptSchema } from '../schemas.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, checkSignature, settlementSignedText } from '../signatures.js';

type Sender = 'bank' | 'pos';
type CallbackEnv = { Variables: { signature: string } };

const payment = createRoute({
  method: 'post',
  path: '/callbacks/bank/payments',
  tags: ['callbacks'],
  security: [{ callbackSignature: [] }],
  summary: 'The bank confirms a payment of a billing code (HMAC-signed)',
  description:
    'A transaction is the bank\'s own: `bank` and `transactionId`. Answered 202 `accepted` once it is durably handed to its ' +
    'bank transaction\'s workflow, which records it and applies it to the application of its billing code, or opens a refund ' +
    '(already paid, wrong amount, paid outside the billing code\'s validity, expired or cancelled, unknown billing code). ' +
    'The same transaction again (a fresh signature) answers `duplicate` and changes nothing; the same transaction id with ' +
    'another billing code, amount or NTPN is recorded as a conflict for managers and never applied. A replayed signature is refused.',
  request: { body: jsonBody(paymentCallbackSchema) },
  responses: { 202: jsonResponse('Accepted (or a duplicate of one accepted before)', acceptedSchema), ...problems(400, 401) },
});

const delivery = createRoute({
  method: 'post',
  path: '/callbacks/pos/deliveries',
  tags: ['callbacks'],
  security: [{ callbackSignature: [] }],
  summary: 'Pos Indonesia reports a delivery outcome (HMAC-signed)',
  description: 'Idempotent by eventId: a duplicate with a fresh signature answers `duplicate` and changes nothing; a replayed signature is refused.',
  request: { body: jsonBody(posCallbackSchema) },
  responses: { 202: jsonResponse('Accepted (or a duplicate of one accepted before)', acceptedSchema), ...problems(400, 401, 404, 409) },
});

const refundConfirmation = createRoute({
  method: 'post',
  path: '/callbacks/bank/refunds',
  tags: ['callbacks'],
  security: [{ callbackSignature: [] }],
  summary: 'The bank confirms the transfer of a refund (HMAC-signed)',
  description:
    "Idempotent by the bank's reference: a repeat with a fresh signature answers `duplicate` and changes nothing; a replayed signature is refused. " +
    'A refund not sent to the bank (awaiting approval, declined), or confirmed before under another reference, answers 409.',
  request: { body: jsonBody(refundCallbackSchema) },
  responses: { 202: jsonResponse('Accepted (or a duplicate of one accepted before)', acceptedSchema), ...problems(400, 401, 404, 409) },
});

/** Its own body limit (SETTLEMENT_MAX_BYTES, api/app.ts): a day's report is larger than any callback. */
export const SETTLEMENT_UPLOAD_PATH = '/callbacks/bank/settlements';
const settlementUpload = createRoute({
  method: 'post',
  path: SETTLEMENT_UPLOAD_PATH,
  tags: ['callbacks'],
  security: [{ callbackSignature: [] }],
  summary: "The bank's settlement report of one day (CSV, HMAC-signed)",
  description: [
    `One CSV per bank and day, header \`${SETTLEMENT_HEADER}\`; the bank and the day are the query's. Signed like the payment callbacks, over \`<X-Timestamp>.<bank>.<date>.<raw body>\` (the bank and date as in the query).`,
    'The whole file is checked first: a 400 names each problem by line (the header is line 1) and field, and stores nothing.',
    'The same file again answers 200 `already received` and changes nothing; another file for the same bank and day is stored as a correction (the next revision), the earlier ones kept.',
    'The daily reconciliation hands each line to its bank transaction (a payment whose callback never came is applied or refunded) and compares the day with the payments and refunds recorded: GET /manager/reconciliation and `npm run reconcile -- --check` show the result.',
  ].join(' '),
  request: {
    query: settlementQuery,
    body: { required: true, content: { 'text/csv': { schema: z.string().openapi({ example: `${SETTLEMENT_HEADER}\n0A1B2C3D4E5F6789,BRI-20261127-0001,820100000000001,950000,2026-11-27T10:15:00+07:00\n` }) } } },
  },
  responses: {
    201: jsonResponse('Stored: the first report of the bank and day, or a correction', settlementReceiptSchema),
    200: jsonResponse('Already received: this very file was stored before; nothing changed', settlementReceiptSchema),
    ...problems(400, 401, 415),
  },
});

export const callbackRoutes = (deps: ApiDeps) => {
  const secrets: Record<Sender, string> = { bank: deps.config.BANK_CALLBACK_SECRET, pos: deps.config.POS_CALLBACK_SECRET };
  const intake = { ...deps, policy: bankTransactionPolicyFrom(deps.config) };

  /** Checked on the raw body before anything is parsed; a signature seen before is a replay. */
  const verified =
    (sender: Sender): MiddlewareHandler<CallbackEnv> =>
    async (c, next) => {
      const check = checkSignature(
        secrets[sender],
        { timestamp: c.req.header(TIMESTAMP_HEADER), signature: c.req.header(SIGNATURE_HEADER) },
        c.req.path === SETTLEMENT_UPLOAD_PATH ? settlementSignedText(c.req.query('bank') ?? '', c.req.query('date') ?? '', await c.req.text()) : await c.req.text(),
        deps.config.CALLBACK_MAX_SKEW_SECONDS,
      );
      if (!check.ok) throw new HttpProblem('unauthenticated', check.reason);
      const seen = await deps.db.selectFrom('callback_receipts').select('signature').where('sender', '=', sender).where('signature', '=', check.signature).executeTakeFirst();
      if (seen) throw new HttpProblem('unauthenticated', 'this signed request was already received (replay)');
      c.set('signature', check.signature);
      await next();
    };
  /** Recorded only once the message is durable, so a retry after a failure is not taken for a replay. */
  const rememberSignature = (sender: Sender, signature: string) =>
    deps.db.insertInto('callback_receipts').values({ sender, signature }).onConflict((oc) => oc.columns(['sender', 'signature']).doNothing()).execute();
  /** The signature (a replay is refused) and Pos's own event id (a duplicate is answered as one). */
  const rememberPosEvent = async (signature: string, eventId: string, applicationId: string) => {
    await rememberSignature('pos', signature);
    await deps.db
      .insertInto('callback_events')
      .values({ sender: 'pos', event_id: eventId, application_id: applicationId })
      .onConflict((oc) => oc.columns(['sender', 'event_id']).doNothing())
      .execute();
  };
  const seenPosEvent = async (eventId: string) =>
    !!(await deps.db.selectFrom('callback_events').select('event_id').where('sender', '=', 'pos').where('event_id', '=', eventId).executeTakeFirst());

  /**
   * Signals the application's workflow within the step deadline (past it: 503, and Pos retries); one whose start
   * is still pending is started first. A workflow already closed (the read model had not caught up) cannot take
   * the event: it is recorded for reconciliation and Pos is told, never answered `accepted`.
   */
  const signalOrRecord = async (applicationId: string, event: PosDeliveryEvent) => {
    const signal = () => deps.temporal.workflow.getHandle(workflowIdFor(applicationId)).signal(posDeliveryEvent, event);
    try {
      await withStepDeadline(deps, () => withStartedWorkflow(deps, applicationId, signal));
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      const reason = 'the application is closed';
      await recordUnappliedCallback(deps.db, { sender: 'pos', eventId: event.eventId, applicationId, reason, message: { ...event }, recordedBy: 'api' });
      throw new HttpProblem('conflict', `${reason}; the event was not applied`);
    }
  };

  const router = newRouter<CallbackEnv>();
  router.use('/callbacks/bank/*', verified('bank'));
  router.use('/callbacks/pos/*', verified('pos'));
  return router
    .openapi(payment, async (c) => {
      const { paidAt, ...payment } = c.req.valid('json');
      const tx = { ...payment, paidAt: new Date(paidAt).toISOString(), source: 'callback' as const };
      const status = await withStepDeadline(deps, () => seeBankTransaction(intake, tx));
      await rememberSignature('bank', c.get('signature'));
      return c.json({ status }, 202);
    })
    .openapi(delivery, async (c) => {
      const event = c.req.valid('json');
      if (await seenPosEvent(event.eventId)) {
        await rememberSignature('pos', c.get('signature'));
        return c.json({ status: 'duplicate' as const }, 202);
      }
      const shipment = await deps.db.selectFrom('deliveries').select('application_id').where('pos_tracking_number', '=', event.trackingNumber).executeTakeFirst();
      if (!shipment) throw new HttpProblem('not-found', 'no delivery has this tracking number');
      await signalOrRecord(shipment.application_id, event);
      await rememberPosEvent(c.get('signature'), event.eventId, shipment.application_id);
      return c.json({ status: 'accepted' as const }, 202);
    })
    .openapi(refundConfirmation, async (c) => {
      const { refundId, reference, confirmedAt } = c.req.valid('json');
      const refund = await findRefund(deps.db, refundId);
      if (!refund) throw new HttpProblem('not-found', 'no refund has this id');
      const received = async (status: 'accepted' | 'duplicate') => {
        await deps.db.insertInto('callback_receipts').values({ sender: 'bank', signature: c.get('signature') }).onConflict((oc) => oc.doNothing()).execute();
        return c.json({ status }, 202);
      };
      if (refund.bank_reference && refund.bank_reference !== reference) throw new HttpProblem('conflict', `the refund was confirmed under the reference ${refund.bank_reference}`);
      if (!refund.bank_reference && !AWAITING_BANK_STAGES.includes(refund.stage)) throw new HttpProblem('conflict', `no transfer was sent for this refund: it is ${refund.stage}`);
      // One confirmation of the refund at a time: of two references sent at once, the first is taken, the other refused.
      const status = await oneConfirmationAtATime(deps.db, refundId, async (tx) => {
        const seen = await findRefundConfirmation(tx, reference);
        if (seen && seen.refund_id !== refundId) throw new HttpProblem('conflict', `this reference confirmed another refund (${seen.refund_id})`);
        if (seen || refund.bank_reference) return 'duplicate' as const;
        const other = await otherConfirmationOf(tx, refundId, reference);
        if (other) throw new HttpProblem('conflict', `the refund was confirmed under the reference ${other.bank_reference}`);
        try {
          await withStepDeadline(deps, () => deps.temporal.workflow.getHandle(refundId).signal(refundConfirmed, { reference, confirmedAt }));
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          throw new HttpProblem('conflict', 'the refund is closed');
        }
        await recordRefundConfirmation(tx, reference, refundId);
        return 'accepted' as const;
      });
      return received(status);
    })
    .openapi(settlementUpload, async (c) => {
      const { bank, date } = c.req.valid('query');
      if (!/^text\/csv\s*(;|$)/i.test(c.req.header('content-type') ?? '')) throw new HttpProblem('unsupported-media-type', 'send the report with content-type: text/csv');
      const parsed = parseSettlementReport(await c.req.text(), { bank, settlementDate: date }, { maxBytes: deps.config.SETTLEMENT_MAX_BYTES });
      if (!parsed.ok) throw new HttpProblem('validation', `the report was not stored: ${parsed.problems[0]!.field}: ${parsed.problems[0]!.reason}`, parsed.problems);
      const { status, report } = await storeSettlementReport(deps.db, parsed.report, { source: 'upload' });
      await deps.db.insertInto('callback_receipts').values({ sender: 'bank', signature: c.get('signature') }).onConflict((oc) => oc.doNothing()).execute();
      if (status === 'stored' && report.revision > 1) deps.log?.warn({ bank, settlementDate: date, revision: report.revision, reportId: report.id }, 'settlement report corrected: another file for a day already reported');
      const { id: reportId, lineCount: lines, ...rest } = report;
      const receipt = { status, reportId, ...rest, lines, correction: report.revision > 1 };
      return status === 'stored' ? c.json(receipt, 201) : c.json(receipt, 200);
    });
};
