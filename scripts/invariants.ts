// What must hold for every application whatever crashed meanwhile: nothing lost, nothing doubled,
// the read model agreeing with the workflow, nothing stuck. Read from PostgreSQL and Temporal; used by
// the fault tests (test/faults/) and `npm run soak`.
import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { TERMINAL_STAGES, WORKFLOW_TYPE, getState, workflowIdFor } from '../workflows/definitions.js';

export interface Violation {
  applicationId: string | null;
  invariant: string;
  detail: string;
}

/** What each application's rows add up to (the fault tests assert on it directly, too). */
export interface ApplicationFacts {
  id: string;
  stage: string;
  slaBreached: boolean;
  payments: number;
  /** Bookings not released (a seat used by a no-show stays taken). */
  activeSeats: number;
  noShows: number;
  compensations: number;
  deliveryRequests: number;
  auditSeqs: number[];
  auditStages: string[];
  /** The bank's transactions for its billing code that are neither its payment, nor refunded, nor a conflict on record. */
  lostBankEvents: number;
  /** The workflow's answer: its result when closed, its current stage when running. */
  workflowStatus: string;
  workflowStage?: string;
}

const PAID_STAGES = ['AWAITING_BOOKING', 'AWAITING_INTERVIEW', 'AWAITING_PRINTING', 'READY_FOR_PICKUP', 'IN_DELIVERY', 'COMPLETED', 'REJECTED'];
const SEATED_STAGES = ['AWAITING_INTERVIEW', 'AWAITING_PRINTING', 'READY_FOR_PICKUP', 'IN_DELIVERY'];

