// Request and response schemas: the single source of validation and of the OpenAPI document.
// Request bodies from people are strict objects (`additionalProperties: false`): a misspelt optional field is
// a 400 naming it, not silently dropped. The bank's and Pos's callbacks may carry fields we do not use.
import { z } from '@hono/zod-openapi';
import {
  APPLICATION_TYPES,
  AT_RISK_KINDS,
  BANK_CODE,
  BAP_CAUSES,
  DECLARED_PRIORITY_GROUNDS,
  DELIVERY_METHODS,
  INTERVIEW_OUTCOMES,
  NOTICE_CHANNELS,
  NOTICE_KINDS,
  NOTICE_LANGUAGES,
  PRIORITY_GROUNDS,
  PRIORITY_STATUSES,
  REFUND_STAGES,
  SEAT_KINDS,
  SERVICE_LEVELS,
  SESSIONS,
  STAGES,
  type SeatKind,
  TRACKING_CODE_PATTERN,
} from '../workflows/definitions.js';
import { bankCodeProblem, settlementDateProblem } from '../db/settlements.js';
import { nikMismatches } from './nik.js';

const isoDate = z.iso.date({ error: 'must be a date as YYYY-MM-DD' });
const isoDateTime = z.iso.datetime({ offset: true, error: 'must be a date and time as ISO 8601, e.g. 2026-11-23T09:00:00Z' });
const officeCode = z.string().regex(/^[A-Z]{3}$/, { error: 'must be a three-letter office code, e.g. PLU' });
const passportNumber = z.string().regex(/^[A-Z]{1,2}\d{6,7}$/, { error: 'must be a passport number, e.g. X1234567' });
const today = () => new Date().toISOString().slice(0, 10);

export const stageSchema = z.enum(STAGES);
const applicationTypeSchema = z.enum(APPLICATION_TYPES, { error: `must be one of ${APPLICATION_TYPES.join(', ')}` });
const deliveryMethodSchema = z.enum(DELIVERY_METHODS, { error: `must be one of ${DELIVERY_METHODS.join(', ')}` });
const sessionSchema = z.enum(SESSIONS, { error: `must be one of ${SESSIONS.join(', ')}` });

/**
 * What a person may type in a free-text field before it is stored, shown to an officer or printed:
 * no control characters (PostgreSQL text cannot hold U+0000; the others corrupt logs and screens), only
 * newlines and tabs where a text may span lines, no half of a surrogate pair (not valid UTF-8), and no
 * bidirectional control (overrides and isolates U+202A-U+202E, U+2066-U+2069, and the invisible direction marks
 * U+200E, U+200F, U+061C), which make a name read backwards.
 */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const LONE_SURROGATE = /\p{Cs}/u;
const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
/** The same rule as a JSON Schema pattern, so the OpenAPI document says what the server accepts. */
const textPattern = (multiline: boolean) => `^[^${multiline ? '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F' : '\\u0000-\\u001F'}\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uD800-\\uDFFF]*$`;

export const text = (options: { multiline?: boolean } = {}) => {
  const control = options.multiline ? CONTROL_EXCEPT_LINES : CONTROL;
  return z
    .string()
    .superRefine((value, ctx) => {
      const found = control.exec(value);
      if (found) ctx.addIssue({ code: 'custom', message: `must not contain control characters (${codePoint(found[0])} found)` });
      if (LONE_SURROGATE.test(value)) ctx.addIssue({ code: 'custom', message: 'must be valid Unicode text (a lone surrogate was found)' });
      const bidi = BIDI_CONTROL.exec(value);
      if (bidi) ctx.addIssue({ code: 'custom', message: `must not contain bidirectional control characters (${codePoint(bidi[0])} found)` });
    })
    .openapi({ pattern: textPattern(options.multiline ?? false) });
};

/** zod's own email rule, also written into the document: `format: email` alone allows addresses the server refuses. */
const email = () => z.email({ error: 'must be an email address, e.g. nama@contoh.id' }).openapi({ pattern: z.regexes.email.source });

const address = text().trim().min(10, { error: 'must be a full postal address (street, number, city)' }).max(300);

// Accounts ---------------------------------------------------------------------------------------

export const credentialsSchema = z
  .strictObject({
    email: email().max(200).transform((e) => e.toLowerCase()),
    // A lone surrogate would be hashed as U+FFFD (its UTF-8): different passwords would sign in as one.
    password: z
      .string()
      .min(10, { error: 'must be at least 10 characters' })
      .max(200, { error: 'must be at most 200 characters' })
      .refine((p) => !LONE_SURROGATE.test(p), { error: 'must be valid Unicode text (a lone surrogate was found)' })
      .openapi({ description: 'At least 10 and at most 200 characters of valid Unicode text (no lone surrogate)' }),
  })
  .openapi('Credentials');

export const staffSessionSchema = z
  .object({
    staffId: z.string().openapi({ description: "The account's id: the token's subject, and the actor the audit log records" }),
    role: z.enum(['officer', 'manager', 'finance']),
    office: z.string().openapi({ description: 'An office code, or * (the directorate)' }),
    token: z.string(),
    expiresAt: z.iso.datetime(),
  })
  .openapi('StaffSession');

export const registrationSchema = z
  .object({ status: z.literal('accepted'), detail: z.string() })
  .openapi('Registration', { description: 'The same answer whether or not the email already had an account' });

export const sessionTokenSchema = z
  .object({
    accountId: z.uuid(),
    token: z.string().openapi({ description: 'Send as "Authorization: Bearer <token>"' }),
    expiresAt: z.iso.datetime(),
  })
  .openapi('SessionToken');

// Notices ----------------------------------------------------------------------------------------

const noticeLanguage = z
  .enum(NOTICE_LANGUAGES, { error: `must be one of ${NOTICE_LANGUAGES.join(', ')} (Bahasa Indonesia, English)` })
  .openapi({ description: 'The language of the notices: `id` Bahasa Indonesia, `en` English' });
/** The channels, each at most once, kept in the one order (EMAIL, WHATSAPP, SMS) whatever order they came in. */
const noticeChannels = z
  .array(z.enum(NOTICE_CHANNELS, { error: `must be one of ${NOTICE_CHANNELS.join(', ')}` }), { error: `must be a list of channels, e.g. ["EMAIL", "WHATSAPP"]` })
  .min(1, { error: 'must name at least one channel' })
  .refine((list) => new Set(list).size === list.length, { error: 'must name each channel at most once' })
  .transform((list) => NOTICE_CHANNELS.filter((channel) => list.includes(channel)))
  .openapi({
    description: 'Where notices are sent: email to the application email, WhatsApp or SMS to its phone; at least one, each at most once',
    example: ['EMAIL', 'WHATSAPP'],
    uniqueItems: true,
  });

