// Demo and staging only (DEMO_DAY_SECONDS; production refuses it): the SLA's working days and the appointment
// day each last `daySeconds`, so late printing, breaches and no-shows happen within minutes on a real-time server.
// The worker's composition root (worker/index.ts) wraps the activities with it only when the setting is given.
import type { Activities } from '../activities/index.js';

export function compressDays(activities: Activities, daySeconds: number): Activities {
  const dayMs = daySeconds * 1000;
  return {
    ...activities,
    computeSlaDeadline: async (req) => new Date(Date.parse(req.approvedAt) + req.workingDays * dayMs).toISOString(),
    reserveSeat: async (req) => ({ ...(await activities.reserveSeat(req)), startsAt: req.at, endsAt: new Date(Date.parse(req.at) + dayMs).toISOString() }),
  };
}
