// An office closed for a day (workflow type `officeClosure`, id officeClosureIdFor(office, date), started when a
// manager declares the day CLOSED; a second declaration joins it): every application holding a seat there that
// day is asked to move (its moveForClosure update, workflows/lifecycle/closure.ts), a page at a time. A last pass
// catches a seat taken while the first ran (a booking in flight when the day was declared).
import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ClosureMove } from './definitions.js';

export interface OfficeClosureInput extends ClosureMove {
  officeCode: string;
  /** Set by a continuation: where it resumes (the last application asked, whether in the last pass) and the count so far. */
  after?: string;
  lastPass?: boolean;
  asked?: number;
}
export interface OfficeClosureResult {
  /** Applications asked to move (each answers for itself: moved, sent back to booking, or no longer booked there). */
  asked: number;
}

/** Applications asked per page. */
export const CLOSURE_PAGE = 50;
const HISTORY_BUDGET = 10_000;

// A move waits its turn behind the application's other seat change and takes a few seats' tries.
const activities = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } });

const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_BUDGET;

export async function officeClosure(input: OfficeClosureInput): Promise<OfficeClosureResult> {
  const { officeCode, date, reason } = input;
  let { after, lastPass = false, asked = 0 } = input;
  for (;;) {
    const page = await activities.applicationsBookedOn({ officeCode, date, after, limit: CLOSURE_PAGE });
    for (const applicationId of page) {
      if ((await activities.sendClosureMove({ officeCode, applicationId, date, reason })) === 'asked') asked += 1;
    }
    after = page.at(-1) ?? after;
    if (page.length < CLOSURE_PAGE) {
      if (lastPass) break;
      // Moved applications no longer hold a seat that day: the last pass lists only what the first could not see.
      lastPass = true;
      after = undefined;
    } else if (historyFull()) {
      return continueAsNew<typeof officeClosure>({ officeCode, date, reason, after, lastPass, asked });
    }
  }
  // The day's waitlists close too: their open offers lapse and their held seats go back (activities/waitlist.ts).
  await activities.wakeWaitlistsOn({ officeCode, date });
  log.info('office closure: every booking asked to move', { officeCode, date, asked });
  return { asked };
}
