// Demo and staging only (DEMO_DAY_SECONDS; production refuses it): the SLA's working days and the appointment
// day each last `daySeconds`, so late printing, breaches and no-shows happen within minutes on a real-time server.
// The worker's composition root (worker/index.ts) wraps the activities with it only when the setting is given.
import type { Activities } from '../activities/index.js';

export function compressDays(activities: Activities, daySeconds: number): Activities {
  const dayMs = daySeconds * 1000;
  /** An appointment booked at `at` is that day's: it starts at once and ends a demo day later (the no-show deadline). */
  const compressedDay = (at: string) => ({ startsAt: at, endsAt: new Date(Date.parse(at) + dayMs).toISOString() });
  // Same-day service (percepatan) is due by the end of the interview day: one demo day, not the SLA's working days.
  const slaDeadline: Activities['computeSlaDeadline'] = async (req) => new Date(Date.parse(req.approvedAt) + (req.sameDay ? 1 : req.workingDays) * dayMs).toISOString();
  // The early warning (issue 16) one demo day before the deadline (same-day service: half a demo day), so the
  // demo raises warnings; AT_RISK_HOURS_BEFORE does not apply under the demo clock.
  const atRiskPoint: Activities['atRiskPoint'] = async (req) => {
    const point = Date.parse(req.deadline) - (req.sameDay && req.kind === 'PRINTING' ? dayMs / 2 : dayMs);
    return new Date(Math.max(point, Date.parse(req.since))).toISOString();
  };
  return {
    ...activities,
    computeSlaDeadline: slaDeadline,
    atRiskPoint,
    // Both at once, as release 1 asks for them at an approved interview.
    printingDeadlines: async (req) => {
      const deadline = await slaDeadline(req);
      return { slaDeadline: deadline, point: await atRiskPoint({ officeCode: req.officeCode, kind: 'PRINTING', deadline, since: req.approvedAt, ...(req.sameDay && { sameDay: true }) }) };
    },
    reserveSeat: async (req) => ({ ...(await activities.reserveSeat(req)), ...compressedDay(req.at) }),
    takeOfferedSeat: async (req) => ({ ...(await activities.takeOfferedSeat(req)), ...compressedDay(req.at) }),
  };
}
