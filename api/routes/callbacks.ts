// The bank and Pos Indonesia: signed callbacks, turned into deduplicated workflow signals.
import { createRoute, z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { MiddlewareHandler } from 'hono';
import { storeSettlementReport } from '../../db/queries/settlements.js';
import { recordUnappliedCallback } from '../../db/queries/unapplied-callbacks.js';
import { parseSettlementReport, SETTLEMENT_HEADER } from '../../db/settlements.js';
import { paymentReceived, posDeliveryEvent, workflowIdFor } from '../../workflows/definitions.js';
import { HttpProblem } from '../problems.js';
import { withStepDeadline } from '../steps.js';
import { withStartedWorkflow } from '../workflow-starts.js';
import { jsonBody, jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { acceptedSchema, paymentCallbackSchema, posCallbackSchema, settlementQuery, settlementReceiptSchema } from '../schemas.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, checkSignature } from '../signatures.js';

type Sender = 'bank' | 'pos';
type CallbackEnv = { Variables: { signature: string } };

const payment = createRoute({
  method: 'post',
  path: '/callbacks/bank/payments',
  tags: ['callbacks'],
  security: [{ callbackSignature: [] }],
  summary: 'The bank confirms a payment of a billing code (HMAC-signed)',
  description: 'Idempotent by transactionId on its billing code: a duplicate with a fresh signature answers `duplicate` and changes nothing; a replayed signature is refused. A payment the application cannot take (already paid, wrong amount, paid after the deadline, expired or cancelled, a transaction id used for another billing code) answers 409 and is recorded for a refund.',
  request: { body: jsonBody(paymentCallbackSchema) },
  responses: { 202: jsonResponse('Accepted (or a duplicate of one accepted before)', acceptedSchema), ...problems(400, 401, 404, 409) },
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

/** Its own body limit (SETTLEMENT_MAX_BYTES, api/app.ts): a day's report is larger than any callback. */
export const SETTLEMENT_UPLOAD_PATH = '/callbacks/bank/settlements';
const settlementUpload = createRoute({
  method: 'post',
  path: SETTLEMENT_UPLOAD_PATH,
  tags: ['callbacks'],
  security: [{ callbackSignature: [] }],
  summary: "The bank's settlement report of one day (CSV, HMAC-signed)",
  description: [
    `One CSV per bank and day, header \`${SETTLEMENT_HEADER}\`; the bank and the day are the query's. Signed like the payment callbacks, over the raw body.`,
    'The whole file is checked first: a 400 names each problem by line (the header is line 1) and field, and stores nothing.',
    'The same file again answers 200 `already received` and changes nothing; another file for the same bank and day is stored as a correction (the next revision), the earlier ones kept.',
    'The daily reconciliation counts stored reports; comparing them with the payments recorded is not built yet.',
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

  /** Checked on the raw body before anything is parsed; a signature seen before is a replay. */
  const verified =
    (sender: Sender): MiddlewareHandler<CallbackEnv> =>
    async (c, next) => {
      const check = checkSignature(
        secrets[sender],
        { timestamp: c.req.header(TIMESTAMP_HEADER), signature: c.req.header(SIGNATURE_HEADER) },
        await c.req.text(),
        deps.config.CALLBACK_MAX_SKEW_SECONDS,
      );
      if (!check.ok) throw new HttpProblem('unauthenticated', check.reason);
      const seen = await deps.db.selectFrom('callback_receipts').select('signature').where('sender', '=', sender).where('signature', '=', check.signature).executeTakeFirst();
      if (seen) throw new HttpProblem('unauthenticated', 'this signed request was already received (replay)');
      c.set('signature', check.signature);
      await next();
    };
  /**
   * Recorded only once the signal is durable, so a retry after a failure is not taken for a replay:
   * the signature (a replay is refused) and the sender's own event id (a duplicate is answered as one).
   */
  const remember = async (sender: Sender, signature: string, eventId: string, applicationId: string) => {
    await deps.db.insertInto('callback_receipts').values({ sender, signature }).onConflict((oc) => oc.columns(['sender', 'signature']).doNothing()).execute();
    await deps.db
      .insertInto('callback_events')
      .values({ sender, event_id: eventId, application_id: applicationId })
      .onConflict((oc) => oc.columns(['sender', 'event_id']).doNothing())
      .execute();
  };
  const seenEvent = async (sender: Sender, eventId: string) =>
    !!(await deps.db.selectFrom('callback_events').select('event_id').where('sender', '=', sender).where('event_id', '=', eventId).executeTakeFirst());

  /**
   * Signals the application's workflow within the step deadline (past it: 503, and the sender retries); one
   * whose start is still pending is started first. A workflow already closed (the read model had not caught
   * up) cannot take the message: it is recorded for reconciliation and the sender is told, never answered `accepted`.
   */
  const signalOrRecord = async (sender: Sender, applicationId: string, eventId: string, amount: number | undefined, signal: () => Promise<void>, message: Record<string, unknown>) => {
    try {
      await withStepDeadline(deps, () => withStartedWorkflow(deps, applicationId, signal));
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      const reason = 'the application is closed';
      await recordUnappliedCallback(deps.db, { sender, eventId, applicationId, reason, amount, message, recordedBy: 'api' });
      throw new HttpProblem('conflict', `${reason}; the ${sender === 'bank' ? 'payment' : 'event'} was not applied${sender === 'bank' ? ': refund it' : ''}`);
    }
  };

  const router = newRouter<CallbackEnv>();
  router.use('/callbacks/bank/*', verified('bank'));
  router.use('/callbacks/pos/*', verified('pos'));
  return router
    .openapi(payment, async (c) => {
      const notice = c.req.valid('json');
      const application = await deps.db
        .selectFrom('applications')
        .leftJoin('payments', 'payments.application_id', 'applications.id')
        .select(['applications.id', 'applications.amount', 'applications.stage', 'applications.payment_deadline', 'payments.bank_transaction_id'])
        .where('applications.billing_code', '=', notice.billingCode)
        .executeTakeFirst();
      // No application to attach a record to: the bank took money for a code this service never issued.
      if (!application) throw new HttpProblem('not-found', 'no application has this billing code');
      const seen = await deps.db.selectFrom('callback_events').select('application_id').where('sender', '=', 'bank').where('event_id', '=', notice.transactionId).executeTakeFirst();
      if (seen?.application_id === application.id || application.bank_transaction_id === notice.transactionId) {
        await remember('bank', c.get('signature'), notice.transactionId, application.id);
        return c.json({ status: 'duplicate' as const }, 202);
      }
      /** Money this application cannot take: recorded for reconciliation (a refund), and the bank is told so. */
      const refuse = async (reason: string) => {
        await recordUnappliedCallback(deps.db, { sender: 'bank', eventId: notice.transactionId, applicationId: application.id, reason, amount: notice.amount, message: { ...notice }, recordedBy: 'api' });
        throw new HttpProblem('conflict', `${reason}; the payment was not applied: refund it`);
      };
      if (seen) return refuse('this transaction id was already used for another billing code');
      if (application.bank_transaction_id) return refuse('this billing code is already paid by another transaction');
      if (application.amount !== notice.amount) return refuse(`the amount differs from the billing (${application.amount} rupiah)`);
      if (application.stage === 'EXPIRED' || application.stage === 'CANCELLED') return refuse(`the billing code is no longer valid (the application is ${application.stage})`);
      if (Date.parse(notice.paidAt) > application.payment_deadline.getTime()) return refuse(`paid at ${notice.paidAt}, after the billing code expired at ${application.payment_deadline.toISOString()}`);
      await signalOrRecord('bank', application.id, notice.transactionId, notice.amount, () =>
        deps.temporal.workflow.getHandle(workflowIdFor(application.id)).signal(paymentReceived, notice),
        { ...notice },
      );
      await remember('bank', c.get('signature'), notice.transactionId, application.id);
      return c.json({ status: 'accepted' as const }, 202);
    })
    .openapi(delivery, async (c) => {
      const event = c.req.valid('json');
      if (await seenEvent('pos', event.eventId)) {
        await deps.db.insertInto('callback_receipts').values({ sender: 'pos', signature: c.get('signature') }).onConflict((oc) => oc.doNothing()).execute();
        return c.json({ status: 'duplicate' as const }, 202);
      }
      const shipment = await deps.db.selectFrom('deliveries').select('application_id').where('pos_tracking_number', '=', event.trackingNumber).executeTakeFirst();
      if (!shipment) throw new HttpProblem('not-found', 'no delivery has this tracking number');
      await signalOrRecord('pos', shipment.application_id, event.eventId, undefined, () =>
        deps.temporal.workflow.getHandle(workflowIdFor(shipment.application_id)).signal(posDeliveryEvent, event),
        { ...event },
      );
      await remember('pos', c.get('signature'), event.eventId, shipment.application_id);
      return c.json({ status: 'accepted' as const }, 202);
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