export const noticeSettingsSchema = z
  .strictObject({ language: noticeLanguage, noticeChannels })
  .openapi('NoticeSettingsRequest', { description: 'Both settings, replacing the ones before' });

export const noticeSettingsResultSchema = z
  .object({
    language: z.enum(NOTICE_LANGUAGES),
    noticeChannels: z.array(z.enum(NOTICE_CHANNELS)),
    changedAt: z.iso.datetime().nullable().openapi({ description: 'When the applicant last changed them after submission; null: as submitted' }),
  })
  .openapi('NoticeSettings', { description: 'How this application\'s notices reach the applicant, from the next notice on' });

export const applicantNoticesSchema = z
  .array(
    z.object({
      kind: z.enum(NOTICE_KINDS).openapi({ description: 'What the notice said, e.g. BOOKING_CONFIRMED' }),
      recordedAt: z.iso.datetime(),
      deliveries: z
        .array(z.object({ channel: z.enum(NOTICE_CHANNELS), status: z.enum(['SENDING', 'SENT', 'FAILED']) }))
        .openapi({ description: 'Per channel; empty while the notice is recorded and not yet handed to a channel' }),
    }),
  )
  .openapi('ApplicantNotices', { description: 'Newest first; nothing but the kind, the date, the channel and the status' });

// Submission -------------------------------------------------------------------------------------

export const incidentReportSchema = z
  .strictObject({
    date: isoDate.refine((d) => d <= today(), { error: 'cannot be in the future' }),
    place: text().trim().min(3, { error: 'must say where it happened' }).max(200),
    description: text({ multiline: true }).trim().min(10, { error: 'must say in a sentence what happened' }).max(1000),
    policeReportNumber: text().trim().min(3, { error: 'must be the number on the police report' }).max(64).optional(),
  })
  .openapi('IncidentReport', { description: 'For a LOST or DAMAGED passport: when, where and what happened' });

export const submissionSchema = z
  .strictObject({
    applicationType: applicationTypeSchema,
    product: z.string().regex(/^[A-Z0-9_]+$/, { error: 'must be a product code from the fee schedule, e.g. ELECTRONIC_10Y' }),
    officeCode,
    nik: z.string().regex(/^\d{16}$/, { error: 'must be the 16 digits of the NIK on your KTP' }),
    fullName: text().trim().min(2, { error: 'must be your full name as on your KTP' }).max(100),
    sex: z.enum(['M', 'F'], { error: 'must be M or F, as on your KTP' }),
    birthDate: isoDate.refine((d) => d <= today() && d >= '1900-01-01', { error: 'must be a real birth date, not in the future' }),
    email: email(),
    phone: z.string().regex(/^(\+62|0)8\d{7,12}$/, { error: 'must be an Indonesian mobile number, e.g. +6281234567890' }),
    deliveryMethod: deliveryMethodSchema,
    // Always asked: a missed service commitment sends the passport by Pos at no cost, even if pickup was chosen.
    address: address.openapi({ description: 'Postal address for Pos delivery (chosen, or free after a missed service commitment); kept private' }),
    oldPassportNumber: passportNumber.optional().openapi({ description: 'Required to renew (RENEWAL)' }),
    incidentReport: incidentReportSchema.optional(),
    language: noticeLanguage.optional().openapi({ description: 'The language of the notices: `id` Bahasa Indonesia (the default), `en` English' }),
    noticeChannels: noticeChannels.optional().openapi({ description: 'Where notices are sent (default EMAIL and WHATSAPP): email to `email`, WhatsApp or SMS to `phone`' }),
    service: z
      .enum(SERVICE_LEVELS, { error: `must be one of ${SERVICE_LEVELS.join(', ')}` })
      .optional()
      .openapi({ description: 'REGULAR (the default), or SAME_DAY (percepatan): the SAME_DAY service fee is billed too, a same-day seat is booked, and the passport is printed by the end of the interview day' }),
    priority: z
      .enum(DECLARED_PRIORITY_GROUNDS as ['DISABILITY', 'PREGNANCY'], { error: `must be one of ${DECLARED_PRIORITY_GROUNDS.join(', ')}` })
      .optional()
      .openapi({
        description:
          'A declared ground for a priority seat, confirmed by the officer on the appointment day (a false one is recorded and the seat becomes a regular one). ' +
          'Applicants 60 and over and children under five need not declare: their priority comes from the birth date',
      }),
  })
  .superRefine((v, ctx) => {
    if (v.priority === 'PREGNANCY' && v.sex === 'M') ctx.addIssue({ code: 'custom', path: ['priority'], message: 'PREGNANCY cannot be declared for sex M' });
    for (const reason of nikMismatches(v.nik, v.birthDate, v.sex)) {
      ctx.addIssue({ code: 'custom', path: ['nik'], message: `does not agree with the birth date and sex: ${reason}` });
    }
    if (v.applicationType === 'RENEWAL' && !v.oldPassportNumber) {
      ctx.addIssue({ code: 'custom', path: ['oldPassportNumber'], message: 'is required to renew: the number of your current or expired passport' });
    }
    if ((v.applicationType === 'LOST' || v.applicationType === 'DAMAGED') && !v.incidentReport) {
      ctx.addIssue({ code: 'custom', path: ['incidentReport'], message: `is required for a ${v.applicationType.toLowerCase()} passport: when, where and what happened` });
    }
    if (v.applicationType === 'LOST' && v.incidentReport && !v.incidentReport.policeReportNumber) {
      ctx.addIssue({ code: 'custom', path: ['incidentReport', 'policeReportNumber'], message: 'is required for a lost passport: the number of the police report (surat keterangan hilang)' });
    }
  })
  .openapi('Submission');

