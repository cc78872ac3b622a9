// The officer desk (/desk): sign in with a staff account, today's queue, open an application by the code a QR
// scanner types, and record its next step. Every read and step goes through the API's own routes in-process
// (POST /auth/staff/login, /officer/...): their validation, Idempotency-Key, office rule and audit. No script.
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { Child } from 'hono/jsx';
import type { ApplicationType, Stage } from '../../workflows/definitions.js';
import { localDate } from '../../workflows/calendar.js';
import { formatDate, formatDateTime } from '../../workflows/format.js';
import { callApi, type ApiAnswer, type PagesEnv } from './call-api.js';
import { w, type DeskKey } from './desk-words.js';
import { chosenLanguage, languageOf, productName, stageName, t, type Language } from './i18n.js';
import { Layout } from './layout.js';
import { secureCookie } from './session.js';

const COOKIE = 'desk_session';
/** Calendar dates ('YYYY-MM-DD') as words: noon UTC is the same date in WIB, WITA and WIT. */
const ANY_INDONESIAN_ZONE = 'Asia/Jakarta';
const calendarDate = (date: string, language: Language) => formatDate(new Date(`${date}T12:00:00Z`), language, ANY_INDONESIAN_ZONE);

interface QueueItem {
  trackingCode: string;
  applicationType: ApplicationType;
  stage: Stage;
  appointment: { date: string; session: string } | null;
  slaBreached: boolean;
  service: 'REGULAR' | 'SAME_DAY';
  prioritySeat: boolean;
}
interface Application {
  applicationId: string;
  trackingCode: string;
  applicationType: ApplicationType;
  officeCode: string;
  stage: Stage;
  appointment: { date: string; session: string } | null;
  slaDeadline: string | null;
  service: 'REGULAR' | 'SAME_DAY';
  priority: { ground: string; status: string } | null;
  /** The applicant's identity, for the officer to compare with the KTP-el original (own office only). */
  fullName: string;
  nik: string;
  birthDate: string;
  sex: 'M' | 'F' | null;
  product: string;
  incidentReport: { date: string; place: string; description: string; policeReportNumber?: string } | null;
  bap: { reportNumber: string; cause: 'ORDINARY' | 'FORCE_MAJEURE'; fineAmount: number; recordedAt: string } | null;
}
/** A document to check, in English and (when the reference data has it) in Bahasa Indonesia. */
interface Requirement {
  document: string;
  note: string | null;
  documentId: string | null;
  noteId: string | null;
}
interface Problem {
  detail?: string;
  errors?: { field: string; reason: string }[];
}

/** A field's error: its id (the input the summary links to) and the message. */
type FieldErrors = Record<string, string>;

/** The steps, each with its API route, the form fields it sends, and the field each API error names. */
const STEPS = {
  wawancara: { route: 'interview', done: 'done.interview', stage: 'AWAITING_INTERVIEW' },
  bap: { route: 'bap', done: 'done.bap', stage: 'AWAITING_INTERVIEW' },
  prioritas: { route: 'priority-review', done: 'done.priority', stage: 'AWAITING_INTERVIEW' },
  cetak: { route: 'printing', done: 'done.printing', stage: 'AWAITING_PRINTING' },
  'serah-terima': { route: 'handover', done: 'done.handover', stage: 'READY_FOR_PICKUP' },
} as const satisfies Record<string, { route: string; done: DeskKey; stage: Stage }>;
type StepName = keyof typeof STEPS;
/** The step named in an address, or undefined for anything else (`toString`, `__proto__` are not steps). */
const stepNamed = (name: string | undefined): StepName | undefined => (name !== undefined && Object.hasOwn(STEPS, name) ? (name as StepName) : undefined);

/** The form field (and so the input's id) of each API error field, its message in plain words, and its label. */
const FIELD_MESSAGES: Record<string, { id: string; key: DeskKey; label?: DeskKey }> = {
  email: { id: 'email', key: 'login.badEmail', label: 'login.email' },
  password: { id: 'password', key: 'login.badPassword', label: 'login.password' },
  outcome: { id: 'outcome-APPROVED', key: 'interview.badOutcome' },
  reason: { id: 'reason', key: 'interview.badReason', label: 'interview.reason' },
  reportNumber: { id: 'reportNumber', key: 'bap.badNumber', label: 'bap.reportNumber' },
  cause: { id: 'cause-ORDINARY', key: 'bap.badCause' },
  passportNumber: { id: 'passportNumber', key: 'printing.bad', label: 'printing.number' },
  confirmed: { id: 'confirmed-true', key: 'priority.bad' },
};

