// Stages: AWAITING_PRINTING and IN_DELIVERY (issue 16). When an application is warned about before its deadline
// (the early-warning point), and the warning itself: the at_risk_warnings row and the office's notice, once.
import type { Kysely } from 'kysely';
import { loadHolidays } from '../db/queries/holidays.js';
import { getOffice } from '../db/queries/offices.js';
import type { DB } from '../db/schema.js';
import { addDays, FIRST_DATE, isWorkingDay, LAST_DATE, localDate, MAX_SCAN_DAYS } from '../workflows/calendar.js';
import type { AtRiskKind, NoticeToRecord } from '../workflows/definitions.js';
import { sessionWindow, type SessionHours } from '../workflows/format.js';
import { slaDeadlineFor, type SlaRequest } from './compensation.js';
import { recordNotice, type StartDelivery } from './notices/record.js';

const HOUR_MS = 3_600_000;
/** From this instant on, an office's date is 9999-12-31 or past the calendar: taken as its last day, 9999-12-31. */
const LAST_INSTANT_MS = Date.parse(`${LAST_DATE}T00:00:00Z`);

export interface EarlyWarningRule {
  /** The deadline at risk and when the wait for it starts (a point before `since` is `since`: marked at once). */
  deadline: Date;
  since: Date;
  timeZone: string;
  hours: SessionHours;
  holidays: ReadonlySet<string>;
  /** AT_RISK_HOURS_BEFORE: that many hours before the deadline, instead of the office's opening. */
  hoursBefore?: number;
  /** Same-day service (percepatan): the AFTERNOON session's start of the interview day (the day of `since`). */
  sameDay?: boolean;
}

/** The office date of the day an instant belongs to, kept inside the dates the calendar accepts. */
const officeDateOf = (ms: number, timeZone: string): string => (ms >= LAST_INSTANT_MS ? LAST_DATE : localDate(new Date(ms), timeZone));

/**
 * The early-warning point: `hoursBefore` hours before the deadline when set; for same-day service the afternoon
 * session's start of the interview day; otherwise the MORNING session's start on the last working day (national
 * calendar) that opens before the deadline: for an SLA (which ends at a working day's midnight) the deadline's own day.
 */
export function earlyWarningPoint(rule: EarlyWarningRule): Date {
  const { deadline, since, timeZone, hours } = rule;
  const notBefore = (point: number) => new Date(Math.max(point, since.getTime()));
  if (rule.hoursBefore !== undefined) return notBefore(deadline.getTime() - rule.hoursBefore * HOUR_MS);
  if (rule.sameDay) return notBefore(sessionWindow(officeDateOf(since.getTime(), timeZone), 'AFTERNOON', timeZone, hours).start.getTime());
  const firstDay = officeDateOf(since.getTime(), timeZone);
  // The day the deadline's last moment belongs to, then back past weekends and holidays (never before the wait's own day).
  let day = officeDateOf(deadline.getTime() - 1, timeZone);
  for (let scanned = 0; day >= firstDay && scanned <= MAX_SCAN_DAYS; scanned++) {
    const opening = sessionWindow(day, 'MORNING', timeZone, hours).start.getTime();
    if (isWorkingDay(day, rule.holidays) && opening < deadline.getTime()) return notBefore(opening);
    if (day === FIRST_DATE) break;
    day = addDays(day, -1);
  }
  return since;
}

export const createAtRiskActivities = ({ db, startDelivery, atRiskHoursBefore }: { db: Kysely<DB>; startDelivery?: StartDelivery; atRiskHoursBefore?: number }) => {
  const pointOf = (office: { time_zone: string; session_hours: unknown }, holidays: ReadonlySet<string>, req: { kind: AtRiskKind; deadline: string; since: string; sameDay?: boolean }): string =>
    earlyWarningPoint({
      deadline: new Date(req.deadline),
      since: new Date(req.since),
      timeZone: office.time_zone,
      hours: office.session_hours as SessionHours,
      holidays,
      ...(atRiskHoursBefore !== undefined && { hoursBefore: atRiskHoursBefore }),
      ...(req.sameDay && req.kind === 'PRINTING' && { sameDay: true }),
    }).toISOString();
  return {
    /** The early-warning point of a deadline at the application's office (earlyWarningPoint), as an ISO instant. */
    async atRiskPoint(req: { officeCode: string; kind: AtRiskKind; deadline: string; since: string; sameDay?: boolean }): Promise<string> {
      const office = await getOffice(db, req.officeCode);
      return pointOf(office, await loadHolidays(db), req);
    },

    /**
     * What an approved interview starts, in one step (release 1): the SLA deadline and its early-warning point, from
     * one read of the office and its holidays. Before, two activities one after the other: the interview's answer
     * waited for both.
     */
    async printingDeadlines(req: SlaRequest): Promise<{ slaDeadline: string; point: string }> {
      const office = await getOffice(db, req.officeCode);
      const holidays = await loadHolidays(db);
      const slaDeadline = slaDeadlineFor(req, office.time_zone, holidays);
      const point = pointOf(office, holidays, { kind: 'PRINTING', deadline: slaDeadline, since: req.approvedAt, ...(req.sameDay && { sameDay: true }) });
      return { slaDeadline, point };
    },

    /**
     * Records the warning (at_risk_warnings) and the office's notice in one transaction, then starts the notice's
     * delivery; once per (application, kind): a retry finds both and records neither again.
     */
    async markAtRisk(req: { applicationId: string; kind: AtRiskKind; deadline: string; at: string; notice: NoticeToRecord }): Promise<void> {
      const noticeId = await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('at_risk_warnings')
          .values({ application_id: req.applicationId, kind: req.kind, deadline: req.deadline, warned_at: req.at })
          .onConflict((oc) => oc.columns(['application_id', 'kind']).doNothing())
          .execute();
        const effectKey = `at-risk-${req.kind.toLowerCase()}`;
        return recordNotice(tx, undefined, { applicationId: req.applicationId, effectKey, at: req.at, ...req.notice });
      });
      await startDelivery?.('application', noticeId);
    },
  };
};