export const submittedSchema = z
  .object({
    applicationId: z.uuid(),
    trackingCode: z.string(),
    billingCode: z.string().openapi({ description: '15-digit code to pay at a bank before paymentDeadline' }),
    amount: z.number().int().openapi({ description: 'Rupiah' }),
    paymentDeadline: z.iso.datetime(),
    registryCheck: z.enum(['MATCH', 'PENDING']).optional().openapi({
      description: 'The civil-registry (Dukcapil) check: MATCH, or PENDING when the registry did not answer in time (the submission is kept and checked again before payment is due; if the registry then does not confirm the identity, the application is rejected and told why)',
    }),
  })
  .openapi('Submitted');

export const submittedStartingSchema = submittedSchema
  .extend({
    status: z.literal('starting'),
    detail: z.string(),
  })
  .openapi('SubmittedStarting');

// Parameters -------------------------------------------------------------------------------------

export const applicationIdParams = z.object({ applicationId: z.uuid({ error: 'must be an application id (UUID)' }) });
export const trackingParams = z.object({ trackingCode: z.string().regex(TRACKING_CODE_PATTERN, { error: 'must be a tracking code like ABCD-EFGH-JKMN' }) });
export const officeParams = z.object({ officeCode });
export const applicationTypeParams = z.object({ applicationType: applicationTypeSchema });
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9._:-]{8,100}$/, { error: 'must be 8 to 100 letters, digits or . _ : -, e.g. a UUID' })
    .optional()
    .openapi({ description: 'A retry with the same key and the same request gets the first answer again and the step happens once; the same key with another request is refused (422)' }),
});
export const availabilityQuery = z.object({
  from: isoDate.optional().openapi({ description: 'First day (office local); default: tomorrow. Within the booking horizon and the loaded holiday calendar' }),
  days: z.coerce.number({ error: 'must be a number of days' }).int().min(1, { error: 'must be at least 1' }).max(31, { error: 'must be at most 31' }).default(14),
});
export const queueQuery = z.object({ date: isoDate.optional().openapi({ description: 'Office local date; default: today. Within the booking horizon either side of today' }) });
export const scopeQuery = z.object({
  office: z.union([officeCode, z.literal('*')], { error: 'must be an office code, or * for every office' }).optional().openapi({ description: "Default: the token's own scope" }),
  at: isoDateTime.optional().openapi({ description: 'The instant to judge deadlines against; default: now. Within the booking horizon either side of now' }),
});

// Applicant actions ------------------------------------------------------------------------------

export const bookingSchema = z
  .strictObject({
    date: isoDate.openapi({ description: 'Office local; from tomorrow to the end of the booking horizon (see availability `bookable`), a working day' }),
    session: sessionSchema,
  })
  .openapi('BookingRequest');

export const appointmentSchema = z
  .object({
    officeCode: z.string(),
    date: z.string(),
    session: z.enum(SESSIONS),
    kind: z.enum(SEAT_KINDS).optional().openapi({ description: 'The kind of seat taken: REGULAR, PRIORITY or SAME_DAY (absent in appointments booked before seat kinds: REGULAR)' }),
    startsAt: z.iso
      .datetime()
      .optional()
      .openapi({ description: "Start of the appointment day (00:00 in the office's time zone), not of the session: the session's hours are the office's (absent in appointments booked before it was added)" }),
    endsAt: z.iso.datetime().openapi({ description: "End of the appointment day (24:00 in the office's time zone): an applicant not interviewed by then is a no-show" }),
  })
  .openapi('Appointment');

export const deliveryChoiceSchema = z
  .strictObject({
    method: deliveryMethodSchema,
    address: address.optional().openapi({ description: 'For Pos: where to deliver; kept private, never sent to the workflow' }),
  })
  .openapi('DeliveryChoice');

export const cancellationSchema = z
  .strictObject({ reason: text({ multiline: true }).trim().min(3, { error: 'must be a few words' }).max(500).optional() })
  .openapi('Cancellation');

// Officer actions --------------------------------------------------------------------------------

export const interviewSchema = z
  .strictObject({
    outcome: z.enum(INTERVIEW_OUTCOMES, { error: `must be one of ${INTERVIEW_OUTCOMES.join(', ')}` }),
    reason: text({ multiline: true }).trim().min(3, { error: 'must be a few words' }).max(500).optional(),
    refundFee: z
      .boolean({ error: 'must be true or false' })
      .optional()
      .openapi({ description: 'REJECTED only: the regulation refunds the fee for this rejection; a refund of the payment is opened for the finance officer' }),
  })
  .refine((v) => v.outcome !== 'REJECTED' || v.reason, { path: ['reason'], error: 'is required when the outcome is REJECTED' })
  .refine((v) => !v.refundFee || v.outcome === 'REJECTED', { path: ['refundFee'], error: 'only a rejection can refund the fee' })
  .openapi('InterviewOutcome');

export const bapSchema = z
  .strictObject({
    reportNumber: text().trim().min(3, { error: 'must be the BAP number' }).max(64),
    cause: z.enum(BAP_CAUSES, { error: `must be one of ${BAP_CAUSES.join(', ')} (FORCE_MAJEURE carries no fine)` }),
  })
  .openapi('Bap');

export const printingSchema = z.strictObject({ passportNumber }).openapi('Printing');

export const priorityReviewSchema = z
  .strictObject({
    confirmed: z.boolean({ error: 'must be true (the declared ground is confirmed) or false (it is not)' }),
  })
  .openapi('PriorityReview', {
    description:
      "The officer's review of the applicant's declared priority ground, on the appointment day. No free-text note: what an officer would write about a disability or a pregnancy is health data, and the review is a workflow message",
  });

export const actionResultSchema = z
  .object({
    stage: stageSchema,
    stageEnteredAt: z.iso.datetime(),
    nextDeadline: z.iso.datetime().optional(),
    appointment: appointmentSchema.optional(),
    slaDeadline: z.iso.datetime().optional(),
    slaBreached: z.boolean(),
    deliveryMethod: z.enum(DELIVERY_METHODS),
    posTrackingNumber: z.string().optional(),
    reschedulesLeft: z.number().int(),
    bapRecorded: z.boolean(),
    fineAmount: z.number().int().openapi({ description: 'Rupiah' }),
    service: z.enum(SERVICE_LEVELS).optional(),
    priority: z
      .object({ status: z.enum(PRIORITY_STATUSES) })
      .optional()
      .openapi({ description: 'Where a priority ground stands; the ground itself is in GET /applications/{id} (it never enters a workflow)' }),
  })
  .openapi('ActionResult');

// Reads ------------------------------------------------------------------------------------------