/** Counts per application, from the tables each effect writes. */
export async function factsFor(db: Kysely<DB>, temporal: Client, applicationIds: string[]): Promise<ApplicationFacts[]> {
  if (applicationIds.length === 0) return [];
  const count = async (table: 'payments' | 'compensations' | 'deliveries', extra?: (q: any) => any) => {
    let query = db.selectFrom(table).select(['application_id', (eb) => eb.fn.countAll<number>().as('n')]).where('application_id', 'in', applicationIds).groupBy('application_id');
    if (extra) query = extra(query);
    return new Map((await query.execute()).map((r) => [r.application_id, Number(r.n)]));
  };
  const apps = await db.selectFrom('applications').select(['id', 'stage', 'sla_breached']).where('id', 'in', applicationIds).execute();
  const payments = await count('payments');
  const compensations = await count('compensations');
  const deliveries = await count('deliveries');
  const seats = new Map(
    (
      await db
        .selectFrom('bookings')
        .select(['application_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('application_id', 'in', applicationIds)
        .where('released_at', 'is', null)
        .groupBy('application_id')
        .execute()
    ).map((r) => [r.application_id, Number(r.n)]),
  );
  const audit = await db.selectFrom('audit_log').select(['application_id', 'seq', 'stage', 'reason']).where('application_id', 'in', applicationIds).orderBy('application_id').orderBy('seq').execute();
  // Every transaction the bank reported for the application's billing code has found its owner: applied as its
  // payment, refunded, or a conflict on record for managers. One still undecided (or applied without the payment) is lost.
  const bankEvents = new Map(
    (
      await db
        .selectFrom('bank_transactions as b')
        .innerJoin('applications as a', 'a.billing_code', 'b.billing_code')
        .select(['a.id as application_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('a.id', 'in', applicationIds)
        .where(({ eb, and, or, not, exists, selectFrom }) =>
          not(
            or([
              eb('b.outcome', 'in', ['REFUND', 'CONFLICT']),
              and([
                eb('b.outcome', '=', 'APPLIED'),
                exists(selectFrom('payments as p').select('p.id').whereRef('p.application_id', '=', 'a.id').whereRef('p.bank', '=', 'b.bank').whereRef('p.bank_transaction_id', '=', 'b.transaction_id')),
              ]),
            ]),
          ),
        )
        .groupBy('a.id')
        .execute()
    ).map((r) => [r.application_id, Number(r.n)]),
  );

  const facts: ApplicationFacts[] = [];
  for (const app of apps) {
    const rows = audit.filter((a) => a.application_id === app.id);
    const { status, stage } = await workflowAnswer(temporal, app.id);
    facts.push({
      id: app.id,
      stage: app.stage,
      slaBreached: app.sla_breached,
      payments: payments.get(app.id) ?? 0,
      activeSeats: seats.get(app.id) ?? 0,
      noShows: rows.filter((r) => r.stage === 'AWAITING_BOOKING' && r.reason?.startsWith('no-show')).length,
      compensations: compensations.get(app.id) ?? 0,
      deliveryRequests: deliveries.get(app.id) ?? 0,
      auditSeqs: rows.map((r) => r.seq),
      auditStages: rows.map((r) => r.stage),
      lostBankEvents: bankEvents.get(app.id) ?? 0,
      workflowStatus: status,
      workflowStage: stage,
    });
  }
  return facts;
}

async function workflowAnswer(temporal: Client, applicationId: string): Promise<{ status: string; stage?: string }> {
  const handle = temporal.workflow.getHandle(workflowIdFor(applicationId));
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch {
    return { status: 'NOT_FOUND' };
  }
  if (status === 'COMPLETED') return { status, stage: String(await handle.result()) };
  if (status === 'RUNNING') return { status, stage: (await handle.query(getState)).stage };
  return { status };
}

/** Every violation among these applications' facts (empty when all hold). */
export function violationsIn(facts: ApplicationFacts[]): Violation[] {
  const found: Violation[] = [];
  const add = (f: ApplicationFacts, invariant: string, detail: string) => found.push({ applicationId: f.id, invariant, detail });
  for (const f of facts) {
    const paid = f.auditStages.some((s) => PAID_STAGES.includes(s));
    if (f.payments > 1) add(f, 'one payment', `${f.payments} payments`);
    if (paid && f.payments !== 1) add(f, 'one payment', `went past payment with ${f.payments} payments recorded`);
    if (f.lostBankEvents > 0) add(f, 'no payment lost', `${f.lostBankEvents} bank transaction(s) for its billing code neither applied as its payment, nor refunded, nor a conflict on record (stage ${f.stage})`);
    if (f.activeSeats > 1 + f.noShows) add(f, 'one seat', `${f.activeSeats} seats taken with ${f.noShows} no-show(s)`);
    if (SEATED_STAGES.includes(f.stage) && f.activeSeats < 1) add(f, 'one seat', `${f.stage} without a seat`);
    if (f.stage === 'EXPIRED' && f.activeSeats > 0) add(f, 'one seat', `${f.stage} still holds ${f.activeSeats} seat(s)`);
    if (f.compensations > 1) add(f, 'one compensation', `${f.compensations} compensations`);
    if (f.slaBreached !== (f.compensations === 1)) add(f, 'one compensation', `sla_breached=${f.slaBreached} with ${f.compensations} compensation(s)`);
    if (f.deliveryRequests > 1) add(f, 'one delivery request', `${f.deliveryRequests} Pos delivery requests`);
    if (f.auditStages.includes('IN_DELIVERY') && f.deliveryRequests !== 1) add(f, 'one delivery request', `went IN_DELIVERY with ${f.deliveryRequests} requests`);
    const gap = f.auditSeqs.findIndex((seq, i) => seq !== i + 1);
    if (f.auditSeqs.length === 0 || gap >= 0) add(f, 'audit without gaps or duplicates', `audit seqs [${f.auditSeqs.join(',')}]`);
    if (f.auditStages.at(-1) !== f.stage) add(f, 'audit agrees with the read model', `last audit stage ${f.auditStages.at(-1)}, read model ${f.stage}`);
    if (f.workflowStatus !== 'COMPLETED' && f.workflowStatus !== 'RUNNING') add(f, 'workflow alive or finished', `workflow ${f.workflowStatus}`);
    else if (f.workflowStage !== f.stage) add(f, 'read model equals the workflow', `workflow ${f.workflowStatus} at ${f.workflowStage}, read model ${f.stage}`);
    if (f.workflowStatus === 'RUNNING' && TERMINAL_STAGES.includes(f.stage as never)) add(f, 'terminal stage closes the workflow', `read model ${f.stage}, workflow still running`);
  }
  return found;
}

/**
 * Checks across all applications of the database: seat counters equal the seats taken, and nothing is
 * stuck (a running application whose deadline passed more than `graceMs` ago without the timer acting), and no
 * application whose workflow start is still unconfirmed after `graceMs`.
 */
export async function globalViolations(db: Kysely<DB>, graceMs = 60_000): Promise<Violation[]> {
  const found: Violation[] = [];
  const slots = await sql<{ office_code: string; date: string; session: string; booked: number; taken: number }>`
    select s.office_code, s.date::text as date, s.session, s.booked,
           (select count(*)::int from bookings b
             where b.office_code = s.office_code and b.date = s.date and b.session = s.session and b.released_at is null)
           -- a seat held for the session's waitlist stays counted until taken or given back
           + (select count(*)::int from seat_holds h
             where h.office_code = s.office_code and h.date = s.date and h.session = s.session and h.kind = s.kind and h.status in ('HELD', 'OFFERED')) as taken
      from appointment_slots s`.execute(db);
  for (const s of slots.rows) {
    if (s.booked !== s.taken) found.push({ applicationId: null, invariant: 'seat counter equals seats taken', detail: `${s.office_code} ${s.date} ${s.session}: booked=${s.booked}, unreleased bookings=${s.taken}` });
  }
  const stuck = await db
    .selectFrom('applications')
    .select(['id', 'stage', 'next_deadline'])
    .where('stage', 'not in', TERMINAL_STAGES)
    .where('next_deadline', '<', new Date(Date.now() - graceMs))
    .execute();
  for (const s of stuck) found.push({ applicationId: s.id, invariant: 'nothing stuck', detail: `${s.stage} with its deadline ${s.next_deadline?.toISOString()} passed ${Math.round((Date.now() - s.next_deadline!.getTime()) / 1000)} s ago` });
  // A start not confirmed is tried again every few seconds (api/workflow-starts.ts): one still pending after the grace is lost.
  const unstarted = await db
    .selectFrom('applications')
    .select(['id', 'created_at'])
    .where('workflow_started_at', 'is', null)
    .where('workflow_start', 'is not', null)
    .where('created_at', '<', new Date(Date.now() - graceMs))
    .execute();
  for (const u of unstarted) found.push({ applicationId: u.id, invariant: 'no application without its workflow', detail: `submitted at ${u.created_at.toISOString()}, its workflow start still not confirmed` });
  return found;
}

/** A workflow without its application (a row lost after Temporal had started its workflow). */
export async function orphanWorkflows(db: Kysely<DB>, temporal: Client): Promise<Violation[]> {
  const ids: string[] = [];
  for await (const wf of temporal.workflow.list({ query: `WorkflowType = '${WORKFLOW_TYPE}'` })) ids.push(wf.workflowId.replace(/^passport-/, ''));
  if (ids.length === 0) return [];
  const known = new Set((await db.selectFrom('applications').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
  return ids.filter((id) => !known.has(id)).map((id) => ({ applicationId: id, invariant: 'no workflow without its application', detail: 'a workflow runs for an application the read model does not have' }));
}

/** All invariants over these applications (and the global ones). */
export async function checkInvariants(db: Kysely<DB>, temporal: Client, applicationIds: string[], opts: { graceMs?: number } = {}) {
  const facts = await factsFor(db, temporal, applicationIds);
  const missing = applicationIds.filter((id) => !facts.some((f) => f.id === id));
  const violations = [
    ...missing.map((id) => ({ applicationId: id, invariant: 'nothing lost', detail: 'the application is gone from the read model' })),
    ...violationsIn(facts),
    ...(await globalViolations(db, opts.graceMs)),
    ...(await orphanWorkflows(db, temporal)),
  ];
  return { facts, violations };
}

export const formatViolation = (v: Violation) => `${v.invariant}: ${v.applicationId ?? '(all)'}: ${v.detail}`;
