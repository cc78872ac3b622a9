// The public tracking page: `/` asks for a code, `/lacak/{code}` shows where the application is, read through
// the API's own GET /track/{code} (its validation and rate limit): stages with dates in the office's time zone,
// the estimated completion, Pos's tracking number, what to do next. Nothing personal: the API sends none.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { normaliseTrackingCode, type Stage } from '../../workflows/definitions.js';
import { formatDate, formatDateTime } from '../../workflows/format.js';
import { callApi, type PagesEnv } from './call-api.js';
import { languageOf, stageName, t, type Language } from './i18n.js';
import { Layout } from './layout.js';

interface Tracking {
  trackingCode: string;
  stage: Stage;
  stageEnteredAt: string;
  nextDeadline: string | null;
  officeCode: string;
  timeZone: string;
  appointment: { date: string; session: 'MORNING' | 'AFTERNOON' } | null;
  estimatedCompletion: string | null;
  slaBreached: boolean;
  posTrackingNumber: string | null;
  timeline: { stage: Stage; at: string }[];
}

const TERMINAL: readonly Stage[] = ['COMPLETED', 'REJECTED', 'CANCELLED', 'EXPIRED'];
/** Stages whose deadline asks something of the applicant (other stages' timers are the office's business). */
export const APPLICANT_DEADLINE: readonly Stage[] = ['AWAITING_PAYMENT', 'AWAITING_BOOKING'];

/** A local calendar date ('YYYY-MM-DD') as words: noon UTC is the same date in WIB, WITA and WIT. */
export const localDate = (date: string, language: Language, timeZone: string) => formatDate(new Date(`${date}T12:00:00Z`), language, timeZone);

/** What a person typed, as the API takes it: any case, spaces and dashes anywhere or none; else as typed, spaces dropped (to show it back). */
const normalized = (code: string) => normaliseTrackingCode(code) ?? code.replace(/\s+/g, '').toUpperCase();

function CodeForm(props: { language: Language; value?: string; error?: string }) {
  const { language, value, error } = props;
  return (
    <form method="get" action="/lacak" novalidate>
      <label for="code">{t(language, 'track.code')}</label>
      <p class="hint" id="code-hint">
        {t(language, 'track.codeHint')}
      </p>
      {error && (
        <p class="alert" id="code-error">
          {error}
        </p>
      )}
      <input
        type="text"
        id="code"
        name="code"
        value={value ?? ''}
        autocomplete="off"
        autocapitalize="characters"
        spellcheck={false}
        maxlength={32}
        aria-describedby={error ? 'code-hint code-error' : 'code-hint'}
        aria-invalid={error ? 'true' : undefined}
      />
      <div>
        <button type="submit">{t(language, 'track.submit')}</button>
      </div>
    </form>
  );
}

/** The form again, with a problem in plain words at the top (linked to the field) and beside the field. */
function renderProblem(c: Context<PagesEnv>, status: 400 | 404 | 429 | 503, message: string, value: string) {
  const language = languageOf(c);
  return c.html(
    <Layout language={language} title={t(language, 'track.title')} path={c.req.path}>
      <h1>{t(language, 'track.title')}</h1>
      <div class="alert" role="alert" aria-labelledby="problem-title">
        <h2 id="problem-title">{t(language, 'track.errorTitle')}</h2>
        <p>
          <a href="#code">{message}</a>
        </p>
      </div>
      <CodeForm language={language} value={value} error={message} />
    </Layout>,
    status,
  );
}