const appointmentReadSchema = z.object({ date: z.string(), session: z.string() }).nullable();
const timelineSchema = z.array(z.object({ stage: stageSchema, at: z.iso.datetime() }));

export const trackingSchema = z
  .object({
    trackingCode: z.string(),
    stage: stageSchema,
    stageEnteredAt: z.iso.datetime(),
    nextDeadline: z.iso.datetime().nullable(),
    officeCode: z.string(),
    timeZone: z.string().openapi({ description: "The office's time zone (IANA), in which its dates are meant" }),
    appointment: appointmentReadSchema,
    estimatedCompletion: z.string().nullable().openapi({ description: 'Date (office local) the passport is due, when known' }),
    slaBreached: z.boolean(),
    deliveryMethod: z.enum(DELIVERY_METHODS),
    posTrackingNumber: z.string().nullable(),
    timeline: timelineSchema,
  })
  .openapi('Tracking');

/** A refund's stage (workflows/refund.ts): in an application's money and in the finance officers' routes. */
const refundStageSchema = z.enum(REFUND_STAGES, { error: `must be one of ${REFUND_STAGES.join(', ')}` });

export const applicationSummarySchema = z
  .object({
    applicationId: z.uuid(),
    trackingCode: z.string(),
    applicationType: applicationTypeSchema,
    product: z.string(),
    officeCode: z.string(),
    fullName: z.string(),
    stage: stageSchema,
    stageEnteredAt: z.iso.datetime(),
    nextDeadline: z.iso.datetime().nullable(),
    billingCode: z.string(),
    amount: z.number().int().openapi({ description: 'Rupiah' }),
    paymentDeadline: z.iso.datetime(),
    appointment: appointmentReadSchema,
    deliveryMethod: z.enum(DELIVERY_METHODS),
    slaDeadline: z.iso.datetime().nullable(),
    slaBreached: z.boolean(),
    posTrackingNumber: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('ApplicationSummary');

export const applicationDetailSchema = applicationSummarySchema
  .extend({
    nik: z.string(),
    sex: z.enum(['M', 'F']).nullable(),
    birthDate: z.string(),
    email: z.string(),
    phone: z.string(),
    deliveryAddress: z.string().nullable(),
    oldPassportNumber: z.string().nullable(),
    incidentReport: incidentReportSchema.nullable(),
    service: z.enum(SERVICE_LEVELS).openapi({ description: 'REGULAR, or SAME_DAY (percepatan)' }),
    priority: z
      .object({ ground: z.enum(PRIORITY_GROUNDS), status: z.enum(PRIORITY_STATUSES) })
      .nullable()
      .openapi({ description: 'The ground for a priority seat: AUTOMATIC from the birth date, or DECLARED until the officer CONFIRMED it or found it NOT_CONFIRMED' }),
    registryCheck: z.enum(['MATCH', 'PENDING', 'MISMATCH']).nullable().openapi({
      description: 'The civil-registry (Dukcapil) check of the NIK, name and birth date: PENDING while the registry has not answered (checked again before payment is due; still PENDING after it, the officer checks the identity at the counter); null when no check was made',
    }),
    timeline: z.array(z.object({ stage: stageSchema, at: z.iso.datetime(), actor: z.string(), reason: z.string().nullable() })),
    bap: z
      .object({ reportNumber: z.string(), cause: z.enum(BAP_CAUSES), fineAmount: z.number().int().openapi({ description: 'Rupiah' }), recordedAt: z.iso.datetime() })
      .nullable()
      .openapi({ description: 'The BAP (investigation report) of a LOST or DAMAGED passport, once the officer recorded it; else null' }),
    payments: z
      .array(
        z.object({
          bank: z.string(),
          transactionId: z.string().openapi({ description: "The bank's own id of the payment" }),
          ntpn: z.string().nullable().openapi({ description: 'The state receipt number (NTPN); null for payments recorded before callbacks carried it' }),
          amount: z.number().int().openapi({ description: 'Rupiah' }),
          paidAt: z.iso.datetime(),
        }),
      )
      .openapi({ description: 'The payments applied to the application (its billing code paid), oldest first' }),
    refunds: z
      .array(
        z.object({
          bank: z.string(),
          transactionId: z.string().openapi({ description: "The bank's own id of the payment refunded" }),
          ntpn: z.string(),
          billingCode: z.string(),
          amount: z.number().int().openapi({ description: 'Rupiah' }),
          paidAt: z.iso.datetime(),
          reason: z.string().openapi({ description: 'Why the payment could not be applied (e.g. the billing code was already paid)' }),
          stage: refundStageSchema.openapi({ description: "AWAITING_APPROVAL by the office's finance officer, AWAITING_BANK (sent), ESCALATED (sent, the bank has not confirmed yet), REFUNDED, or DECLINED" }),
          openedAt: z.iso.datetime(),
          stageEnteredAt: z.iso.datetime(),
          declineReason: z.string().nullable(),
          bankReference: z.string().nullable().openapi({ description: "The bank's reference of the refund, once it confirmed it" }),
          refundedAt: z.iso.datetime().nullable().openapi({ description: 'When the bank says the money went back' }),
        }),
      )
      .openapi({ description: 'Each payment of the billing code that could not be applied, and where its refund stands, oldest first' }),
  })
  .openapi('ApplicationDetail');

export const queueSchema = z
  .object({
    officeCode: z.string(),
    date: z.string(),
    items: z.array(
      z.object({
        applicationId: z.uuid(),
        trackingCode: z.string(),
        fullName: z.string(),
        applicationType: applicationTypeSchema,
        stage: stageSchema,
        stageEnteredAt: z.iso.datetime(),
        appointment: appointmentReadSchema,
        slaDeadline: z.iso.datetime().nullable(),
        slaBreached: z.boolean(),
        deliveryMethod: z.enum(DELIVERY_METHODS),
        service: z.enum(SERVICE_LEVELS).openapi({ description: 'REGULAR, or SAME_DAY (percepatan): due the same day' }),
        prioritySeat: z.boolean().openapi({ description: 'Holds a priority seat (the elderly, disability, pregnancy, under five); the ground is in the application' }),
      }),
    ),
  })
  .openapi('OfficeQueue', { description: "Today's work: interviews booked for the day, passports to print, passports to hand over" });

const kindSeatsSchema = z.object({ capacity: z.number().int(), seatsLeft: z.number().int() });
export const sessionSeatsSchema = z
  .object({
    date: z.string(),
    session: z.enum(SESSIONS),
    capacity: z.number().int().openapi({ description: 'Regular seats' }),
    seatsLeft: z.number().int().openapi({ description: 'Regular seats left' }),
    seats: z
      .object(Object.fromEntries(SEAT_KINDS.map((kind) => [kind, kindSeatsSchema])) as Record<(typeof SEAT_KINDS)[number], typeof kindSeatsSchema>)
      .openapi({ description: 'Per kind of seat: REGULAR, PRIORITY (the elderly, people with disabilities, pregnant women, children under five), SAME_DAY (percepatan)' }),
  })
  .openapi('SessionSeats');

export const availabilitySessionSchema = sessionSeatsSchema.extend({ waitlist: z.number().int().openapi({ description: 'Applications waiting for a seat freed in this session' }) }).openapi('AvailabilitySession');

export const availabilitySchema = z
  .object({
    officeCode: z.string(),
    timeZone: z.string(),
    bookable: z
      .object({
        from: z.string().openapi({ description: 'The first bookable day: tomorrow, office local' }),
        until: z.string().openapi({ description: 'The last bookable day: the end of the horizon or of the loaded holiday calendar, whichever is first' }),
        horizonDays: z.number().int().openapi({ description: 'The published booking horizon, in days from today' }),
        calendarUntil: z.string().openapi({ description: 'The last day the loaded holiday calendar covers' }),
      })
      .openapi('BookableWindow'),
    days: z.array(z.object({ date: z.string(), sessions: z.array(availabilitySessionSchema) })),
  })
  .openapi('Availability', { description: "The office's service days only (working days, and the weekend days it serves); seats per session and kind" });

export const officeSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    city: z.string(),
    timeZone: z.string(),
    services: z.array(z.enum(['REGULAR', 'SAME_DAY', 'PRIORITY'])).openapi({ description: 'SAME_DAY is percepatan; PRIORITY seats are for the elderly, the disabled, pregnant women and children under five' }),
    dailyQuota: z.object({ regular: z.number().int(), sameDay: z.number().int(), priority: z.number().int() }),
  })
  .openapi('Office');

