// Request and response schemas: the single source of validation and of the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { APPLICATION_TYPES, DELIVERY_METHODS, SESSIONS, STAGES } from '../workflows/definitions.js';

const isoDate = z.iso.date({ error: 'must be a date as YYYY-MM-DD' });
const officeCode = z.string().regex(/^[A-Z]{3}$/, { error: 'must be a three-letter office code, e.g. PLU' });

export const submissionSchema = z
  .object({
    applicationType: z.enum(APPLICATION_TYPES, { error: `must be one of ${APPLICATION_TYPES.join(', ')}` }),
    product: z.string().regex(/^[A-Z0-9_]+$/, { error: 'must be a product code from the fee schedule, e.g. ELECTRONIC_10Y' }),
    officeCode,
    nik: z.string().regex(/^\d{16}$/, { error: 'must be the 16 digits of the NIK on your KTP' }),
    fullName: z.string().trim().min(2, { error: 'must be your full name as on your KTP' }).max(100),
    birthDate: isoDate,
    email: z.email({ error: 'must be an email address, e.g. nama@contoh.id' }),
    phone: z.string().regex(/^(\+62|0)8\d{7,12}$/, { error: 'must be an Indonesian mobile number, e.g. +6281234567890' }),
    deliveryMethod: z.enum(DELIVERY_METHODS, { error: `must be one of ${DELIVERY_METHODS.join(', ')}` }),
    address: z.string().trim().min(10, { error: 'must be a full postal address' }).max(300),
  })
  .openapi('Submission');

export const submittedSchema = z
  .object({
    applicationId: z.uuid(),
    trackingCode: z.string(),
    billingCode: z.string().openapi({ description: '15-digit code to pay at a bank before paymentDeadline' }),
    amount: z.number().int().openapi({ description: 'Rupiah' }),
    paymentDeadline: z.iso.datetime(),
  })
  .openapi('Submitted');

export const applicationIdParams = z.object({ applicationId: z.uuid({ error: 'must be an application id (UUID)' }) });
export const trackingParams = z.object({ trackingCode: z.string().regex(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/, { error: 'must be a tracking code like ABCD-EFGH-JKMN' }) });

export const bookingSchema = z
  .object({
    date: isoDate,
    session: z.enum(SESSIONS, { error: `must be one of ${SESSIONS.join(', ')}` }),
  })
  .openapi('BookingRequest');

export const appointmentSchema = z
  .object({ officeCode: z.string(), date: z.string(), session: z.enum(SESSIONS), endsAt: z.iso.datetime() })
  .openapi('Appointment');

export const interviewSchema = z
  .object({
    outcome: z.enum(['APPROVED', 'REJECTED'], { error: 'must be APPROVED or REJECTED' }),
    reason: z.string().trim().min(3).max(500).optional(),
  })
  .refine((v) => v.outcome === 'APPROVED' || v.reason, { path: ['reason'], error: 'is required when the outcome is REJECTED' })
  .openapi('InterviewOutcome');

export const printingSchema = z
  .object({ passportNumber: z.string().regex(/^[A-Z]{1,2}\d{6,7}$/, { error: 'must be a passport number, e.g. X1234567' }) })
  .openapi('Printing');

export const stageSchema = z.enum(STAGES);

export const actionResultSchema = z
  .object({
    stage: stageSchema,
    stageEnteredAt: z.iso.datetime(),
    nextDeadline: z.iso.datetime().optional(),
    slaDeadline: z.iso.datetime().optional(),
    slaBreached: z.boolean(),
    deliveryMethod: z.enum(DELIVERY_METHODS),
    posTrackingNumber: z.string().optional(),
  })
  .openapi('ActionResult');

export const trackingSchema = z
  .object({
    trackingCode: z.string(),
    stage: stageSchema,
    stageEnteredAt: z.iso.datetime(),
    nextDeadline: z.iso.datetime().nullable(),
    officeCode: z.string(),
    appointment: z.object({ date: z.string(), session: z.string() }).nullable(),
    estimatedCompletion: z.string().nullable().openapi({ description: 'Date (office local) the passport is due, when known' }),
    slaBreached: z.boolean(),
    deliveryMethod: z.enum(DELIVERY_METHODS),
    posTrackingNumber: z.string().nullable(),
    timeline: z.array(z.object({ stage: stageSchema, at: z.iso.datetime() })),
  })
  .openapi('Tracking');

export const paymentCallbackSchema = z
  .object({
    billingCode: z.string().regex(/^\d{15}$/, { error: 'must be the 15-digit billing code' }),
    transactionId: z.string().min(1).max(64),
    amount: z.number().int().positive(),
    paidAt: z.iso.datetime({ offset: true }),
  })
  .openapi('PaymentCallback');

export const posCallbackSchema = z
  .object({
    eventId: z.string().min(1).max(64),
    trackingNumber: z.string().min(1).max(32),
    status: z.enum(['DELIVERED', 'FAILED']),
    at: z.iso.datetime({ offset: true }),
  })
  .openapi('PosCallback');

export const acceptedSchema = z.object({ status: z.enum(['accepted', 'duplicate']) }).openapi('Accepted');

export const officeSchema = z
  .object({ code: z.string(), name: z.string(), city: z.string(), timeZone: z.string() })
  .openapi('Office');

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  })
  .openapi('Problem');
