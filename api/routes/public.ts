// Anyone: track an application by its code (nothing personal, rate-limited), offices and their free
// seats, the documents to bring, the fee schedule.
import { createRoute, z } from '@hono/zod-openapi';
import { bookingWindow } from '../../db/calendar.js';
import { trackApplication } from '../../db/queries/applications.js';
import { findOffice, officesInService } from '../../db/queries/offices.js';
import { seatsBetween } from '../../db/queries/sessions.js';
import { withWaitlist } from '../../db/queries/waitlist.js';
import { addDays } from '../../workflows/calendar.js';
import { SESSIONS, type ApplicationType } from '../../workflows/definitions.js';
import { requireBookable } from '../horizon.js';
import { HttpProblem } from '../problems.js';
import { tokenBucket } from '../rate-limit.js';
import { jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import {
  applicationTypeParams,
  availabilityQuery,
  availabilitySchema,
  feeSchema,
  officeParams,
  officeSchema,
  requirementsSchema,
  trackingParams,
  trackingSchema,
} from '../schemas.js';

const track = createRoute({
  method: 'get',
  path: '/track/{trackingCode}',
  tags: ['public'],
  summary: 'Where an application is: stage, dates and estimated completion, nothing personal',
  description: 'Rate-limited per client, one limit across every API instance; 429 with Retry-After when exceeded.',
  request: { params: trackingParams },
  responses: { 200: jsonResponse('Tracking', trackingSchema), ...problems(400, 404, 429) },
});

const offices = createRoute({
  method: 'get',
  path: '/offices',
  tags: ['public'],
  summary: 'Immigration offices in service: time zone, services and daily quotas',
  responses: { 200: jsonResponse('Offices', z.array(officeSchema)) },
});

const availability = createRoute({
  method: 'get',
  path: '/offices/{officeCode}/availability',
  tags: ['public'],
  summary: "Seats left per session and kind, on each day the office serves, from tomorrow (office local) or 'from'",
  description:
    'Only days inside the published booking horizon (BOOKING_HORIZON_DAYS, default 60 days from today, office local) and inside the loaded ' +
    "holiday calendar are offered; `bookable` says which. A 'from' past either is a 400.",
  request: { params: officeParams, query: availabilityQuery },
  responses: { 200: jsonResponse('Availability', availabilitySchema), ...problems(400, 404) },
});

const requirements = createRoute({
  method: 'get',
  path: '/requirements/{applicationType}',
  tags: ['public'],
  summary: 'The documents to bring to the interview for an application type',
  request: { params: applicationTypeParams },
  responses: { 200: jsonResponse('Documents', requirementsSchema), ...problems(400) },
});

const fees = createRoute({
  method: 'get',
  path: '/fees',
  tags: ['public'],
  summary: 'The fee schedule in force (PP 45/2024): passports, services and fines, in rupiah',
  responses: { 200: jsonResponse('Fees', z.array(feeSchema)) },
});

export const publicRoutes = (deps: ApiDeps) => {
  const router = newRouter();
  // The token is taken in the read's own statement: one round trip for a lookup.
  const trackingLimit = tokenBucket(deps.db, {
    scope: 'tracking',
    perMinute: deps.config.TRACKING_RATE_PER_MINUTE,
    burst: deps.config.TRACKING_BURST,
    trustProxy: deps.config.TRUST_PROXY,
    secret: deps.config.JWT_SECRET,
  });
  return router
    .openapi(track, async (c) => {
      const { trackingCode } = c.req.valid('param');
      const key = trackingLimit.keyOf(c);
      const tracked = await trackApplication(deps.db, trackingCode, deps.policy.slaWorkingDays, (db) => trackingLimit.take(db, key));
      trackingLimit.taken();
      if (tracked === 'refused') return trackingLimit.refuse(c, key);
      if (!tracked) throw new HttpProblem('not-found', 'no application has this tracking code');
      return c.json(tracked, 200);
    })
    .openapi(offices, async (c) => {
      const rows = await officesInService(deps.db);
      return c.json(
        rows.map((o) => ({
          code: o.code,
          name: o.name,
          city: o.city,
          timeZone: o.time_zone,
          // A kind with no seat in either session is not offered.
          services: (['REGULAR', 'SAME_DAY', 'PRIORITY'] as const).filter((kind) => SESSIONS.some((session) => o.session_quotas[session][kind] > 0)),
          dailyQuota: { regular: o.regular_quota, sameDay: o.same_day_quota, priority: o.priority_quota },
        })),
        200,
      );
    })
    .openapi(availability, async (c) => {
      const { officeCode } = c.req.valid('param');
      // A retired office books only the applications already open there (through their own routes).
      const office = await findOffice(deps.db, officeCode, { inService: true });
      if (!office) throw new HttpProblem('not-found', `no immigration office with code ${officeCode}`);
      const query = c.req.valid('query');
      const window = await bookingWindow(deps.db, { timeZone: office.time_zone, now: new Date(), horizonDays: deps.config.BOOKING_HORIZON_DAYS });
      if (query.from) requireBookable('query.from', query.from, window);
      const from = query.from && query.from > window.from ? query.from : window.from;
      const last = addDays(from, query.days - 1) < window.until ? addDays(from, query.days - 1) : window.until;
      return c.json(
        {
          officeCode: office.code,
          timeZone: office.time_zone,
          bookable: { from: window.from, until: window.until, horizonDays: window.horizonDays, calendarUntil: window.calendarUntil },
          days: await withWaitlist(deps.db, office.code, await seatsBetween(deps.db, office, from, last)),
        },
        200,
      );
    })
    .openapi(requirements, async (c) => {
      const { applicationType } = c.req.valid('param');
      const rows = await deps.db
        .selectFrom('document_requirements')
        .select(['document', 'note', 'document_id as documentId', 'note_id as noteId'])
        .where('application_type', '=', applicationType)
        .orderBy('position')
        .execute();
      return c.json({ applicationType: applicationType as ApplicationType, documents: rows }, 200);
    })
    .openapi(fees, async (c) => {
      const rows = await deps.db.selectFrom('fee_schedule').select(['code', 'kind', 'description', 'amount']).where('retired_at', 'is', null).orderBy('kind').orderBy('amount').execute();
      return c.json(rows, 200);
    });
};