/** The API's reasons that are not "missing or malformed" (the field's own message), said as what is wrong. */
const SPECIFIC_REASONS: [RegExp, DeskKey][] = [
  [/control characters|lone surrogate|bidirectional control/, 'field.characters'],
  [/too big|at most|<=/i, 'field.tooLong'],
];

/** A 400's errors as the form's: each known field in plain words; anything else in the API's words. */
function fieldErrors(language: Language, problem: Problem | undefined): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  for (const error of problem?.errors ?? []) {
    const known = FIELD_MESSAGES[error.field];
    if (!known) other.push(`${error.field}: ${error.reason}`);
    else if (fields[known.id] === undefined) {
      const specific = known.label && SPECIFIC_REASONS.find(([pattern]) => pattern.test(error.reason))?.[1];
      fields[known.id] = specific ? w(language, specific, { label: w(language, known.label!) }) : w(language, known.key);
    }
  }
  return { fields, other };
}

/** The error summary at the top: each problem a link to its field (or plain text), focused on load. */
function ErrorSummary(props: { language: Language; fields?: FieldErrors; messages?: string[] }) {
  const fields = Object.entries(props.fields ?? {});
  const messages = props.messages ?? [];
  if (fields.length === 0 && messages.length === 0) return null;
  return (
    <div class="alert" role="alert" aria-labelledby="problem-title" tabindex={-1} autofocus>
      <h2 id="problem-title">{w(props.language, 'desk.problem')}</h2>
      <ul>
        {fields.map(([id, message]) => (
          <li>
            <a href={`#${id}`}>{message}</a>
          </li>
        ))}
        {messages.map((message) => (
          <li>{message}</li>
        ))}
      </ul>
    </div>
  );
}

/** A labelled text input with its hint and error tied by aria-describedby. */
function Field(props: { id: string; label: string; hint?: string; error?: string; type?: string; value?: string; autocomplete?: string; required?: boolean }) {
  const { id, error } = props;
  const describedBy = [props.hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <input
        type={props.type ?? 'text'}
        id={id}
        name={id}
        value={props.value ?? ''}
        autocomplete={props.autocomplete ?? 'off'}
        aria-describedby={describedBy || undefined}
        aria-invalid={error ? 'true' : undefined}
        required={props.required}
      />
    </div>
  );
}

/** Radio buttons in a fieldset; the error sits under the legend, tied to the first button. */
function Choice(props: { name: string; legend: string; options: { value: string; label: string }[]; error?: string; value?: string }) {
  const { name, error } = props;
  return (
    <fieldset aria-describedby={error ? `${name}-error` : undefined}>
      <legend>{props.legend}</legend>
      {error && (
        <p class="field-error" id={`${name}-error`}>
          {error}
        </p>
      )}
      {props.options.map((option) => (
        <div class="choice">
          <input type="radio" id={`${name}-${option.value}`} name={name} value={option.value} checked={props.value === option.value} aria-invalid={error ? 'true' : undefined} />
          <label for={`${name}-${option.value}`}>{option.label}</label>
        </div>
      ))}
    </fieldset>
  );
}

/** The desk's frame: the layout, then who is signed in, the queue link and sign-out, then the page. */
function DeskPage(props: { c: Context<PagesEnv>; title: string; signedIn?: { office: string }; path?: string; children?: Child }) {
  const language = languageOf(props.c);
  return (
    <Layout language={language} title={`${props.title} · ${w(language, 'desk.name')}`} path={props.path ?? props.c.req.path}>
      {props.signedIn && (
        <nav class="desk-nav" aria-label={w(language, 'desk.name')}>
          <span>{w(language, 'nav.signedInAs', { office: props.signedIn.office })}</span>
          <a href="/desk/antrian">{w(language, 'nav.queue')}</a>
          <form method="post" action="/desk/keluar" class="inline">
            <button type="submit" class="secondary">
              {w(language, 'nav.signOut')}
            </button>
          </form>
        </nav>
      )}
      {props.children}
    </Layout>
  );
}

