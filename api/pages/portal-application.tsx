// One application in the portal: its stage and dates in the office's time zone, how to pay, and the actions
// its stage allows, each posting to the API's own route (with an Idempotency-Key from the form) and answering
// POST-redirect-GET.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Stage } from '../../workflows/definitions.js';
import { formatDate, formatDateTime } from '../../workflows/format.js';
import { callApi, type ApiAnswer } from './call-api.js';
import { languageOf, stageName, t, type Language } from './i18n.js';
import type { PortalEnv } from './portal.js';
import { PortalLayout, plainProblem } from './portal.js';
import { ErrorSummary, type FieldProblem } from './portal-forms.js';
import { at, pt } from './portal-words.js';

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
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const rupiah = (amount: number) => `Rp${amount.toLocaleString('id-ID')}`;
/** A local calendar date ('YYYY-MM-DD') as words: noon UTC is the same date in WIB, WITA and WIT. */
export const localDate = (date: string, language: Language, timeZone: string) => formatDate(new Date(`${date}T12:00:00Z`), language, timeZone);

export async function officeZone(c: Context<PortalEnv>, officeCode: string): Promise<string> {
  const offices = await callApi<{ code: string; timeZone: string }[]>(c, 'GET', '/offices');
  return (offices.status === 200 && offices.body.find((o) => o.code === officeCode)?.timeZone) || 'Asia/Jakarta';
}

export interface PageProblem {
  status: 400 | 409 | 422 | 429 | 503;
  problems: FieldProblem[];
  message?: string;
}

/** The application page; `problem` when an action was refused (the page again, with the problem on top). */
export async function applicationPage(c: Context<PortalEnv>, id: string, problem?: PageProblem) {
  const language = languageOf(c);
  if (!UUID.test(id)) return notFound(c);
  const answer = await callApi<Detail>(c, 'GET', `/applications/${id}`, { token: c.var.token });
  if (answer.status === 401) return c.body(null, 401);
  if (answer.status === 404) return notFound(c);
  if (answer.status !== 200) return c.body(null, 503);
  const a = answer.body;
  const zone = await officeZone(c, a.officeCode);
  const when = (instant: string) => formatDateTime(new Date(instant), language, zone);
  return c.html(
    <PortalLayout c={c} title={at(language, 'app.title', { code: a.trackingCode })} signedIn>
      <h1>{at(language, 'app.title', { code: a.trackingCode })}</h1>
      <ErrorSummary language={language} problems={problem?.problems ?? []} message={problem?.message} />
      {c.req.query('submitted') === '1' && (
        <p class="success" role="status">
          {at(language, 'app.submitted')}
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
        <dd>{a.officeCode}</dd>
        {a.appointment && (
          <>
            <dt>{at(language, 'app.appointment')}</dt>
            <dd>{`${localDate(a.appointment.date, language, zone)}, ${t(language, `session.${a.appointment.session}`)}`}</dd>
          </>
        )}
        {a.nextDeadline && (
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
      {await actions(c, a, zone)}
      <h2>{t(language, 'track.next')}</h2>
      <p>{t(language, `next.${a.stage}`)}</p>
      <h2>{at(language, 'app.history')}</h2>
      <ol class="timeline">
        {a.timeline.map((entry) => (
          <li>
            {stageName(language, entry.stage)}
            <span class="when">
              <time datetime={entry.at}>{when(entry.at)}</time>
            </span>
          </li>
        ))}
      </ol>
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

// The actions of a stage: filled in by the booking, delivery and cancellation forms.
async function actions(_c: Context<PortalEnv>, _a: Detail, _zone: string) {
  return null;
}

/** After an action: back to the page (PRG), or the page again with the API's problem. */
export async function afterAction(c: Context<PortalEnv>, id: string, answer: ApiAnswer, ok: number[]) {
  if (ok.includes(answer.status)) return c.redirect(`/portal/applications/${id}?done=1`, 303);
  if (answer.status === 401) return c.body(null, 401);
  if (answer.status === 404) return notFound(c);
  const language = languageOf(c);
  const status = ([400, 409, 422, 429] as const).find((s) => s === answer.status) ?? 503;
  return applicationPage(c, id, { status, problems: [], message: plainProblem(language, answer) });
}

export const applicationPages = (_options: { production: boolean }) =>
  new Hono<PortalEnv>().get('/portal/applications/:id', (c) => applicationPage(c, c.req.param('id')));
