// Managers: the days an office declares (office_days). OPEN: a special service day with its own seats, even on a
// weekend or a holiday; CLOSED: no service that day, and the officeClosure workflow moves every application
// booked on it. An office's manager declares their own office's days, the directorate any office's.
import { createRoute, z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { sql, type Transaction } from 'kysely';
import { beyondWindow, bookingWindow } from '../../db/calendar.js';
import { findOffice } from '../../db/queries/offices.js';
import { declaredDays } from '../../db/queries/service-days.js';
import type { DB, OfficeDay } from '../../db/schema.js';
import { addDays } from '../../workflows/calendar.js';
import { OFFICE_CLOSURE_WORKFLOW, SEAT_KINDS, SESSIONS, officeClosureIdFor, type SessionQuotas } from '../../workflows/definitions.js';
import type { OfficeClosureInput } from '../../workflows/office-closure.js';
import { managerScope, requireRole, type StaffClaims } from '../auth.js';
import { HttpProblem } from '../problems.js';
import { jsonBody, jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { officeDayDeclaration, officeDayParams, officeDaySchema, officeDaysQuery, officeParams } from '../schemas.js';

type ManagerEnv = { Variables: { claims: StaffClaims } };
type Declaration = z.infer<typeof officeDayDeclaration>;

/** The longest run of days one listing covers. */
const MAX_LIST_DAYS = 400;

const declareDay = createRoute({
  tags: ['managers'],
  security: [{ bearer: [] }],
  method: 'put',
  path: '/manager/offices/{officeCode}/days/{date}',
  request: { params: officeDayParams, body: jsonBody(officeDayDeclaration) },
  summary: "Declares one of the office's days OPEN (a special service day with its own seats) or CLOSED (its bookings are moved)",
  description:
    'The date from tomorrow (office local) to the end of the booking horizon and the loaded holiday calendar. OPEN: seats per session and kind, never fewer than are already booked there (409 naming the session and kind). ' +
    'CLOSED: no booking is taken that day, and each application booked on it is moved to the nearest free session after it (or, with none free within the horizon, asked to book again), and told. ' +
    'The same declaration again changes nothing. A CLOSED day cannot be declared otherwise once its moves have started (409).',
  responses: { 200: jsonResponse('The day as declared', officeDaySchema), ...problems(400, 401, 403, 404, 409) },
});
const listDays = createRoute({
  tags: ['managers'],
  security: [{ bearer: [] }],
  method: 'get',
  path: '/manager/offices/{officeCode}/days',
  request: { params: officeParams, query: officeDaysQuery },
  summary: 'The days the office declared OPEN or CLOSED, in date order',
  responses: { 200: jsonResponse('Declared days', z.object({ officeCode: z.string(), items: z.array(officeDaySchema) }).openapi('OfficeDays')), ...problems(400, 401, 403, 404) },
});

const invalidDate = (reason: string) => new HttpProblem('validation', `param.date: ${reason}`, [{ field: 'param.date', reason }]);

const dayView = (row: OfficeDay) => ({
  officeCode: row.office_code,
  date: row.date,
  status: row.status,
  quotas: row.session_quotas,
  reason: row.reason,
  declaredBy: row.declared_by,
  declaredAt: new Date(row.declared_at).toISOString(),
  closureWorkflowId: row.status === 'CLOSED' ? officeClosureIdFor(row.office_code, row.date) : null,
});

const sameQuotas = (a: SessionQuotas | null, b: SessionQuotas | undefined) =>
  (a === null && b === undefined) || (!!a && !!b && SESSIONS.every((s) => SEAT_KINDS.every((k) => a[s][k] === b[s][k])));

/**
 * An OPEN day's seats: refused below the seats already booked in a session and kind; else every session's
 * rows carry the new capacity, so a booking taken meanwhile counts against it (the rows are locked first).
 */
async function applySeats(tx: Transaction<DB>, officeCode: string, date: string, quotas: SessionQuotas): Promise<void> {
  const rows = await tx.selectFrom('appointment_slots').select(['session', 'kind', 'booked']).where('office_code', '=', officeCode).where('date', '=', date).forUpdate().execute();
  for (const row of rows) {
    const seats = quotas[row.session][row.kind];
    if (seats < row.booked) {
      throw new HttpProblem('conflict', `quotas.${row.session}.${row.kind}: ${row.booked} ${row.kind} seats are already booked in the ${row.session} session of ${date}, more than ${seats}`, [
        { field: `quotas.${row.session}.${row.kind}`, reason: `${row.booked} seats are already booked` },
      ]);
    }
  }
  const values = SESSIONS.flatMap((session) => SEAT_KINDS.map((kind) => ({ office_code: officeCode, date, session, kind, capacity: quotas[session][kind] })));
  await tx
    .insertInto('appointment_slots')
    .values(values)
    .onConflict((oc) => oc.columns(['office_code', 'date', 'session', 'kind']).doUpdateSet((eb) => ({ capacity: eb.ref('excluded.capacity') })))
    .execute();
}

export const officeDayRoutes = ({ db, config, temporal, taskQueue }: ApiDeps) => {
  /** Whether the closure of that day has started moving its bookings. */
  const closureStarted = async (officeCode: string, date: string) => {
    try {
      await temporal.workflow.getHandle(officeClosureIdFor(officeCode, date)).describe();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  };
  /** Starts the moves of a CLOSED day; a second declaration joins the one already started. */
  const startClosure = async (input: OfficeClosureInput) => {
    try {
      await temporal.workflow.start(OFFICE_CLOSURE_WORKFLOW, { workflowId: officeClosureIdFor(input.officeCode, input.date), taskQueue, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  };

  /** The declaration as stored: unchanged when it says the same again. */
  const declare = async (officeCode: string, date: string, declaration: Declaration, by: string): Promise<OfficeDay> =>
    db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`office day ${officeCode} ${date}`}))`.execute(tx);
      const current = await tx.selectFrom('office_days').selectAll().where('office_code', '=', officeCode).where('date', '=', date).executeTakeFirst();
      const quotas = declaration.status === 'OPEN' ? declaration.quotas : undefined;
      if (current && current.status === declaration.status && current.reason === declaration.reason && sameQuotas(current.session_quotas, quotas)) return current;
      if (current?.status === 'CLOSED' && (await closureStarted(officeCode, date))) {
        throw new HttpProblem('conflict', `${officeCode} is declared CLOSED on ${date} and its bookings are being moved: a closed day cannot be reopened or changed once its moves have started`);
      }
      if (quotas) await applySeats(tx, officeCode, date, quotas);
      const row = { status: declaration.status, session_quotas: quotas ? JSON.stringify(quotas) : null, reason: declaration.reason, declared_by: by, declared_at: new Date() };
      return tx
        .insertInto('office_days')
        .values({ office_code: officeCode, date, ...row })
        .onConflict((oc) => oc.columns(['office_code', 'date']).doUpdateSet(row))
        .returningAll()
        .executeTakeFirstOrThrow();
    });

  const router = newRouter<ManagerEnv>();
  router.use('/manager/offices/*', requireRole(config.JWT_SECRET, 'manager'));
  return router
    .openapi(declareDay, async (c) => {
      const { officeCode, date } = c.req.valid('param');
      const claims = c.get('claims');
      managerScope(claims.office, officeCode);
      const office = await findOffice(db, officeCode, { inService: true });
      if (!office) throw new HttpProblem('not-found', `no immigration office with code ${officeCode}`);
      const window = await bookingWindow(db, { timeZone: office.time_zone, now: new Date(), horizonDays: config.BOOKING_HORIZON_DAYS });
      if (date < window.from) throw invalidDate(`days can be declared from tomorrow (${office.code} local date is ${window.today})`);
      const beyond = beyondWindow(date, window);
      if (beyond) throw invalidDate(beyond);
      const day = await declare(office.code, date, c.req.valid('json'), claims.sub);
      // Also when the day was already CLOSED: a declaration whose start failed (Temporal down) starts it now.
      if (day.status === 'CLOSED') await startClosure({ officeCode: office.code, date, reason: day.reason });
      return c.json(dayView(day), 200);
    })
    .openapi(listDays, async (c) => {
      const { officeCode } = c.req.valid('param');
      managerScope(c.get('claims').office, officeCode);
      const office = await findOffice(db, officeCode);
      if (!office) throw new HttpProblem('not-found', `no immigration office with code ${officeCode}`);
      const window = await bookingWindow(db, { timeZone: office.time_zone, now: new Date(), horizonDays: config.BOOKING_HORIZON_DAYS });
      const query = c.req.valid('query');
      const from = query.from ?? window.today;
      const until = query.until ?? window.horizonUntil;
      if (until < from) throw new HttpProblem('validation', 'query.until: must not be before from', [{ field: 'query.until', reason: 'must not be before from' }]);
      if (until > addDays(from, MAX_LIST_DAYS)) throw new HttpProblem('validation', `query.until: at most ${MAX_LIST_DAYS} days after from`, [{ field: 'query.until', reason: `must be at most ${MAX_LIST_DAYS} days after from` }]);
      const days = await declaredDays(db, office.code, from, until);
      return c.json({ officeCode: office.code, items: days.map(dayView) }, 200);
    });
};
