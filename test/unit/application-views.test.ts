// Each audience sees exactly the fields its OpenAPI schema declares: responses are not validated on the way
// out, so a field picked into a view but not declared (say, the NIK in the officers' queue) would leak unseen.
import { describe, expect, it } from 'vitest';
import { DETAIL, LISTED, QUEUE_ITEM, SUMMARY, TRACKING, type ApplicationField } from '../../db/queries/applications.js';
import { applicationDetailSchema, applicationSummarySchema, pastSlaSchema, queueSchema, stuckSchema, trackingSchema } from '../../api/schemas.js';

const audiences: { name: string; view: { fields: readonly ApplicationField[] }; declared: object; computed: string[] }[] = [
  { name: "an applicant's list", view: SUMMARY, declared: applicationSummarySchema.shape, computed: [] },
  { name: 'an application read by its applicant or office', view: DETAIL, declared: applicationDetailSchema.shape, computed: ['timeline', 'payments', 'refunds', 'bap'] },
  { name: 'public tracking', view: TRACKING, declared: trackingSchema.shape, computed: ['estimatedCompletion', 'timeline', 'timeZone'] },
  { name: "an office's queue", view: QUEUE_ITEM, declared: queueSchema.shape.items.element.shape, computed: [] },
  { name: "the managers' past-SLA list", view: LISTED, declared: pastSlaSchema.shape.items.element.shape, computed: ['workflowUrl'] },
  { name: "the managers' oldest per stage", view: LISTED, declared: stuckSchema.shape.stages.element.shape.oldest.shape, computed: ['workflowUrl', 'waitingHours'] },
];

describe('the views of an application', () => {
  for (const { name, view, declared, computed } of audiences) {
    it(`give ${name} exactly the fields it declares`, () => {
      expect([...view.fields, ...computed].sort()).toEqual(Object.keys(declared).sort());
    });
  }

  it('keep personal data to the applicant and the office', () => {
    const personal = ['nik', 'fullName', 'sex', 'birthDate', 'email', 'phone', 'deliveryAddress', 'oldPassportNumber', 'incidentReport'];
    expect(DETAIL.fields).toEqual(expect.arrayContaining(personal));
    expect(TRACKING.fields.filter((f: string) => personal.includes(f))).toEqual([]);
    expect(LISTED.fields.filter((f) => personal.includes(f))).toEqual([]);
    expect(QUEUE_ITEM.fields.filter((f) => personal.includes(f))).toEqual(['fullName']); // to call the applicant to the counter
  });
});
