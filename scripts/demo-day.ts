// A demo day's applicants and what each of them does, through the service's public API only: shared by
// `npm run demo` (one day) and `npm run soak` (days back to back while processes are killed).
import type { Kysely } from 'kysely';
import { loadHolidays } from '../db/queries/holidays.js';
import type { DB } from '../db/schema.js';
import { localDate, nthWorkingDayAfter } from '../workflows/calendar.js';
import { takePayment, type BankPayment } from './demo-bank.js';
import type { ServiceClient } from './demo-client.js';

/** CALLBACK_DROPPED: pays in time, but the bank never sends its callback (only its settlement report lists the payment). */
export type Fate = 'PAYS_LATE' | 'CALLBACK_DROPPED' | 'NO_SHOW_TWICE' | 'NO_SHOW_THEN_COMES' | 'REJECTED' | 'PRINTED_LATE' | 'ON_TIME' | 'PRINTED_AFTER_WARNING';
export interface Applicant {
  n: number;
  office: string;
  delivery: 'PICKUP' | 'POS';
  fate: Fate;
  applicationId?: string;
  trackingCode?: string;
  billingCode?: string;
  /** What the bank took from this applicant, whether or not it called back. */
  payment?: BankPayment;
  expectedStage: string;
  log: string[];
}

const DEFAULT_SHARES: Array<[Fate, number]> = [
  ['PAYS_LATE', 0.1],
  ['NO_SHOW_TWICE', 0.07],
  ['NO_SHOW_THEN_COMES', 0.07],
  ['REJECTED', 0.06],
  ['PRINTED_LATE', 0.2],
  ['ON_TIME', 0.4],
  // Printed after the office was warned (issue 16's early warning) and before the deadline: a warning that saved it.
  ['PRINTED_AFTER_WARNING', 0.1],
];

/** `seed` makes every choice deterministic; `maxWaitMs` bounds any wait for the service's timers. */
/** Every demo applicant's NIK starts so (Palu; a woman born 12 May 1990); the serial is the applicant's number. */
export const DEMO_NIK_PREFIX = '727105520590';

