// The checks the fault tests and the soak rely on do catch what they claim to: a doubled or lost
// effect, a gap in the audit log, a read model that disagrees with the workflow.
import { describe, expect, it } from 'vitest';
import { violationsIn, type ApplicationFacts } from '../../scripts/invariants.js';

const completed: ApplicationFacts = {
  id: 'a1',
  stage: 'COMPLETED',
  slaBreached: false,
  payments: 1,
  activeSeats: 1,
  noShows: 0,
  compensations: 0,
  deliveryRequests: 0,
  auditSeqs: [1, 2, 3, 4, 5, 6],
  auditStages: ['AWAITING_PAYMENT', 'AWAITING_BOOKING', 'AWAITING_INTERVIEW', 'AWAITING_PRINTING', 'READY_FOR_PICKUP', 'COMPLETED'],
  lostBankEvents: 0,
  workflowStatus: 'COMPLETED',
  workflowStage: 'COMPLETED',
};
const invariantsBroken = (changes: Partial<ApplicationFacts>) => violationsIn([{ ...completed, ...changes }]).map((v) => v.invariant);

describe('invariants', () => {
  it('holds for an application that went through once', () => {
    expect(violationsIn([completed])).toEqual([]);
  });

  it.each([
    ['a second payment', { payments: 2 }, 'one payment'],
    ['a payment lost after the bank was told accepted', { payments: 0, lostBankEvents: 1, stage: 'EXPIRED', workflowStage: 'EXPIRED', auditStages: ['AWAITING_PAYMENT', 'EXPIRED'], auditSeqs: [1, 2], activeSeats: 0 }, 'no payment lost'],
    ['a second seat', { activeSeats: 2 }, 'one seat'],
    ['a compensation without a breach', { compensations: 1 }, 'one compensation'],
    ['a breach without a compensation', { slaBreached: true }, 'one compensation'],
    ['a second Pos request', { deliveryRequests: 2 }, 'one delivery request'],
    ['a gap in the audit log', { auditSeqs: [1, 2, 4, 5, 6, 7] }, 'audit without gaps or duplicates'],
    ['a duplicated audit entry', { auditSeqs: [1, 2, 2, 3, 4, 5] }, 'audit without gaps or duplicates'],
    ['a read model behind the workflow', { stage: 'READY_FOR_PICKUP' }, 'read model equals the workflow'],
    ['a failed workflow', { workflowStatus: 'FAILED', workflowStage: undefined }, 'workflow alive or finished'],
  ])('catches %s', (_what, changes, invariant) => {
    expect(invariantsBroken(changes)).toContain(invariant);
  });
});