export const feeSchema = z
  .object({ code: z.string(), kind: z.enum(['PRODUCT', 'SERVICE', 'FINE']), description: z.string(), amount: z.number().int().openapi({ description: 'Rupiah' }) })
  .openapi('Fee');

export const requirementsSchema = z
  .object({
    applicationType: applicationTypeSchema,
    documents: z.array(
      z.object({
        document: z.string(),
        note: z.string().nullable(),
        documentId: z.string().nullable().openapi({ description: 'The document in Bahasa Indonesia (null until the reference data is loaded again)' }),
        noteId: z.string().nullable().openapi({ description: 'The note in Bahasa Indonesia' }),
      }),
    ),
  })
  .openapi('Requirements');

// Managers ---------------------------------------------------------------------------------------

const temporalLinkSchema = z
  .object({
    query: z.string().openapi({ description: 'Temporal Web UI list query' }),
    url: z.string().openapi({ description: 'Link to the Web UI list for that query' }),
  })
  .openapi('TemporalLink');

const listedApplicationSchema = z.object({
  applicationId: z.uuid(),
  trackingCode: z.string(),
  officeCode: z.string(),
  applicationType: applicationTypeSchema,
  stage: stageSchema,
  stageEnteredAt: z.iso.datetime(),
  slaDeadline: z.iso.datetime().nullable(),
  workflowUrl: z.string().openapi({ description: 'The workflow in the Temporal Web UI' }),
});

export const summarySchema = z
  .object({
    scope: z.string().openapi({ description: 'Office code, or * for every office' }),
    asOf: z.iso.datetime(),
    stages: z.array(z.object({ stage: stageSchema, count: z.number().int(), temporal: temporalLinkSchema })),
    pastSla: z.object({ count: z.number().int(), temporal: temporalLinkSchema }).openapi({ description: 'Past the SLA deadline and not printed' }),
    compensations: z.object({ count: z.number().int(), temporal: temporalLinkSchema }),
    atRisk: z.object({ count: z.number().int(), temporal: temporalLinkSchema }).openapi({ description: 'At risk now, whatever `at` says (see GET /manager/at-risk)' }),
    calendarWarning: z.string().nullable().openapi({ description: 'Set when the holiday calendar does not cover the booking horizon, or covers it only provisionally' }),
  })
  .openapi('ManagerSummary');

export const calendarStatusSchema = z
  .object({
    today: z.string().openapi({ description: 'Office local (for every office: WIT, the latest date in Indonesia)' }),
    horizonDays: z.number().int(),
    horizonUntil: z.string(),
    calendarUntil: z.string().openapi({ description: 'The last day of the loaded years, without a gap from this year on' }),
    bookableUntil: z.string().openapi({ description: 'The earlier of horizonUntil and calendarUntil: no appointment after it' }),
    years: z.array(
      z.object({
        year: z.number().int(),
        status: z.enum(['DECREED', 'PROVISIONAL']),
        source: z.string(),
        loadedAt: z.iso.datetime(),
        holidays: z.number().int(),
      }),
    ),
    warning: z.string().nullable(),
  })
  .openapi('HolidayCalendar', { description: 'Loaded with `npm run holidays -- import <file>`' });

export const pastSlaSchema = z
  .object({ scope: z.string(), asOf: z.iso.datetime(), temporal: temporalLinkSchema, items: z.array(listedApplicationSchema) })
  .openapi('PastSla');

export const stuckSchema = z
  .object({
    scope: z.string(),
    asOf: z.iso.datetime(),
    stages: z.array(z.object({ stage: stageSchema, oldest: listedApplicationSchema.extend({ waitingHours: z.number() }), temporal: temporalLinkSchema })),
  })
  .openapi('Stuck', { description: 'The oldest open application in each stage' });

/** Issue 16: a manager finds an application by the tracking code an applicant tells them. */
export const managerTrackingParams = z.object({
  trackingCode: z
    .string()
    .max(40, { error: 'must be a tracking code like ABCD-EFGH-JKMN' })
    .regex(/^\s*[2-9A-Za-z]{4}[\s-]*[2-9A-Za-z]{4}[\s-]*[2-9A-Za-z]{4}\s*$/, { error: 'must be a tracking code like ABCD-EFGH-JKMN' })
    .openapi({ description: 'As the applicant reads it out: upper or lower case, with or without the dashes, spaces between the groups allowed' }),
});

