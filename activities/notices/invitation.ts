// The calendar invitation (.ics) attached to a booking confirmation or a reschedule.
import { createEvent } from 'ics';
import { formatTime, type Language } from './format.js';
import type { BaseContext, SessionTimes } from './templates.js';

/**
 * One event for the booked session. Start and end are written as exact UTC instants (…Z), so every calendar shows
 * them at the office's clock time whatever the reader's own zone; the description repeats that local time.
 */
export function bookingInvitation(context: BaseContext & { session: SessionTimes }, language: Language = 'id'): string {
  const { session, office, trackingCode } = context;
  const local = `${formatTime(session.start, language, office.timeZone)} - ${formatTime(session.end, language, office.timeZone)}`;
  const { error, value } = createEvent({
    productId: 'passport-service',
    uid: `booking-${trackingCode}-${session.start.getTime()}@passport-service`,
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
