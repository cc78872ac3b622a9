// Finance officers of one office: the office's refunds (workflows/refund.ts), read from the refund ledger, and the
// decision on each: approve (the money goes back through the bank) or decline with a reason. A finance officer of
// the directorate (office '*') has the refunds of no office (a billing code no application has), and only those.
// The officer's id travels with each update, so the ledger says who decided.
import { createRoute } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Context, MiddlewareHandler } from 'hono';
import { findRefund, listRefunds, refundSteps, refundView } from '../../db/queries/refunds.js';
import * as visibility from '../../managers/visibility.js';
import { approveRefund, declineRefund, refundDecidedBy, refundOfficeProblem, type RefundState } from '../../workflows/definitions.js';
import { requireRole, type StaffClaims } from '../auth.js';
import { HttpProblem } from '../problems.js';
import { jsonBody, jsonResponse, newRouter, problems, retrySafe, type ApiDeps } from '../router.js';
import { refundDeclineSchema, refundDetailSchema, idempotencyHeaders, refundIdParams, refundListQuery, refundListSchema } from '../schemas.js';
import { refundStepResponses, runUpdate } from '../steps.js';

type FinanceEnv = { Variables: { claims: StaffClaims } };

const finance = { tags: ['finance'], security: [{ bearer: [] }] };
const decision = {
  ...finance,
  method: 'post' as const,
  responses: { 200: jsonResponse('The refund after the decision', refundDetailSchema), ...refundStepResponses, ...problems(400, 401, 403, 404, 409, 422) },
};

const list = createRoute({
  ...finance,
  method: 'get',
  path: '/finance/refunds',
  summary: "The office's refunds, newest first: those awaiting approval, awaiting the bank, escalated, refunded or declined",
  description: "A finance officer of the directorate (office `*`) lists the refunds of no office: payments of a billing code no application has.",
  request: { query: refundListQuery },
  responses: { 200: jsonResponse('Refunds of the office', refundListSchema), ...problems(400, 401, 403) },
});
const read = createRoute({
  ...finance,
  method: 'get',
  path: '/finance/refunds/{refundId}',
  summary: 'A refund of the office, with every step it went through (who, when, why)',
  request: { params: refundIdParams },
  responses: { 200: jsonResponse('Refund', refundDetailSchema), ...problems(400, 401, 403, 404) },
});
const approve = createRoute({
  ...decision,
  path: '/finance/refunds/{refundId}/approve',
  summary: "Approve a refund: the money is transferred back through the bank, which confirms it by its signed callback",
  request: { params: refundIdParams, headers: idempotencyHeaders },
});
const decline = createRoute({
  ...decision,
  path: '/finance/refunds/{refundId}/decline',
  summary: 'Decline a refund, with the reason',
  request: { params: refundIdParams, headers: idempotencyHeaders, body: jsonBody(refundDeclineSchema) },
});

const LIST_LIMIT = 100;

export const financeRoutes = (deps: ApiDeps) => {
  const { db, config } = deps;
  const uiBase = visibility.webUiBase(config);
  /**
   * Another office's refund is refused before anything is read or sent (403 naming its office, as for officers);
   * an unknown one is a 404. A refund with no office (no application has its billing code) is the directorate's.
   */
  const ownRefund: MiddlewareHandler<FinanceEnv> = async (c, next) => {
    const encoded = /^\/finance\/refunds\/([^/]+)/.exec(c.req.path)?.[1];
    const refundId = encoded && decodeURIComponent(encoded);
    // Not an id at all: the route's own validation answers 400 naming it.
    if (refundId && refundIdParams.safeParse({ refundId }).success) {
      const refund = await findRefund(db, refundId);
      if (!refund) throw new HttpProblem('not-found', 'no such refund');
      if (refundDecidedBy(refund.office_code) !== c.get('claims').office) throw new HttpProblem('forbidden', refundOfficeProblem(refund.office_code));
    }
    await next();
  };
  const detail = async (refundId: string) => {
    const refund = await findRefund(db, refundId);
    if (!refund) throw new HttpProblem('not-found', 'no such refund');
    const steps = (await refundSteps(db, refundId)).map((s) => ({ ...s, at: s.at.toISOString() }));
    return { ...refundView(refund), steps };
  };
  /** A decision: the Idempotency-Key checked against the officer's own request, then the update under the step deadline. */
  const decide = async <Arg>(c: Context<FinanceEnv>, refundId: string, update: UpdateDefinition<RefundState, [Arg]>, arg: Arg, request: unknown) => {
    const location = `/finance/refunds/${encodeURIComponent(refundId)}`;
    try {
      await runUpdate(deps, { workflowId: refundId, subject: 'refund', location, update, args: [arg], retry: await retrySafe(c, db, update, request) });
    } catch (error) {
      // A closed refund's workflow takes no update: say why in the refund's words.
      if (!(error instanceof WorkflowNotFoundError || (error instanceof Error && /already completed/i.test(error.message)))) throw error;
      throw new HttpProblem('out-of-order', `the refund is already ${(await findRefund(db, refundId))?.stage ?? 'closed'}`);
    }
    return detail(refundId);
  };
  const by = (c: Context<FinanceEnv>) => ({ officerId: c.get('claims').sub, officeCode: c.get('claims').office });

  const router = newRouter<FinanceEnv>();
  router.use('/finance/*', requireRole(config.JWT_SECRET, 'finance'), ownRefund);
  return router
    .openapi(list, async (c) => {
      const officeCode = c.get('claims').office;
      const stage = c.req.valid('query').stage;
      const items = (await listRefunds(db, officeCode, stage, LIST_LIMIT)).map(refundView);
      const query = visibility.ofRefundOffice(visibility.refundsIn(stage), officeCode);
      return c.json({ officeCode, stage: stage ?? null, items, temporal: { query, url: visibility.webUiLink(uiBase, config.TEMPORAL_NAMESPACE, query) } }, 200);
    })
    .openapi(read, async (c) => c.json(await detail(c.req.valid('param').refundId), 200))
    .openapi(approve, async (c) => c.json(await decide(c, c.req.valid('param').refundId, approveRefund, by(c), undefined), 200))
    .openapi(decline, async (c) => {
      const body = c.req.valid('json');
      return c.json(await decide(c, c.req.valid('param').refundId, declineRefund, { ...by(c), reason: body.reason }, body), 200);
    });
};