/** Issue 17: an officer opens an application by the tracking code scanned from its QR or typed at the counter. */
export const officerTrackingQuery = z.object({ trackingCode: managerTrackingParams.shape.trackingCode });

const atRiskSchema = z
  .object({
    kind: z.enum(AT_RISK_KINDS).openapi({ description: 'PRINTING: not printed by the early-warning point before the SLA deadline; DELIVERY: Pos has not confirmed and the delivery window ends soon' }),
    deadline: z.iso.datetime().openapi({ description: 'The deadline at risk: the SLA deadline, or the end of the Pos delivery window' }),
    since: z.iso.datetime().openapi({ description: 'When it was marked at risk (and the office told)' }),
  })
  .openapi('AtRisk');

export const managedApplicationSchema = listedApplicationSchema
  .extend({
    product: z.string(),
    nextDeadline: z.iso.datetime().nullable(),
    slaBreached: z.boolean(),
    deliveryMethod: z.enum(DELIVERY_METHODS),
    posTrackingNumber: z.string().nullable(),
    atRisk: atRiskSchema.nullable().openapi({ description: 'Set while the application is at risk now' }),
    temporal: temporalLinkSchema.openapi({
      description: 'The Web UI query by tracking code; a workflow started before the tracking code was a search attribute is found by workflowUrl only',
    }),
  })
  .openapi('ManagedApplication', { description: 'One application as a manager sees it: nothing personal' });

export const atRiskListSchema = z
  .object({ scope: z.string(), asOf: z.iso.datetime(), temporal: temporalLinkSchema, items: z.array(listedApplicationSchema.extend({ atRisk: atRiskSchema })) })
  .openapi('AtRiskNow', { description: 'Applications at risk now, the most urgent deadline first' });

export const paymentInquirySchema = z
  .object({
    status: z.enum(['applied', 'found', 'nothing-found']).openapi({
      description: '`applied`: a payment the bank has is this application\'s; `found`: the bank has a payment not applied (yet, or refunded: see each); `nothing-found`: the bank has none yet',
    }),
    detail: z.string(),
    stage: stageSchema,
    payments: z.array(
      z.object({
        bank: z.string(),
        transactionId: z.string(),
        amount: z.number().int(),
        paidAt: z.iso.datetime(),
        outcome: z.enum(['PENDING', 'APPLIED', 'REFUND', 'CONFLICT']).openapi({ description: 'PENDING: being applied; REFUND: it could not be, and is refunded (see reason)' }),
        reason: z.string().nullable(),
      }),
    ),
  })
  .openapi('PaymentInquiry', { description: "What the bank has for the application's billing code" });

// Callbacks --------------------------------------------------------------------------------------

export const paymentCallbackSchema = z
  .object({
    bank: z
      .string()
      .regex(BANK_CODE, { error: 'must be the bank\'s code in capitals, e.g. BRI, BNI, MANDIRI' })
      .openapi({ description: 'The bank that took the payment: its transaction ids are its own', example: 'BNI' }),
    transactionId: text()
      .min(1)
      .max(64)
      .refine((id) => id.trim() === id, { error: 'must have no space at either end, as the settlement report writes it' })
      .openapi({ description: "The bank's own id of the transaction (unique within the bank), with no space at either end" }),
    ntpn: z
      .string()
      .regex(/^[0-9A-Z]{16}$/, { error: 'must be the 16-character state receipt number (NTPN)' })
      .openapi({ description: 'The state receipt number (Nomor Transaksi Penerimaan Negara) the settlement report lists' }),
    billingCode: z.string().regex(/^\d{15}$/, { error: 'must be the 15-digit billing code' }),
    amount: z.number().int().positive(),
    // A payment cannot be made in the future (a few minutes of clock difference aside).
    paidAt: z.iso
      .datetime({ offset: true })
      .refine((at) => Date.parse(at) <= Date.now() + 5 * 60_000, { error: 'cannot be in the future' })
      .openapi({ description: 'When the bank took the payment; not in the future' }),
  })
  .openapi('PaymentCallback');

export const posCallbackSchema = z
  .object({
    eventId: text().min(1).max(64),
    trackingNumber: text().min(1).max(32),
    status: z.enum(['DELIVERED', 'FAILED']),
    at: z.iso.datetime({ offset: true }),
  })
  .openapi('PosCallback');

export const acceptedSchema = z.object({ status: z.enum(['accepted', 'duplicate']) }).openapi('Accepted');

export const problemSchema = z
  .object({
    type: z.string().openapi({ description: 'Stable identifier of the kind of problem, e.g. /problems/slot-full' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), reason: z.string() })).optional().openapi({ description: 'For 400: each failing field and why' }),
    nextAvailable: z.array(sessionSeatsSchema).optional().openapi({ description: 'For a full session: the next sessions with seats left' }),
  })
  .openapi('Problem');

// Refunds (finance officers, and the bank's confirmation) -----------------------------------------

/** refundIdFor(bank, transactionId): `refund-`, the bank's code, `-`, the bank's own transaction id. */
const refundId = text()
  .max(100)
  .regex(/^refund-[A-Z][A-Z0-9]{1,15}-.+$/, { error: 'must be a refund id, e.g. refund-BNI-TX123 (refund-<bank>-<transaction id>)' });
export const refundIdParams = z.object({ refundId });
export const refundListQuery = z.object({ stage: refundStageSchema.optional().openapi({ description: 'Only the refunds in this stage; default: every stage' }) });

export const refundDeclineSchema = z
  .strictObject({ reason: text({ multiline: true }).trim().min(1, { error: 'a declined refund needs a reason' }).max(500) })
  .openapi('RefundDecline');