/**
 * A desk form larger than MAX_BODY_BYTES, refused by the app's body limit before any page middleware ran
 * (api/app.ts): a page in the officer's language, not the API's problem+json.
 */
export function deskTooLargePage(c: Context) {
  const language = chosenLanguage(c);
  return c.html(
    <DeskPage c={c} title={w(language, 'desk.problem')} path="/desk/antrian">
      <h1>{w(language, 'desk.problem')}</h1>
      <p class="alert" role="alert">
        {w(language, 'desk.tooLarge')}
      </p>
      <p>
        <a href="/desk/antrian">{w(language, 'nav.queue')}</a>
      </p>
    </DeskPage>,
    413,
  );
}

/** Only a path of the desk itself may be where sign-in returns to (never another site). */
const safeNext = (next: string | undefined) => (next && /^\/desk\/[^/\\]/.test(next) && !next.includes('//') ? next : '/desk/antrian');

/** The token's office, read from the token itself (it was checked by the API when it was given). */
function officeOf(token: string): string {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { office?: string };
    return payload.office ?? '';
  } catch {
    return '';
  }
}

function toSignIn(c: Context<PagesEnv>, reason?: 'expired') {
  deleteCookie(c, COOKIE, { path: '/desk' });
  // The page asked, with its query (another day's queue: ?tanggal=); safeNext keeps it to the desk's own paths.
  const next = c.req.method === 'GET' ? c.req.path + new URL(c.req.url).search : undefined;
  const query = new URLSearchParams({ ...(next && { next }), ...(reason && { [reason]: '1' }) }).toString();
  return c.redirect(`/desk/masuk${query ? `?${query}` : ''}`, 303);
}

function SignIn(props: { c: Context<PagesEnv>; status?: number; email?: string; fields?: FieldErrors; messages?: string[]; notice?: string; next?: string }) {
  const { c } = props;
  const language = languageOf(c);
  return (
    <DeskPage c={c} title={w(language, 'login.title')}>
      <h1>{w(language, 'login.title')}</h1>
      <ErrorSummary language={language} fields={props.fields} messages={props.messages} />
      {props.notice && (
        <p class="ok" role="status">
          {props.notice}
        </p>
      )}
      <form method="post" action="/desk/masuk" novalidate>
        <input type="hidden" name="next" value={safeNext(props.next)} />
        <Field id="email" type="email" label={w(language, 'login.email')} value={props.email} autocomplete="username" error={props.fields?.email} />
        <Field id="password" type="password" label={w(language, 'login.password')} autocomplete="current-password" error={props.fields?.password} />
        <button type="submit">{w(language, 'login.submit')}</button>
      </form>
    </DeskPage>
  );
}

