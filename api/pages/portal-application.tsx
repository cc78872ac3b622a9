// One application in the portal: its stage and dates in the office's time zone, how to pay, and the actions
// its stage allows, each posting to the API's own route (with an Idempotency-Key from the form) and answering
// POST-redirect-GET.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { BEFORE_PRINTING_STAGES, CANCELLABLE_STAGES, DELIVERY_METHODS, seatKindsFor, type NoticeKind, type PriorityGround, type SeatKind, type Stage } from '../../workflows/definitions.js';
import { formatDateTime } from '../../workflows/format.js';
import { callApi, type ApiAnswer } from './call-api.js';
import { languageOf, stageName, t, type Language } from './i18n.js';
import type { PortalEnv } from './portal.js';
import { PortalLayout, failurePage, formOf, one, plainProblem } from './portal.js';
import { ChoiceField, ErrorSummary, fieldProblems, TextField, type FieldProblem } from './portal-forms.js';
import { APPLICANT_DEADLINE, localDate, NextAndHistory } from './tracking.js';
import { at, deliveryStatus, noticeName, pt } from './portal-words.js';

export interface Detail {
  applicationId: string;
  trackingCode: string;
  fullName: string;
  officeCode: string;
  stage: Stage;
  stageEnteredAt: string;
  nextDeadline: string | null;
  billingCode: string;
  amount: number;
  paymentDeadline: string;
  appointment: { date: string; session: 'MORNING' | 'AFTERNOON' } | null;
  deliveryMethod: 'PICKUP' | 'POS';
  service: 'REGULAR' | 'SAME_DAY';
  priority: { ground: string; status: string } | null;
  timeline: { stage: Stage; at: string }[];
  /** Not the API's: the office's time zone, looked up for the page. */
  officeZone: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const rupiah = (amount: number) => `Rp${amount.toLocaleString('id-ID')}`;

/** The office's name and time zone, from the public list (its code alone, if it is not listed). */
async function officeOf(c: Context<PortalEnv>, officeCode: string): Promise<{ name: string; zone: string }> {
  const offices = await callApi<{ code: string; name: string; timeZone: string }[]>(c, 'GET', '/offices');
  const office = offices.status === 200 ? offices.body.find((o) => o.code === officeCode) : undefined;
  return office ? { name: office.name, zone: office.timeZone } : { name: officeCode, zone: 'Asia/Jakarta' };
}


type Form = Record<string, string | string[]>;

export interface PageProblem {
  status: 400 | 409 | 422 | 429 | 503;
  problems: FieldProblem[];
  message?: string;
  /** The API's refusal, said in words with the stage the application is at now. */
  refusal?: ApiAnswer;
  /** The refused form as it was sent: shown again as typed. */
  form?: Form;
}

/** The application page; `problem` when an action was refused (the page again, with the problem on top). */
export async function applicationPage(c: Context<PortalEnv>, id: string, problem?: PageProblem) {
  const language = languageOf(c);
  if (!UUID.test(id)) return notFound(c);
  const answer = await callApi<Omit<Detail, 'officeZone'>>(c, 'GET', `/applications/${id}`, { token: c.var.token });
  if (answer.status === 401) return c.body(null, 401);
  if (answer.status === 404) return notFound(c);
  if (answer.status !== 200) return failurePage(c, answer);
  const a = answer.body;
  const { name: officeName, zone } = await officeOf(c, a.officeCode);
  const when = (instant: string) => formatDateTime(new Date(instant), language, zone);
  const message = problem?.message ?? (problem?.refusal && plainProblem(language, problem.refusal, a.stage));
  return c.html(
    <PortalLayout c={c} title={at(language, 'app.title', { code: a.trackingCode })} signedIn>
      <h1>
        {/* The code on one line: a phone's narrow screen would break it at a hyphen. */}
        {at(language, 'app.title', { code: '' })}
        <span class="code">{a.trackingCode}</span>
      </h1>
      <ErrorSummary language={language} problems={problem?.problems ?? []} message={message} />
      {c.req.query('submitted') === '1' && (
        <p class="success" role="status">
          {at(language, 'app.submitted')}
        </p>
      )}
      {c.req.query('existing') === '1' && (
        <p class="success" role="status">
          {at(language, 'app.existing')}
        </p>
      )}
      {c.req.query('done') === '1' && (
        <p class="success" role="status">
          {at(language, 'app.done')}
        </p>
      )}
      <dl>
        <dt>{at(language, 'app.stage')}</dt>
        <dd>
          <strong>{stageName(language, a.stage)}</strong>
          <span class="when">{t(language, 'track.since', { date: when(a.stageEnteredAt) })}</span>
        </dd>
        <dt>{pt(language, 'list.name')}</dt>
        <dd>{a.fullName}</dd>
        <dt>{at(language, 'app.office')}</dt>
        <dd>{officeName}</dd>
        {a.appointment && (
          <>
            <dt>{at(language, 'app.appointment')}</dt>
            <dd>{`${localDate(a.appointment.date, language, zone)}, ${t(language, `session.${a.appointment.session}`)}`}</dd>
          </>
        )}
        {a.nextDeadline && APPLICANT_DEADLINE.includes(a.stage) && (
          <>
            <dt>{at(language, 'app.deadline')}</dt>
            <dd>{when(a.nextDeadline)}</dd>
          </>
        )}
        <dt>{at(language, 'app.delivery')}</dt>
        <dd>{pt(language, `f.deliveryMethod.${a.deliveryMethod}`)}</dd>
      </dl>
      {a.stage === 'AWAITING_PAYMENT' && (
        <section aria-labelledby="pay-title">
          <h2 id="pay-title">{at(language, 'app.pay')}</h2>
          <dl>
            <dt>{at(language, 'app.billingCode')}</dt>
            <dd>
              <strong class="code">{a.billingCode}</strong>
            </dd>
            <dt>{at(language, 'app.amount')}</dt>
            <dd>{rupiah(a.amount)}</dd>
            <dt>{at(language, 'app.payBy')}</dt>
            <dd>{when(a.paymentDeadline)}</dd>
          </dl>
          <p>{at(language, 'app.howToPay')}</p>
        </section>
      )}
      {await Actions({ c, a: { ...a, officeZone: zone }, problems: problem?.problems ?? [], form: problem?.form ?? {} })}
      {await Notices({ c, a: { ...a, officeZone: zone } })}
      <NextAndHistory language={language} stage={a.stage} timeline={a.timeline} when={when} />
      <p>
        <a href="/portal/applications">{at(language, 'app.back')}</a>
      </p>
    </PortalLayout>,
    problem?.status ?? 200,
  );
}

function notFound(c: Context<PortalEnv>) {
  const language = languageOf(c);
  return c.html(
    <PortalLayout c={c} title={at(language, 'app.notFound')} signedIn>
      <h1>{at(language, 'app.notFound')}</h1>
      <p>
        <a href="/portal/applications">{at(language, 'app.back')}</a>
      </p>
    </PortalLayout>,
    404,
  );
}

interface Availability {
  days: { date: string; sessions: { session: 'MORNING' | 'AFTERNOON'; seats: Record<SeatKind, { seatsLeft: number }>; waitlist: number }[] }[];
}
interface WaitlistEntry {
  date: string;
  session: 'MORNING' | 'AFTERNOON';
  position: number;
  status: 'WAITING' | 'OFFERED' | 'BOOKED' | 'LAPSED' | 'LEFT';
  offer: { offerId: string; expiresAt: string } | null;
}

/** A fresh key per form shown: a form sent twice (a double tap, a retry) is one step. */
const KeyField = () => <input type="hidden" name="idempotencyKey" value={randomUUID()} />;

/** The office's open sessions as a table of days, a radio button per session with the seats left to this application. */
async function Calendar(props: { c: Context<PortalEnv>; a: Detail; reschedule: boolean; problems: FieldProblem[] }) {
  const { c, a, reschedule, problems } = props;
  const language = languageOf(c);
  const answer = await callApi<Availability>(c, 'GET', `/offices/${a.officeCode}/availability?days=14`);
  const kinds = seatKindsFor({ service: a.service, priority: a.priority && a.priority.status !== 'NOT_CONFIRMED' ? (a.priority.ground as PriorityGround) : undefined });
  const days = answer.status === 200 ? answer.body.days : [];
  const error = problems.find((p) => p.field === 'slot')?.message;
  const title = at(language, reschedule ? 'book.rescheduleTitle' : 'book.title');
  let first = true;
  return (
    <section aria-labelledby="book-title">
      <h2 id="book-title">{title}</h2>
      {days.length === 0 ? (
        <p>{at(language, 'book.none')}</p>
      ) : (
        <form method="post" action={`/portal/applications/${a.applicationId}/booking`} novalidate>
          <KeyField />
          {reschedule && <input type="hidden" name="reschedule" value="1" />}
          <p class="hint" id="slot-hint">
            {at(language, 'book.intro')}
          </p>
          {error && (
            <p class="field-error" id="slot-error">
              {error}
            </p>
          )}
          <fieldset class="field" aria-describedby={error ? 'slot-hint slot-error' : 'slot-hint'}>
            <legend>{at(language, 'book.legend')}</legend>
            {/* A box that scrolls on a phone is a stop for the keyboard, named by the section's title. */}
            <div class="table-wrap" tabindex={0} role="region" aria-labelledby="book-title">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{at(language, 'book.date')}</th>
                    <th scope="col">{t(language, 'session.MORNING')}</th>
                    <th scope="col">{t(language, 'session.AFTERNOON')}</th>
                  </tr>
                </thead>
                <tbody>
                  {days.map((day) => (
                    <tr>
                      <th scope="row">{localDate(day.date, language, a.officeZone)}</th>
                      {(['MORNING', 'AFTERNOON'] as const).map((name) => {
                        const session = day.sessions.find((s) => s.session === name);
                        if (!session) return <td>–</td>;
                        const left = kinds.reduce((sum, kind) => sum + (session.seats[kind]?.seatsLeft ?? 0), 0);
                        const id = first ? 'f-slot' : `f-slot-${day.date}-${name}`;
                        first = false;
                        return (
                          <td>
                            <div class="choice">
                              <input type="radio" id={id} name="slot" value={`${day.date}|${name}`} />
                              <label for={id}>{left > 0 ? at(language, 'book.seatsLeft', { n: left }) : at(language, 'book.full', { n: session.waitlist })}</label>
                            </div>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </fieldset>
          <button type="submit" name="intent" value="book">
            {at(language, reschedule ? 'book.reschedule' : 'book.submit')}
          </button>{' '}
          {!reschedule && (
            <button type="submit" name="intent" value="waitlist" class="secondary">
              {at(language, 'book.waitlist')}
            </button>
          )}
        </form>
      )}
    </section>
  );
}

async function Waitlist(props: { c: Context<PortalEnv>; a: Detail }) {
  const { c, a } = props;
  const language = languageOf(c);
  const answer = await callApi<{ entry: WaitlistEntry | null }>(c, 'GET', `/applications/${a.applicationId}/waitlist`, { token: c.var.token });
  const entry = answer.status === 200 ? answer.body.entry : null;
  if (!entry || (entry.status !== 'WAITING' && entry.status !== 'OFFERED')) return null;
  const base = `/portal/applications/${a.applicationId}/waitlist`;
  return (
    <section aria-labelledby="wait-title">
      <h2 id="wait-title">{at(language, 'wait.title')}</h2>
      <p>{at(language, 'wait.position', { n: entry.position, date: localDate(entry.date, language, a.officeZone), session: t(language, `session.${entry.session}`) })}</p>
      {entry.offer && (
        <form method="post" action={`${base}/accept`}>
          <KeyField />
          <input type="hidden" name="offerId" value={entry.offer.offerId} />
          <p>{at(language, 'wait.offer', { until: formatDateTime(new Date(entry.offer.expiresAt), language, a.officeZone) })}</p>
          <button type="submit">{at(language, 'wait.accept')}</button>
        </form>
      )}
      <form method="post" action={`${base}/leave`}>
        <KeyField />
        <button type="submit" class="secondary">
          {at(language, 'wait.leave')}
        </button>
      </form>
    </section>
  );
}

function Delivery(props: { language: Language; a: Detail; problems: FieldProblem[]; form: Form }) {
  const { language, a, problems, form } = props;
  return (
    <section aria-labelledby="delivery-title">
      <h2 id="delivery-title">{at(language, 'delivery.title')}</h2>
      <form method="post" action={`/portal/applications/${a.applicationId}/delivery`} novalidate>
        <KeyField />
        <ChoiceField language={language} field="deliveryMethod" required problems={problems} values={[one(form, 'deliveryMethod') || a.deliveryMethod]} options={DELIVERY_METHODS.map((m) => ({ value: m, label: pt(language, `f.deliveryMethod.${m}`) }))} />
        <TextField language={language} field="address" multiline autocomplete="street-address" value={one(form, 'address')} problems={problems} hint={at(language, 'delivery.addressHint')} />
        <button type="submit">{at(language, 'delivery.submit')}</button>
      </form>
    </section>
  );
}

function Cancel(props: { language: Language; a: Detail; problems: FieldProblem[]; form: Form }) {
  const { language, a, problems, form } = props;
  return (
    <section aria-labelledby="cancel-title">
      <h2 id="cancel-title">{at(language, 'cancel.title')}</h2>
      <p>{at(language, 'cancel.intro')}</p>
      <form method="post" action={`/portal/applications/${a.applicationId}/cancel`} novalidate>
        <KeyField />
        <TextField language={language} field="reason" multiline value={one(form, 'reason')} problems={problems} />
        <button type="submit" class="secondary">
          {at(language, 'cancel.submit')}
        </button>
      </form>
    </section>
  );
}

interface SentNotice {
  kind: NoticeKind;
  recordedAt: string;
  deliveries: { channel: 'EMAIL' | 'WHATSAPP' | 'SMS'; status: 'SENDING' | 'SENT' | 'FAILED' }[];
}

/** Every notice sent about the application (GET .../notices): kind, when, and each channel's status. */
async function Notices(props: { c: Context<PortalEnv>; a: Detail }) {
  const { c, a } = props;
  const language = languageOf(c);
  const answer = await callApi<SentNotice[]>(c, 'GET', `/applications/${a.applicationId}/notices`, { token: c.var.token });
  const notices = answer.status === 200 ? answer.body : [];
  return (
    <section aria-labelledby="notices-title">
      <h2 id="notices-title">{at(language, 'notices.title')}</h2>
      {notices.length === 0 ? (
        <p>{at(language, 'notices.none')}</p>
      ) : (
        <div class="table-wrap" tabindex={0} role="region" aria-labelledby="notices-title">
          <table>
            <thead>
              <tr>
                <th scope="col">{at(language, 'notices.kind')}</th>
                <th scope="col">{at(language, 'notices.when')}</th>
                <th scope="col">{at(language, 'notices.channels')}</th>
              </tr>
            </thead>
            <tbody>
              {notices.map((n) => (
                <tr>
                  <td>{noticeName(language, n.kind)}</td>
                  <td>
                    <time datetime={n.recordedAt}>{formatDateTime(new Date(n.recordedAt), language, a.officeZone)}</time>
                  </td>
                  <td>
                    {n.deliveries.length === 0
                      ? deliveryStatus(language, 'RECORDED')
                      : n.deliveries.map((d) => `${pt(language, `f.noticeChannels.${d.channel}`)}: ${deliveryStatus(language, d.status)}`).join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The actions the application's stage allows; the API decides in the end (a refusal is shown on the page). */
async function Actions(props: { c: Context<PortalEnv>; a: Detail; problems: FieldProblem[]; form: Form }) {
  const { c, a, problems, form } = props;
  const language = languageOf(c);
  return (
    <>
      {a.stage === 'AWAITING_BOOKING' && (await Waitlist({ c, a }))}
      {a.stage === 'AWAITING_BOOKING' && (await Calendar({ c, a, reschedule: false, problems }))}
      {a.stage === 'AWAITING_INTERVIEW' && (await Calendar({ c, a, reschedule: true, problems }))}
      {BEFORE_PRINTING_STAGES.includes(a.stage) && <Delivery language={language} a={a} problems={problems} form={form} />}
      {CANCELLABLE_STAGES.includes(a.stage) && <Cancel language={language} a={a} problems={problems} form={form} />}
    </>
  );
}

/** After an action: back to the page (PRG), or the page again with the API's problem. */
export async function afterAction(c: Context<PortalEnv>, id: string, answer: ApiAnswer, ok: number[], form?: Form) {
  if (ok.includes(answer.status)) return c.redirect(`/portal/applications/${id}?done=1`, 303);
  if (answer.status === 401) return c.body(null, 401);
  if (answer.status === 404) return notFound(c);
  const language = languageOf(c);
  const status = ([400, 409, 422, 429] as const).find((s) => s === answer.status) ?? 503;
  // A date or session refused is about the calendar's choice; other fields keep their names (address, reason).
  const problems = status === 400 ? fieldProblems(language, answer.body?.errors).map((p) => (p.field === 'date' || p.field === 'session' ? { ...p, field: 'slot' } : p)) : [];
  return applicationPage(c, id, { status, problems, refusal: problems.length > 0 ? undefined : answer, form });
}

/** The step's Idempotency-Key, from the form's hidden field (absent or malformed: the API goes without one). */
const keyOf = (form: Form) => {
  const key = one(form, 'idempotencyKey');
  return /^[A-Za-z0-9._:-]{8,100}$/.test(key) ? key : undefined;
};

export const applicationPages = () =>
  new Hono<PortalEnv>()
    .get('/portal/applications/:id', (c) => applicationPage(c, c.req.param('id')))
    .post('/portal/applications/:id/booking', async (c) => {
      const id = c.req.param('id');
      const language = languageOf(c);
      const form = await formOf(c);
      const [date, session] = one(form, 'slot').split('|');
      if (!date || !session) return applicationPage(c, id, { status: 400, problems: [{ field: 'slot', message: at(language, 'book.choose') }] });
      const waitlist = one(form, 'intent') === 'waitlist';
      const [method, path] = waitlist ? ['POST', 'waitlist'] : one(form, 'reschedule') === '1' ? ['PUT', 'booking'] : ['POST', 'booking'];
      const answer = await callApi(c, method, `/applications/${id}/${path}`, { token: c.var.token, body: { date, session }, idempotencyKey: keyOf(form) });
      return afterAction(c, id, answer, [200, 201]);
    })
    .post('/portal/applications/:id/waitlist/leave', async (c) => {
      const id = c.req.param('id');
      const form = await formOf(c);
      return afterAction(c, id, await callApi(c, 'DELETE', `/applications/${id}/waitlist`, { token: c.var.token, idempotencyKey: keyOf(form) }), [200]);
    })
    .post('/portal/applications/:id/waitlist/accept', async (c) => {
      const id = c.req.param('id');
      const form = await formOf(c);
      const body = { offerId: one(form, 'offerId') };
      return afterAction(c, id, await callApi(c, 'POST', `/applications/${id}/waitlist/accept`, { token: c.var.token, body, idempotencyKey: keyOf(form) }), [200]);
    })
    .post('/portal/applications/:id/delivery', async (c) => {
      const id = c.req.param('id');
      const form = await formOf(c);
      const address = one(form, 'address');
      const body = { method: one(form, 'deliveryMethod'), ...(address && { address }) };
      return afterAction(c, id, await callApi(c, 'PUT', `/applications/${id}/delivery`, { token: c.var.token, body, idempotencyKey: keyOf(form) }), [200], form);
    })
    .post('/portal/applications/:id/cancel', async (c) => {
      const id = c.req.param('id');
      const form = await formOf(c);
      const reason = one(form, 'reason');
      const body = reason ? { reason } : {};
      return afterAction(c, id, await callApi(c, 'POST', `/applications/${id}/cancel`, { token: c.var.token, body, idempotencyKey: keyOf(form) }), [200], form);
    });