export const refundSchema = z
  .object({
    refundId: z.string(),
    stage: refundStageSchema,
    officeCode: z.string().nullable().openapi({ description: "The office whose finance officers decide it; null: no application has the billing code, and the directorate's finance officers (office `*`) decide it" }),
    applicationId: z.uuid().nullable().openapi({ description: 'The application whose billing code was paid; null when none has it' }),
    bank: z.string(),
    transactionId: z.string().openapi({ description: "The bank's own id of the payment refunded" }),
    ntpn: z.string().openapi({ description: "The payment's state receipt number" }),
    billingCode: z.string(),
    amount: z.number().int().openapi({ description: 'Rupiah' }),
    paidAt: z.iso.datetime(),
    reason: z.string().openapi({ description: 'Why the payment is refunded' }),
    openedAt: z.iso.datetime(),
    stageEnteredAt: z.iso.datetime(),
    nextDeadline: z.iso.datetime().nullable().openapi({ description: "Awaiting the bank: when this transfer stops waiting for the bank's confirmation" }),
    transferAttempts: z.number().int(),
    approvedBy: z.string().nullable(),
    declinedBy: z.string().nullable(),
    declineReason: z.string().nullable(),
    bankReference: z.string().nullable().openapi({ description: "The bank's reference of the refund, from its confirmation" }),
    confirmedAt: z.iso.datetime().nullable(),
  })
  .openapi('Refund');

export const refundDetailSchema = refundSchema
  .extend({ steps: z.array(z.object({ stage: refundStageSchema, actor: z.string(), reason: z.string().nullable(), at: z.iso.datetime() })) })
  .openapi('RefundDetail');

export const refundListSchema = z
  .object({
    officeCode: z.string().openapi({ description: "The finance officer's office; `*` (the directorate's): the refunds of no office" }),
    stage: refundStageSchema.nullable(),
    items: z.array(refundSchema),
    temporal: z.object({ query: z.string(), url: z.string() }).openapi({ description: 'The same refunds in the Temporal Web UI' }),
  })
  .openapi('RefundList');

export const refundCallbackSchema = z
  .object({
    refundId,
    reference: text().min(1).max(64).openapi({ description: "The bank's own reference of the refund transfer" }),
    confirmedAt: z.iso
      .datetime({ offset: true })
      .refine((at) => Date.parse(at) <= Date.now() + 5 * 60_000, { error: 'cannot be in the future' })
      .openapi({ description: 'When the money went back; not in the future' }),
  })
  .openapi('RefundCallback');

// Settlement reports and reconciliation ----------------------------------------------------------

/** A string checked by one of db/settlements.ts's rules (the CLI and the drop folder use the same). */
const checkedBy = (problem: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const reason = problem(value);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });
const bankCodeSchema = checkedBy(bankCodeProblem);
const settlementDateSchema = checkedBy(settlementDateProblem);

export const settlementQuery = z.object({
  bank: bankCodeSchema.openapi({ description: 'The bank whose report this is', example: 'BRI' }),
  date: settlementDateSchema.openapi({ description: 'The settlement day (WIB) the report lists, YYYY-MM-DD: today or up to a year back', format: 'date', example: '2026-11-27' }),
});

export const settlementReceiptSchema = z
  .object({
    status: z.enum(['stored', 'already received']),
    reportId: z.uuid(),
    bank: z.string(),
    settlementDate: z.string(),
    revision: z.number().int().openapi({ description: "1 for the day's first report; 2 and up: a correction, kept beside the earlier ones" }),
    correction: z.boolean(),
    lines: z.number().int(),
    totalAmount: z.number().int().openapi({ description: 'Rupiah' }),
    sha256: z.string().openapi({ description: "SHA-256 of the file's UTF-8 text (without a byte-order mark)" }),
    receivedAt: z.iso.datetime(),
  })
  .openapi('SettlementReceipt');

export const reconciliationQuery = z.object({
  date: settlementDateSchema.optional().openapi({ description: 'The settlement day (WIB); default: yesterday', format: 'date' }),
  bank: bankCodeSchema.optional().openapi({ description: 'One bank; default: every bank' }),
});

const tallySchema = (description: string) =>
  z.object({ count: z.number().int(), amount: z.number().int().openapi({ description: 'Rupiah' }) }).openapi({ description });

export const reconciliationSchema = z
  .object({
    date: z.string(),
    days: z.array(
      z.object({
        bank: z.string(),
        revision: z.number().int().openapi({ description: 'The report compared: the latest received (2 and up: a correction)' }),
        correction: z.boolean(),
        reportsReceived: z.number().int().openapi({ description: 'Reports stored for the bank and day, corrections included' }),
        received: tallySchema('Lines (payments) of the report and their rupiah'),
        applied: tallySchema("Lines whose payment is applied to its application"),
        refund: tallySchema('Lines whose payment is refunded: a refund opened, whatever its stage but DECLINED'),
        refunded: tallySchema('Of those, refunds the bank has confirmed (REFUNDED)'),
        pending: tallySchema('Lines whose payment is not decided yet (not applied, no refund)'),
        declined: tallySchema('Lines whose refund finance declined: the money neither applied nor returned (a difference)'),
        conflicts: tallySchema("Lines already listed by an earlier day's report of the bank, that disagree with the transaction as recorded (another billing code, amount or NTPN), or whose transaction a callback or inquiry disagreed with"),
        missing: tallySchema("Transactions recorded for the bank and paid that day (WIB) that no report of the bank lists (flagged MISSING_FROM_SETTLEMENT)"),
        balanced: z.boolean().openapi({ description: 'Every rupiah received applied or a refund: nothing pending, no refund declined, no conflict, nothing missing' }),
        differences: z.array(z.string()).openapi({ description: 'Each difference in words (empty when balanced)' }),
        reconciledAt: z.iso.datetime().openapi({ description: 'When the daily run last compared the day (it compares again each unbalanced day of its look-back)' }),
        report: z.object({ id: z.uuid(), sha256: z.string(), source: z.enum(['upload', 'import', 'drop-folder']), receivedAt: z.iso.datetime() }),
      }),
    ),
    awaiting: z
      .array(z.object({ reportId: z.uuid(), bank: z.string(), revision: z.number().int(), lines: z.number().int(), totalAmount: z.number().int(), receivedAt: z.iso.datetime() }))
      .openapi({ description: 'Reports stored for the day that the next daily run will send to their transactions and compare' }),
  })
  .openapi('Reconciliation', { description: "Each bank's settlement report of the day compared with the payments recorded, as the daily run last compared it" });

// Office days (issue 15, api/routes/office-days.ts) ---------------------------------------------

const seatQuota = z.number({ error: 'must be a whole number of seats' }).int({ error: 'must be a whole number of seats' }).min(0, { error: 'must be 0 or more' }).max(100_000, { error: 'must be at most 100000' });
const seatsOfSession = z.strictObject(Object.fromEntries(SEAT_KINDS.map((kind) => [kind, seatQuota])) as Record<SeatKind, typeof seatQuota>);
export const sessionQuotasSchema = z
  .strictObject({ MORNING: seatsOfSession, AFTERNOON: seatsOfSession })
  .openapi('SessionQuotas', { description: 'Seats per session and kind of seat (REGULAR, PRIORITY, SAME_DAY)' });
