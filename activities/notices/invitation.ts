// The calendar invitation (.ics) attached to a booking confirmation or a reschedule.
import { createEvent } from 'ics';
import { formatTime, type Language } from '../../workflows/format.js';
import type { BaseContext, SessionTimes } from './templates.js';

/**
 * One event for the booked session. Start and end are written as exact UTC instants (…Z), so every calendar shows
 * them at the office's clock time whatever the reader's own zone; the description repeats that local time.
 * One UID per application: a reschedule's invitation (a higher `sequence`, e.g. the notice's id) replaces the
 * booked one in the applicant's calendar instead of adding a second appointment.
 */
export function bookingInvitation(context: BaseContext & { session: SessionTimes }, language: Language = 'id', sequence = 0): string {
  const { session, office, trackingCode } = context;
  const local = `${formatTime(session.start, language, office.timeZone)} - ${formatTime(session.end, language, office.timeZone)}`;
  const { error, value } = createEvent({
    productId: 'passport-service',
    uid: `interview-${trackingCode}@passport-service`,
    sequence,
    start: session.start.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: session.end.getTime(),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: language === 'id' ? `Wawancara paspor (${trackingCode})` : `Passport interview (${trackingCode})`,
    location: `${office.name}, ${office.address}`,
    description: `${trackingCode}: ${local}`,
  });
  if (error || !value) throw error ?? new Error('no calendar invitation');
  return value;
}