/** What to do next in the stage, and the stages so far with their dates: the tracking page's and the portal's. */
export function NextAndHistory(props: { language: Language; stage: Stage; timeline: { stage: Stage; at: string }[]; when: (at: string) => string }) {
  const { language, when } = props;
  return (
    <>
      <h2>{t(language, 'track.next')}</h2>
      <p>{t(language, `next.${props.stage}`)}</p>
      <h2>{t(language, 'track.history')}</h2>
      <ol class="timeline">
        {props.timeline.map((entry) => (
          <li>
            {stageName(language, entry.stage)}
            <span class="when">
              <time datetime={entry.at}>{when(entry.at)}</time>
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

function Result(props: { language: Language; tracked: Tracking; officeName: string | undefined }) {
  const { language, tracked, officeName } = props;
  const zone = tracked.timeZone;
  const when = (at: string) => formatDateTime(new Date(at), language, zone);
  const [before, after] = t(language, 'track.resultTitle', { code: '\u0000' }).split('\u0000');
  return (
    <>
      <h1>
        {/* The code kept on one line: a phone would break it at a hyphen. */}
        {before}
        <span class="code">{tracked.trackingCode}</span>
        {after}
      </h1>
      {tracked.slaBreached && <p class="notice">{t(language, 'track.late')}</p>}
      <dl>
        <dt>{t(language, 'track.stageNow')}</dt>
        <dd>
          <strong>{stageName(language, tracked.stage)}</strong>
          <span class="when">{t(language, 'track.since', { date: when(tracked.stageEnteredAt) })}</span>
        </dd>
        <dt>{t(language, 'track.office')}</dt>
        <dd>{officeName ? `${officeName} (${tracked.officeCode})` : tracked.officeCode}</dd>
        {tracked.appointment && (
          <>
            <dt>{t(language, 'track.appointment')}</dt>
            <dd>{`${localDate(tracked.appointment.date, language, zone)}, ${t(language, `session.${tracked.appointment.session}`)}`}</dd>
          </>
        )}
        {tracked.nextDeadline && APPLICANT_DEADLINE.includes(tracked.stage) && (
          <>
            <dt>{t(language, 'track.deadline')}</dt>
            <dd>{when(tracked.nextDeadline)}</dd>
          </>
        )}
        {tracked.estimatedCompletion && !TERMINAL.includes(tracked.stage) && (
          <>
            <dt>{t(language, 'track.estimated')}</dt>
            <dd>{localDate(tracked.estimatedCompletion, language, zone)}</dd>
          </>
        )}
        {tracked.posTrackingNumber && (
          <>
            <dt>{t(language, 'track.posNumber')}</dt>
            <dd>{tracked.posTrackingNumber}</dd>
          </>
        )}
      </dl>
      <NextAndHistory language={language} stage={tracked.stage} timeline={tracked.timeline} when={when} />
      <p>
        <a href="/">{t(language, 'track.another')}</a>
      </p>
    </>
  );
}

export const trackingPages = () =>
  new Hono<PagesEnv>()
    .get('/', (c) => {
      const language = languageOf(c);
      return c.html(
        <Layout language={language} title={t(language, 'track.title')} path="/">
          <h1>{t(language, 'track.title')}</h1>
          <p>{t(language, 'track.intro')}</p>
          <CodeForm language={language} />
        </Layout>,
      );
    })
    // The form's GET: to the code's own address, which a QR code or a message can link to.
    .get('/lacak', (c) => {
      const code = normalized(c.req.query('code') ?? '');
      if (code === '') return renderProblem(c, 400, t(languageOf(c), 'track.badCode'), '');
      return c.redirect(`/lacak/${encodeURIComponent(code)}`, 303);
    })
    .get('/lacak/:code', async (c) => {
      const language = languageOf(c);
      const code = normalized(c.req.param('code'));
      const answer = await callApi<Tracking>(c, 'GET', `/track/${encodeURIComponent(code)}`);
      if (answer.status === 200) {
        // The office by name where the API lists it (an office out of service keeps its code only).
        const offices = await callApi<{ code: string; name: string }[]>(c, 'GET', '/offices');
        const office = offices.status === 200 ? offices.body.find((o) => o.code === answer.body.officeCode) : undefined;
        return c.html(
          <Layout language={language} title={t(language, 'track.resultTitle', { code })} path={c.req.path}>
            <Result language={language} tracked={answer.body} officeName={office?.name} />
          </Layout>,
        );
      }
      if (answer.status === 400) return renderProblem(c, 400, t(language, 'track.badCode'), code);
      if (answer.status === 404) return renderProblem(c, 404, t(language, 'track.unknown', { code }), code);
      const retryAfter = answer.headers.get('retry-after');
      if (retryAfter) c.header('retry-after', retryAfter);
      if (answer.status === 429) return renderProblem(c, 429, t(language, 'track.tooMany', { seconds: retryAfter ?? '60' }), code);
      return renderProblem(c, 503, t(language, 'track.unavailable'), code);
    });