const dayReason = text().trim().min(1, { error: 'is required' }).max(300, { error: 'must be at most 300 characters' });
export const officeDayParams = z.object({ officeCode, date: isoDate.openapi({ description: 'Office local; from tomorrow to the end of the booking horizon and the loaded holiday calendar' }) });
export const officeDayDeclaration = z
  .discriminatedUnion('status', [
    z.strictObject({ status: z.literal('OPEN'), quotas: sessionQuotasSchema, reason: dayReason }),
    z.strictObject({ status: z.literal('CLOSED'), reason: dayReason }),
  ], { error: 'must be OPEN (with quotas) or CLOSED' })
  .openapi('OfficeDayDeclaration', {
    description: 'OPEN: a service day with these seats, even on a weekend or a holiday. CLOSED: no service; every application booked that day is moved to the nearest free session (or asked to book again)',
  });
export const officeDaySchema = z
  .object({
    officeCode: z.string(),
    date: z.string(),
    status: z.enum(['OPEN', 'CLOSED']),
    quotas: sessionQuotasSchema.nullable().openapi({ description: 'OPEN only' }),
    reason: z.string(),
    declaredBy: z.string(),
    declaredAt: z.iso.datetime(),
    closureWorkflowId: z.string().nullable().openapi({ description: 'CLOSED: the workflow moving its bookings (officeClosure), in the Temporal Web UI' }),
  })
  .openapi('OfficeDay');
export const officeDaysQuery = z.object({
  from: isoDate.optional().openapi({ description: 'First day, office local; default: today' }),
  until: isoDate.optional().openapi({ description: 'Last day, office local; default: the end of the booking horizon. At most 400 days after `from`' }),
});
// The waitlist of a full session (api/routes/waitlist.ts).
export const seatOfferAcceptanceSchema = z.strictObject({ offerId: z.string().min(1).max(64).openapi({ description: 'The offer this application was sent (GET …/waitlist)' }) }).openapi('SeatOfferAcceptance');
export const waitlistPositionSchema = z
  .object({
    entryId: z.string(),
    date: z.string(),
    session: sessionSchema,
    position: z.number().int().openapi({ description: '1: the next seat freed in the session is offered to this application; 0 once it no longer waits' }),
  })
  .openapi('WaitlistPosition');
export const waitlistEntrySchema = z
  .object({
    entry: waitlistPositionSchema
      .extend({
        status: z.enum(['WAITING', 'OFFERED', 'BOOKED', 'LAPSED', 'LEFT']),
        joinedAt: z.iso.datetime(),
        offer: z.object({ offerId: z.string(), expiresAt: z.iso.datetime() }).nullable().openapi({ description: 'The seat held for this application until expiresAt: accept it with POST …/waitlist/accept' }),
      })
      .nullable(),
  })
  .openapi('WaitlistEntry');

// The office's numbers per ISO week (api/routes/office-metrics.ts, db/queries/office-metrics.ts).
/** The weekly figures start no earlier than this (the service keeps nothing older; week arithmetic stays in range). */
export const METRICS_FIRST_DATE = '2000-01-03';
export const officeMetricsQuery = z.object({
  office: z.union([officeCode, z.literal('*')], { error: 'must be an office code, or * for every office' }).optional().openapi({ description: "Default: the token's own scope" }),
  from: isoDate
    .refine((d) => d >= METRICS_FIRST_DATE, { error: `cannot be before ${METRICS_FIRST_DATE}` })
    .refine((d) => d <= new Date(Date.now() + 366 * 86_400_000).toISOString().slice(0, 10), { error: 'cannot be more than a year ahead' })
    .optional()
    .openapi({ description: 'A date of the first week (Monday to Sunday, office local); default: the week `weeks - 1` weeks before this one' }),
  // Digits only (a plain number coercion would take '0x10' as 16 and ' ' as 0).
  weeks: z
    .string()
    .refine((n) => /^\d{1,6}$/.test(n) && Number(n) >= 1 && Number(n) <= 26, { error: 'must be a whole number of weeks, 1 to 26' })
    .optional()
    .openapi({ description: 'How many weeks, 1 to 26; default 4' }),
});
const weekCount = (description: string) => z.number().int().openapi({ description });
export const officeMetricsSchema = z
  .object({
    scope: z.string(),
    weeks: z.array(
      z.object({
        officeCode: z.string(),
        weekStart: z.string().openapi({ description: 'Monday, office local' }),
        weekEnd: z.string().openapi({ description: 'Sunday, office local' }),
        submitted: weekCount("Applications whose workflow recorded its first stage (AWAITING_PAYMENT) in the week"),
        entered: z.record(z.enum(STAGES), z.number().int()).openapi({ description: 'Per stage: applications moved into it from another stage in the week (a stage entered again is not counted twice)' }),
        sla: z
          .object({
            met: weekCount('Printed by the deadline'),
            breached: weekCount('Missed and compensated'),
            pending: weekCount('Neither yet'),
            ratio: z.number().nullable().openapi({ description: 'met / (met + breached), 4 decimals; null when both are 0' }),
          })
          .openapi({ description: 'Applications whose SLA deadline fell in the week' }),
        compensations: weekCount('Compensations recorded in the week'),
        interviewToPrint: z
          .object({
            printed: weekCount('Passports printed in the week'),
            medianWorkingHours: z.number().nullable(),
            p90WorkingHours: z.number().nullable(),
          })
          .openapi({ description: 'Working hours (weekends and holidays do not count) from interview approval to printing of the passports printed in the week; null when none' }),
        noShows: weekCount('NO_SHOW notices recorded in the week'),
        refunds: z.object({ count: z.number().int(), amount: z.number().int().openapi({ description: 'Rupiah' }) }).openapi({ description: "Refunds of the office's payments opened in the week" }),
        atRisk: z
          .object({ PRINTING: z.number().int(), DELIVERY: z.number().int(), printedInTime: weekCount('Of the PRINTING warnings, the applications printed by their SLA deadline') })
          .openapi({ description: 'At-risk warnings raised in the week, per kind' }),
      }),
    ),
  })
  .openapi('OfficeWeeklyMetrics');