export function demoDay(opts: { seed: number; offices: string[]; maxWaitMs: number; slaWorkingDays?: number }) {
  const { offices, maxWaitMs } = opts;
  const slaWorkingDays = opts.slaWorkingDays ?? 3;
  /** Deterministic choices (mulberry32), so a seed replays the same day. */
  let state = opts.seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const sleepUntil = async (instant: string, marginMs = 1500) => {
    const wait = Date.parse(instant) - Date.now() + marginMs;
    if (wait > maxWaitMs) throw new Error(`the service's window ends at ${instant}, too far for a demo: start it with PAYMENT_WINDOW_MINUTES=1 DEMO_DAY_SECONDS=20`);
    if (wait > 0) await sleep(wait);
  };

  function planDay(count: number, firstNumber = 1, shares: Array<[Fate, number]> = DEFAULT_SHARES): Applicant[] {
    return Array.from({ length: count }, (_, i) => {
      let roll = random();
      const fate = shares.find(([, share]) => (roll -= share) < 0)?.[0] ?? 'ON_TIME';
      const expectedStage = fate === 'PAYS_LATE' ? 'EXPIRED' : fate === 'NO_SHOW_TWICE' ? 'CANCELLED' : fate === 'REJECTED' ? 'REJECTED' : 'COMPLETED';
      return { n: firstNumber + i, office: offices[i % offices.length]!, delivery: random() < 0.3 ? 'POS' : 'PICKUP', fate, expectedStage, log: [] };
    });
  }

  /**
   * `count` applicants of the day (chosen at random among those who pay in time) pay, and the bank never calls
   * back: with no inquiry (no BANK_API_URL), the application expires; the settlement report brings the money back.
   */
  function dropCallbacks(day: Applicant[], count: number): Applicant[] {
    const payInTime = day.filter((a) => a.fate !== 'PAYS_LATE');
    for (let i = 0; i < count && payInTime.length > 0; i++) {
      const [a] = payInTime.splice(Math.floor(random() * payInTime.length), 1);
      Object.assign(a!, { fate: 'CALLBACK_DROPPED', expectedStage: 'EXPIRED' });
    }
    return day;
  }

  /** A NIK whose region, birth date and serial agree (the API checks its shape). */
  const nikFor = (n: number) => `${DEMO_NIK_PREFIX}${String(1000 + n).padStart(4, '0')}`;

  /** Polls the applicant's own view until it shows one of `stages`; returns that view. */
  async function waitForView(api: ServiceClient, a: Applicant, stages: string[], breached = false) {
    const start = Date.now();
    for (;;) {
      const { body } = await api.own(a.applicationId!);
      if (stages.includes(body.stage) && (!breached || body.slaBreached)) return body;
      if (Date.now() - start > maxWaitMs) throw new Error(`application ${a.n} stayed ${body.stage}, expected ${stages.join(' or ')}${breached ? ' with its SLA breached' : ''}`);
      await sleep(500);
    }
  }
  const waitForStage = async (api: ServiceClient, a: Applicant, stages: string[]) => (await waitForView(api, a, stages)).stage;

  /** Retries a step the workflow may not be ready for yet (409 while the previous signal settles). */
  async function until2xx<T extends { status: number }>(step: () => Promise<T>, what: string): Promise<T> {
    for (let i = 0; ; i++) {
      const reply = await step();
      if (reply.status < 300) return reply;
      if (reply.status !== 409 || i > 20) throw new Error(`${what}: HTTP ${reply.status} ${JSON.stringify((reply as unknown as { body: unknown }).body)}`);
      await sleep(300);
    }
  }

  async function liveDay(api: ServiceClient, a: Applicant, bookingDate: (office: string) => string, onStage: (stage: string) => void) {
    await sleep(random() * 8000); // arrivals spread over the morning
    const submitted = await api.submit({
      ...pick([{ applicationType: 'NEW' }, { applicationType: 'NEW' }, { applicationType: 'RENEWAL', oldPassportNumber: `A${String(1_000_000 + a.n)}` }] as const),
      product: pick(['ORDINARY_5Y', 'ORDINARY_10Y', 'ELECTRONIC_10Y'] as const),
      officeCode: a.office,
      nik: nikFor(a.n),
      fullName: `Pemohon Demo ${a.n}`,
      sex: 'F',
      birthDate: '1990-05-12',
      email: `pemohon${a.n}@example.id`,
      phone: `+62812000${String(a.n).padStart(5, '0')}`,
      deliveryMethod: a.delivery,
      address: `Jl. Demo No. ${a.n}`,
    });
    if (submitted.status !== 201 && submitted.status !== 202) throw new Error(`submission ${a.n}: HTTP ${submitted.status} ${JSON.stringify(submitted.body)}`);
    Object.assign(a, { applicationId: submitted.body.applicationId, trackingCode: submitted.body.trackingCode, billingCode: submitted.body.billingCode });
    onStage('submitted');
    const { billingCode, amount, paymentDeadline } = submitted.body;

    if (a.fate === 'PAYS_LATE') {
      await sleepUntil(paymentDeadline);
      const late = await api.pay((a.payment = takePayment(billingCode, amount)));
      a.log.push(`paid after the billing code expired: HTTP ${late.status} (refunded)`);
      await waitForStage(api, a, ['EXPIRED']);
      return onStage('expired');
    }
    const payment = (a.payment = takePayment(billingCode, amount));
    if (a.fate === 'CALLBACK_DROPPED') {
      a.log.push(`paid at ${payment.bank}; its callback never came`);
      onStage('paid, no callback');
      await sleepUntil(paymentDeadline);
      await waitForStage(api, a, ['EXPIRED']);
      return onStage('expired');
    }
    await until2xx(() => api.pay(payment), 'payment');
    await waitForStage(api, a, ['AWAITING_BOOKING']);
    onStage('paid');

    // A step answered "accepted, still running" (202) has no result yet: the applicant's own view shows it once done.
    const appointmentEnds = async (booked: { body: { endsAt?: string } }) => booked.body.endsAt ?? (await waitForView(api, a, ['AWAITING_INTERVIEW'])).nextDeadline!;
    let booked = await until2xx(() => api.book(a.applicationId!, bookingDate(a.office), pick(['MORNING', 'AFTERNOON'] as const)), 'booking');
    if (a.fate === 'NO_SHOW_TWICE' || a.fate === 'NO_SHOW_THEN_COMES') {
      await sleepUntil(await appointmentEnds(booked)); // the appointment day ends without them
      await waitForStage(api, a, ['AWAITING_BOOKING']);
      onStage('no-show');
      booked = await until2xx(() => api.book(a.applicationId!, bookingDate(a.office), 'AFTERNOON'), 'second booking');
      if (a.fate === 'NO_SHOW_TWICE') {
        await sleepUntil(await appointmentEnds(booked));
        await waitForStage(api, a, ['CANCELLED']);
        return onStage('cancelled');
      }
    }
    await waitForStage(api, a, ['AWAITING_INTERVIEW']);
    await sleep(random() * 3000);
    if (a.fate === 'REJECTED') {
      await until2xx(() => api.interview(a.office, a.applicationId!, 'REJECTED', 'documents do not match the civil registry'), 'interview');
      return onStage('rejected');
    }
    const interviewed = await until2xx(() => api.interview(a.office, a.applicationId!, 'APPROVED'), 'interview');
    onStage('interviewed');
    const slaDeadline = interviewed.body.slaDeadline ?? (await waitForView(api, a, ['AWAITING_PRINTING'])).slaDeadline!;

    if (a.fate === 'PRINTED_LATE') {
      await sleepUntil(slaDeadline, 3000); // the printer queue was too long
      // Printed once the breach is on record, so that the day's account of it (breached, then printed) holds in that
      // order even with the server down at the deadline (a fault test): a printing past it is late either way.
      await waitForView(api, a, ['AWAITING_PRINTING'], true);
      onStage('SLA breached');
    } else if (a.fate === 'PRINTED_AFTER_WARNING') {
      // The demo clock warns one demo day (the SLA's span / its working days) before the deadline: print half a demo day before it.
      const span = Date.parse(slaDeadline) - Date.now();
      await sleepUntil(new Date(Date.parse(slaDeadline) - span / (2 * slaWorkingDays)).toISOString(), 0);
      onStage('printed after the warning');
    } else {
      await sleep(1000 + random() * 4000);
    }
    const printed = await until2xx(() => api.print(a.office, a.applicationId!, `E${String(1_000_000 + a.n)}`), 'printing');
    onStage('printed');
    const shipped = printed.body.stage ?? (await waitForStage(api, a, ['IN_DELIVERY', 'READY_FOR_PICKUP']));
    if (shipped === 'IN_DELIVERY') {
      const { body } = await api.own(a.applicationId!);
      await sleep(1000 + random() * 3000);
      await until2xx(() => api.posDelivered(body.posTrackingNumber!, `pos-${a.applicationId}`), 'Pos delivery');
    } else {
      await until2xx(() => api.handover(a.office, a.applicationId!), 'hand-over');
    }
    await waitForStage(api, a, ['COMPLETED']);
    onStage('completed');
  }

  return { random, planDay, dropCallbacks, liveDay };
}

/** Each office's next working day in its own time zone: the date the demo's applicants book. */
export async function nextWorkingDay(db: Kysely<DB>): Promise<(office: string) => string> {
  const holidays = await loadHolidays(db);
  const zones = new Map((await db.selectFrom('offices').select(['code', 'time_zone']).execute()).map((o) => [o.code, o.time_zone]));
  return (office: string) => nthWorkingDayAfter(localDate(new Date(), zones.get(office)!), 1, holidays);
}
