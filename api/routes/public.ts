// Anyone: track an application by its code (nothing personal), list offices.
import { createRoute } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { loadHolidays } from '../../activities/booking.js';
import { localDate, nthWorkingDayAfter } from '../../workflows/calendar.js';
import type { Stage } from '../../workflows/definitions.js';
import { HttpProblem } from '../problems.js';
import { jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { officeSchema, trackingParams, trackingSchema } from '../schemas.js';

const track = createRoute({
  method: 'get',
  path: '/track/{trackingCode}',
  tags: ['public'],
  summary: 'Where an application is: stage, dates and estimated completion, nothing personal',
  request: { params: trackingParams },
  responses: { 200: jsonResponse('Tracking', trackingSchema), ...problems(400, 404) },
});

const offices = createRoute({
  method: 'get',
  path: '/offices',
  tags: ['public'],
  summary: 'Immigration offices and their time zones',
  responses: { 200: jsonResponse('Offices', z.array(officeSchema)) },
});

export const publicRoutes = (deps: ApiDeps) =>
  newRouter()
    .openapi(track, async (c) => {
      const { trackingCode } = c.req.valid('param');
      const row = await deps.db
        .selectFrom('applications')
        .innerJoin('offices', 'offices.code', 'applications.office_code')
        .select([
          'applications.id',
          'tracking_code',
          'stage',
          'stage_entered_at',
          'next_deadline',
          'office_code',
          'appointment_date',
          'appointment_session',
          'sla_deadline',
          'sla_breached',
          'delivery_method',
          'pos_tracking_number',
          'offices.time_zone',
        ])
        .where('tracking_code', '=', trackingCode)
        .executeTakeFirst();
      if (!row) throw new HttpProblem('not-found', 'no application has this tracking code');
      const timeline = await deps.db.selectFrom('audit_log').select(['stage', 'at']).where('application_id', '=', row.id).orderBy('seq').execute();

      // The same working-day rule as the SLA timer: due on the last day before its deadline's midnight.
      let estimatedCompletion: string | null = null;
      if (row.sla_deadline) estimatedCompletion = localDate(new Date(row.sla_deadline.getTime() - 1), row.time_zone);
      else if (row.appointment_date) estimatedCompletion = nthWorkingDayAfter(row.appointment_date, deps.policy.slaWorkingDays, await loadHolidays(deps.db));

      return c.json(
        {
          trackingCode: row.tracking_code,
          stage: row.stage as Stage,
          stageEnteredAt: row.stage_entered_at.toISOString(),
          nextDeadline: row.next_deadline?.toISOString() ?? null,
          officeCode: row.office_code,
          appointment: row.appointment_date ? { date: row.appointment_date, session: row.appointment_session ?? '' } : null,
          estimatedCompletion,
          slaBreached: row.sla_breached,
          deliveryMethod: row.delivery_method,
          posTrackingNumber: row.pos_tracking_number,
          timeline: timeline.map((e) => ({ stage: e.stage as Stage, at: e.at.toISOString() })),
        },
        200,
      );
    })
    .openapi(offices, async (c) => {
      const rows = await deps.db.selectFrom('offices').select(['code', 'name', 'city', 'time_zone']).orderBy('code').execute();
      return c.json(rows.map((o) => ({ code: o.code, name: o.name, city: o.city, timeZone: o.time_zone })), 200);
    });