function QueueList(props: { language: Language; items: QueueItem[] }) {
  const { language, items } = props;
  if (items.length === 0) return <p>{w(language, 'queue.empty')}</p>;
  return (
    <ul class="queue">
      {items.map((item) => (
        <li>
          <a href={`/desk/permohonan/${item.trackingCode}`}>
            <strong class="code">{item.trackingCode}</strong>
          </a>
          <span>{`${w(language, `type.${item.applicationType}`)} · ${stageName(language, item.stage)}`}</span>
          {(item.prioritySeat || item.service === 'SAME_DAY' || item.slaBreached) && (
            <span class="marks">
              {item.prioritySeat && <span class="mark">{w(language, 'mark.priority')}</span>}
              {item.service === 'SAME_DAY' && <span class="mark">{w(language, 'mark.sameDay')}</span>}
              {item.slaBreached && <span class="mark late">{w(language, 'mark.late')}</span>}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

function ScanForm(props: { language: Language; value?: string; error?: string }) {
  const { language, error } = props;
  return (
    <form method="get" action="/desk/cari" novalidate class="scan">
      <Field id="code" label={w(language, 'queue.scan')} hint={w(language, 'queue.scanHint')} value={props.value} error={error} />
      <button type="submit">{w(language, 'queue.open')}</button>
    </form>
  );
}

/**
 * Why a step was refused (409), read from the application as it is now: the API's problem says only
 * "out of order" with an English detail, so the known conflicts are recognised from the application's state.
 */
function conflictOf(language: Language, step: StepName, a: Application, values: Record<string, string>, today: string | undefined): string {
  const needsBap = a.applicationType === 'LOST' || a.applicationType === 'DAMAGED';
  if (a.stage !== STEPS[step].stage) return w(language, 'app.outOfOrder', { stage: stageName(language, a.stage) });
  if (step === 'bap' && a.bap) return w(language, 'conflict.bapDone', { number: a.bap.reportNumber });
  if (step === 'wawancara' && values.outcome === 'APPROVED' && needsBap && !a.bap) return w(language, 'conflict.bapFirst');
  if ((step === 'wawancara' || step === 'bap') && a.priority?.status === 'DECLARED') return w(language, 'conflict.priorityFirst');
  if ((step === 'wawancara' || step === 'prioritas') && a.appointment && today && a.appointment.date > today) {
    return w(language, 'conflict.notTheDay', { date: calendarDate(a.appointment.date, language) });
  }
  return w(language, 'conflict.other');
}

/** What a person typed or a scanner sent: spaces dropped, lower case raised. */
const normalized = (code: string) => code.replace(/\s+/g, '').toUpperCase();

/** A step's form: its title, a fresh Idempotency-Key (a double submit of this form is one step), its fields, its button. */
function StepForm(props: { action: string; title: string; submit: string; children?: Child }) {
  return (
    <form method="post" action={props.action} novalidate>
      <h2>{props.title}</h2>
      <input type="hidden" name="key" value={randomUUID()} />
      {props.children}
      <button type="submit">{props.submit}</button>
    </form>
  );
}

/** The application page: what the officer needs, and the next step's form only. */
function ApplicationView(props: {
  c: Context<PagesEnv>;
  office: string;
  application: Application;
  documents: Requirement[];
  /** The office's time zone, for instants (the SLA deadline); unknown for an office no longer in service. */
  timeZone: string | undefined;
  /** The fee schedule's description of the application's product, when it has one. */
  productDescription: string | undefined;
  step?: StepName;
  fields?: FieldErrors;
  messages?: string[];
  values?: Record<string, string>;
  done?: DeskKey;
}) {
  const { c, application: a } = props;
  const language = languageOf(c);
  const title = w(language, 'app.title', { code: a.trackingCode });
  const values = props.values ?? {};
  const action = (step: StepName) => `/desk/permohonan/${a.trackingCode}/${step}`;
  const errorsOf = (step: StepName) => (props.step === step ? (props.fields ?? {}) : {});
  // Until the BAP is recorded; then the BAP is shown instead of its form.
  const needsBap = a.stage === 'AWAITING_INTERVIEW' && (a.applicationType === 'LOST' || a.applicationType === 'DAMAGED') && !a.bap;
  return (
    <DeskPage c={c} title={title} signedIn={{ office: props.office }}>
      <h1>
        {w(language, 'app.title', { code: '' }).trim()} <span class="code">{a.trackingCode}</span>
      </h1>
      <ErrorSummary language={language} fields={props.fields} messages={props.messages} />
      {props.done && (
        <p class="ok" role="status">
          {w(language, props.done)}
        </p>
      )}
      <dl>
        <dt>{w(language, 'app.stage')}</dt>
        <dd>
          <strong>{stageName(language, a.stage)}</strong>
        </dd>
        <dt>{w(language, 'app.type')}</dt>
        <dd>{w(language, `type.${a.applicationType}`)}</dd>
        <dt>{w(language, 'app.service')}</dt>
        <dd>{w(language, a.service === 'SAME_DAY' ? 'app.serviceSameDay' : 'app.serviceRegular')}</dd>
        {a.priority && a.priority.status !== 'NOT_CONFIRMED' && (
          <>
            <dt>{w(language, 'app.priority')}</dt>
            <dd>{w(language, 'mark.priority')}</dd>
          </>
        )}
        {a.appointment && (
          <>
            <dt>{w(language, 'app.appointment')}</dt>
            <dd>{`${calendarDate(a.appointment.date, language)}, ${t(language, a.appointment.session === 'AFTERNOON' ? 'session.AFTERNOON' : 'session.MORNING')}`}</dd>
          </>
        )}
        {a.slaDeadline && props.timeZone && (
          <>
            <dt>{w(language, 'app.slaDeadline')}</dt>
            <dd>{formatDateTime(new Date(a.slaDeadline), language, props.timeZone)}</dd>
          </>
        )}
        {a.bap && (
          <>
            <dt>{w(language, 'app.bap')}</dt>
            <dd>{w(language, 'app.bapRecorded', { number: a.bap.reportNumber, cause: w(language, `bap.${a.bap.cause}`) })}</dd>
          </>
        )}
      </dl>

      <section aria-labelledby="identity">
        <h2 id="identity">{w(language, 'id.title')}</h2>
        <p class="hint">{w(language, 'id.hint')}</p>
        <dl>
          <dt>{w(language, 'id.name')}</dt>
          <dd>{a.fullName}</dd>
          <dt>{w(language, 'id.nik')}</dt>
          <dd class="code">{a.nik}</dd>
          <dt>{w(language, 'id.birthDate')}</dt>
          <dd>{calendarDate(a.birthDate, language)}</dd>
          {a.sex && (
            <>
              <dt>{w(language, 'id.sex')}</dt>
              <dd>{w(language, a.sex === 'F' ? 'id.F' : 'id.M')}</dd>
            </>
          )}
          <dt>{w(language, 'id.product')}</dt>
          <dd>{productName(language, a.product, props.productDescription)}</dd>
          {a.incidentReport && (
            <>
              <dt>{w(language, 'id.incident')}</dt>
              <dd>{`${calendarDate(a.incidentReport.date, language)}, ${a.incidentReport.place}: ${a.incidentReport.description}`}</dd>
              <dt>{w(language, 'id.policeReport')}</dt>
              <dd>{a.incidentReport.policeReportNumber ?? w(language, 'id.none')}</dd>
            </>
          )}
        </dl>
      </section>

      {needsBap && (
        <StepForm action={action('bap')} title={w(language, 'bap.title')} submit={w(language, 'bap.submit')}>
          <p class="hint">{w(language, 'bap.hint')}</p>
          <Field id="reportNumber" label={w(language, 'bap.reportNumber')} value={values.reportNumber} error={errorsOf('bap').reportNumber} />
          <Choice
            name="cause"
            legend={w(language, 'bap.cause')}
            value={values.cause}
            error={errorsOf('bap')['cause-ORDINARY']}
            options={(['ORDINARY', 'FORCE_MAJEURE'] as const).map((value) => ({ value, label: w(language, `bap.${value}`) }))}
          />
        </StepForm>
      )}
      {a.stage === 'AWAITING_INTERVIEW' && a.priority?.status === 'DECLARED' && (
        <StepForm action={action('prioritas')} title={w(language, 'priority.title')} submit={w(language, 'priority.submit')}>
          <p class="hint">{w(language, 'priority.hint', { ground: w(language, a.priority.ground === 'PREGNANCY' ? 'priority.PREGNANCY' : 'priority.DISABILITY') })}</p>
          <Choice
            name="confirmed"
            legend={w(language, 'priority.legend')}
            value={values.confirmed}
            error={errorsOf('prioritas')['confirmed-true']}
            options={(['true', 'false'] as const).map((value) => ({ value, label: w(language, `priority.${value}`) }))}
          />
        </StepForm>
      )}
      {a.stage === 'AWAITING_INTERVIEW' && (
        <StepForm action={action('wawancara')} title={w(language, 'interview.title')} submit={w(language, 'interview.submit')}>
          <Choice
            name="outcome"
            legend={w(language, 'interview.outcome')}
            value={values.outcome}
            error={errorsOf('wawancara')['outcome-APPROVED']}
            options={(['APPROVED', 'REJECTED', 'NO_SHOW'] as const).map((value) => ({ value, label: w(language, `interview.${value}`) }))}
          />
          <div class="field">
            <label for="reason">{w(language, 'interview.reason')}</label>
            <p class="hint" id="reason-hint">
              {w(language, 'interview.reasonHint')}
            </p>
            {errorsOf('wawancara').reason && (
              <p class="field-error" id="reason-error">
                {errorsOf('wawancara').reason}
              </p>
            )}
            <textarea
              id="reason"
              name="reason"
              rows={3}
              aria-describedby={errorsOf('wawancara').reason ? 'reason-hint reason-error' : 'reason-hint'}
              aria-invalid={errorsOf('wawancara').reason ? 'true' : undefined}
            >
              {values.reason ?? ''}
            </textarea>
          </div>
        </StepForm>
      )}
      {a.stage === 'AWAITING_PRINTING' && (
        <StepForm action={action('cetak')} title={w(language, 'printing.title')} submit={w(language, 'printing.submit')}>
          <Field id="passportNumber" label={w(language, 'printing.number')} hint={w(language, 'printing.hint')} value={values.passportNumber} error={errorsOf('cetak').passportNumber} />
        </StepForm>
      )}
      {a.stage === 'READY_FOR_PICKUP' && (
        <StepForm action={action('serah-terima')} title={w(language, 'handover.title')} submit={w(language, 'handover.submit')}>
          <p>{w(language, 'handover.hint')}</p>
        </StepForm>
      )}
      {!['AWAITING_INTERVIEW', 'AWAITING_PRINTING', 'READY_FOR_PICKUP'].includes(a.stage) && <p>{w(language, 'app.noStep')}</p>}

      {props.documents.length > 0 && (
        <>
          <h2>{w(language, 'app.documents')}</h2>
          <ul>
            {props.documents.map((d) => {
              // The reference data's Indonesian text when it has one (a file loaded before it had them: English).
              const [document, note] = language === 'id' && d.documentId ? [d.documentId, d.noteId] : [d.document, d.note];
              return (
                <li>
                  {document}
                  {note && <span class="when">{note}</span>}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </DeskPage>
  );
}

/** The page said when an application is not found in the officer's office (another office's, or none). */
function NotYours(props: { c: Context<PagesEnv>; office: string; code: string; malformed: boolean }) {
  const language = languageOf(props.c);
  const message = props.malformed ? w(language, 'app.badCode') : w(language, 'app.notYours', { code: props.code });
  return (
    <DeskPage c={props.c} title={w(language, 'queue.scan')} signedIn={{ office: props.office }}>
      <h1>{w(language, 'queue.scan')}</h1>
      <ErrorSummary language={language} fields={{ code: message }} />
      <ScanForm language={language} value={props.code} error={message} />
    </DeskPage>
  );
}

const retryAfter = (answer: ApiAnswer) => answer.headers.get('retry-after') ?? '60';

export const deskPages = (options: { secureCookies: boolean }) => {
  const desk = new Hono<PagesEnv>();
  // Every form posts to the desk itself: a POST from another origin (or with no origin at all) is refused.
  const sameOrigin = csrf();
  desk.use('/desk/*', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    try {
      return await sameOrigin(c, next);
    } catch (error) {
      if (!(error instanceof HTTPException && error.status === 403)) throw error;
      const language = languageOf(c);
      return c.html(
        <DeskPage c={c} title={w(language, 'desk.problem')}>
          <h1>{w(language, 'desk.problem')}</h1>
          <p class="alert" role="alert">
            {w(language, 'desk.crossSite')}
          </p>
        </DeskPage>,
        403,
      );
    }
  });

  const signIn = async (c: Context<PagesEnv>) => {
    const language = languageOf(c);
    const form = await c.req.parseBody();
    const email = String(form.email ?? '').trim();
    const password = String(form.password ?? '');
    const next = String(form.next ?? '');
    const answer = await callApi(c, 'POST', '/auth/staff/login', { body: { email, password } });
    const again = (status: 400 | 401 | 403 | 429 | 503, extra: { fields?: FieldErrors; messages?: string[] }) =>
      c.html(<SignIn c={c} email={email} next={next} {...extra} />, status);
    if (answer.status === 200) {
      const session = answer.body as { role: string; token: string; expiresAt: string };
      if (session.role !== 'officer') return again(403, { messages: [w(language, 'login.notOfficer')] });
      setCookie(c, COOKIE, session.token, { path: '/desk', httpOnly: true, sameSite: 'Strict', secure: secureCookie(c, options.secureCookies), expires: new Date(session.expiresAt) });
      return c.redirect(safeNext(next), 303);
    }
    if (answer.status === 400) {
      const { fields, other } = fieldErrors(language, answer.body as Problem);
      return again(400, { fields, messages: other });
    }
    if (answer.status === 401) return again(401, { messages: [w(language, 'login.wrong')] });
    if (answer.status === 429) {
      c.header('retry-after', retryAfter(answer));
      return again(429, { messages: [w(language, 'desk.tooMany', { seconds: retryAfter(answer) })] });
    }
    return again(503, { messages: [w(language, 'desk.unavailable')] });
  };
  const signInForm = (c: Context<PagesEnv>) => {
    const language = languageOf(c);
    const notice = c.req.query('expired') ? w(language, 'login.expired') : c.req.query('keluar') ? w(language, 'login.signedOut') : undefined;
    return c.html(<SignIn c={c} next={c.req.query('next')} notice={notice} />);
  };

  /** The application of the officer's office with this code, or the page that says why not. */
  const lookUp = async (c: Context<PagesEnv>, token: string, code: string) => {
    const answer = await callApi<Application>(c, 'GET', `/officer/applications?trackingCode=${encodeURIComponent(code)}`, { token });
    if (answer.status === 200) return { application: answer.body };
    if (answer.status === 401) return { page: toSignIn(c, 'expired') };
    if (answer.status === 400 || answer.status === 403 || answer.status === 404) {
      return { page: c.html(<NotYours c={c} office={officeOf(token)} code={code} malformed={answer.status === 400} />, answer.status === 400 ? 400 : 404) };
    }
    return { page: c.html(<DeskPage c={c} title={w(languageOf(c), 'desk.problem')}><p class="alert" role="alert">{w(languageOf(c), 'desk.unavailable')}</p></DeskPage>, 503) };
  };
  /** What the application page shows besides the application: its documents checklist and its office's zone. */
  const aroundOf = async (c: Context<PagesEnv>, a: Application) => {
    const [requirements, offices, fees] = await Promise.all([
      callApi<{ documents: Requirement[] }>(c, 'GET', `/requirements/${a.applicationType}`),
      callApi<{ code: string; timeZone: string }[]>(c, 'GET', '/offices'),
      callApi<{ code: string; description: string }[]>(c, 'GET', '/fees'),
    ]);
    return {
      documents: requirements.status === 200 ? requirements.body.documents : [],
      timeZone: offices.status === 200 ? offices.body.find((o) => o.code === a.officeCode)?.timeZone : undefined,
      productDescription: fees.status === 200 ? fees.body.find((f) => f.code === a.product)?.description : undefined,
    };
  };

  return desk
    .get('/desk', (c) => c.redirect(getCookie(c, COOKIE) ? '/desk/antrian' : '/desk/masuk', 303))
    .get('/desk/masuk', signInForm)
    .get('/desk/login', signInForm)
    .post('/desk/masuk', signIn)
    .post('/desk/login', signIn)
    .post('/desk/keluar', (c) => {
      deleteCookie(c, COOKIE, { path: '/desk' });
      return c.redirect('/desk/masuk?keluar=1', 303);
    })
    .get('/desk/antrian', async (c) => {
      const token = getCookie(c, COOKIE);
      if (!token) return toSignIn(c);
      const language = languageOf(c);
      // Another day's queue (?tanggal=YYYY-MM-DD, within the booking horizon): tomorrow's interviews, say.
      const day = c.req.query('tanggal');
      const query = day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? `?date=${day}` : '';
      const answer = await callApi<{ officeCode: string; date: string; items: QueueItem[] }>(c, 'GET', `/officer/queue${query}`, { token });
      if (answer.status === 401 || answer.status === 403) return toSignIn(c, 'expired');
      if (answer.status === 400 && query) return c.redirect('/desk/antrian', 303); // a day outside the horizon: today's
      if (answer.status !== 200) return c.html(<DeskPage c={c} title={w(language, 'desk.problem')}><p class="alert" role="alert">{w(language, 'desk.unavailable')}</p></DeskPage>, 503);
      const { officeCode, date, items } = answer.body;
      const title = w(language, 'queue.title', { office: officeCode, date: calendarDate(date, language) });
      const interviews = (session: string) => items.filter((i) => i.stage === 'AWAITING_INTERVIEW' && i.appointment?.session === session);
      return c.html(
        <DeskPage c={c} title={title} signedIn={{ office: officeCode }}>
          <h1>{title}</h1>
          <ScanForm language={language} />
          {(['MORNING', 'AFTERNOON'] as const).map((session) => (
            <section aria-labelledby={`q-${session}`}>
              <h2 id={`q-${session}`}>{w(language, `queue.${session}`)}</h2>
              <QueueList language={language} items={interviews(session)} />
            </section>
          ))}
          {(['AWAITING_PRINTING', 'READY_FOR_PICKUP'] as const).map((stage) => (
            <section aria-labelledby={`q-${stage}`}>
              <h2 id={`q-${stage}`}>{w(language, `queue.${stage}`)}</h2>
              <QueueList language={language} items={items.filter((i) => i.stage === stage)} />
            </section>
          ))}
        </DeskPage>,
      );
    })
    // The scan form's GET: to the application's own address.
    .get('/desk/cari', (c) => {
      const code = normalized(c.req.query('code') ?? '');
      return c.redirect(code ? `/desk/permohonan/${encodeURIComponent(code)}` : '/desk/antrian', 303);
    })
    .get('/desk/permohonan/:code', async (c) => {
      const token = getCookie(c, COOKIE);
      if (!token) return toSignIn(c);
      const code = normalized(c.req.param('code'));
      const found = await lookUp(c, token, code);
      if (found.page) return found.page;
      const done = stepNamed(c.req.query('selesai'));
      return c.html(
        <ApplicationView
          c={c}
          office={officeOf(token)}
          application={found.application}
          {...await aroundOf(c, found.application)}
          done={done && STEPS[done].done}
        />,
      );
    })
    .post('/desk/permohonan/:code/:step', async (c) => {
      const token = getCookie(c, COOKIE);
      if (!token) return toSignIn(c);
      const language = languageOf(c);
      const step = stepNamed(c.req.param('step'));
      if (!step) {
        return c.html(
          <DeskPage c={c} title={w(language, 'desk.problem')} signedIn={{ office: officeOf(token) }}>
            <h1>{w(language, 'desk.problem')}</h1>
            <p class="alert" role="alert">
              {w(language, 'app.unknownStep')}
            </p>
            <p>
              <a href={`/desk/permohonan/${encodeURIComponent(normalized(c.req.param('code')))}`}>{w(language, 'app.back')}</a>
            </p>
          </DeskPage>,
          404,
        );
      }
      const code = normalized(c.req.param('code'));
      const found = await lookUp(c, token, code);
      if (found.page) return found.page;
      const application = found.application;
      const form = await c.req.parseBody();
      const values = Object.fromEntries(Object.entries(form).map(([name, value]) => [name, typeof value === 'string' ? value.trim() : '']));
      const body =
        step === 'wawancara'
          ? { outcome: values.outcome || undefined, ...(values.reason && { reason: values.reason }) }
          : step === 'bap'
            ? { reportNumber: values.reportNumber, cause: values.cause || undefined }
            : step === 'prioritas'
              ? { confirmed: values.confirmed === 'true' ? true : values.confirmed === 'false' ? false : undefined }
            : step === 'cetak'
              ? { passportNumber: (values.passportNumber ?? '').toUpperCase() }
              : undefined;
      const answer = await callApi<Problem>(c, 'POST', `/officer/applications/${application.applicationId}/${STEPS[step].route}`, {
        token,
        body,
        headers: { 'idempotency-key': values.key ?? '' },
      });
      if (answer.status === 200) return c.redirect(`/desk/permohonan/${application.trackingCode}?selesai=${step}`, 303);
      if (answer.status === 401) return toSignIn(c, 'expired');
      if (answer.status === 403 || answer.status === 404) return c.html(<NotYours c={c} office={officeOf(token)} code={code} malformed={false} />, 404);
      // Shown again with the application as it is now, and what the officer typed.
      const again = async (status: 202 | 400 | 409 | 422 | 503, extra: { fields?: FieldErrors; messages?: string[] }) => {
        const now = await lookUp(c, token, code);
        if (now.page) return now.page;
        return c.html(
          <ApplicationView c={c} office={officeOf(token)} application={now.application} {...await aroundOf(c, now.application)} step={step} values={values} {...extra} />,
          status,
        );
      };
      if (answer.status === 202) return again(202, { messages: [w(language, 'app.running')] });
      if (answer.status === 400) {
        const { fields, other } = fieldErrors(language, answer.body);
        return again(400, { fields, messages: other });
      }
      if (answer.status === 409) {
        const now = (await lookUp(c, token, code)).application ?? application;
        const { timeZone } = await aroundOf(c, now);
        const message = conflictOf(language, step, now, values, timeZone && localDate(new Date(), timeZone));
        return again(409, { messages: [message] });
      }
      if (answer.status === 422) return again(422, { messages: [w(language, 'app.keyReused')] });
      return again(503, { messages: [w(language, 'desk.unavailable')] });
    });
};
