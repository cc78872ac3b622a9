// The applicant portal at /portal: register, sign in, my applications, a new application. Every change goes
// through the API's own routes in-process (call-api.ts) with the applicant's token from the session cookie;
// forms work without JavaScript and answer POST-redirect-GET.
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { Child } from 'hono/jsx';
import { APPLICATION_TYPES, DELIVERY_METHODS, NOTICE_CHANNELS, SERVICE_LEVELS, TERMINAL_STAGES, type Stage } from '../../workflows/definitions.js';
import { callApi, type ApiAnswer, type PagesEnv } from './call-api.js';
import { chosenLanguage, languageOf, productName, stageName, type Language } from './i18n.js';
import { Layout } from './layout.js';
import { ChoiceField, ErrorSummary, fieldProblems, GroupError, inputId, SelectField, TextField, type FieldProblem } from './portal-forms.js';
import { applicationPages } from './portal-application.js';
import { pt, type PortalKey } from './portal-words.js';
import { endSession, safeNext, sessionToken, signInFor, startSession } from './session.js';

export type PortalEnv = PagesEnv;

type Form = Record<string, string | string[]>;

/** A form's fields, every value a string (or a list, for a name given more than once: checkboxes). */
export async function formOf(c: Context): Promise<Form> {
  const body = await c.req.parseBody({ all: true });
  const form: Form = {};
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) form[name] = value.filter((v): v is string => typeof v === 'string');
    else if (typeof value === 'string') form[name] = value;
  }
  return form;
}
export const one = (form: Form, name: string): string => {
  const value = form[name];
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
};
const many = (form: Form, name: string): string[] => {
  const value = form[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};

/** The workflow's refusals a person can act on, by what it says (its problems share the type out-of-order). */
const OUT_OF_ORDER: [RegExp, PortalKey][] = [
  [/only until the day before/, 'refused.dayBefore'],
  [/one allowed change of session is already used/, 'refused.once'],
  [/already closed|is closed; nothing about it can change/, 'refused.closed'],
  [/already booked/, 'refused.booked'],
  [/being cancelled/, 'refused.cancelling'],
  [/in progress/, 'refused.busy'],
  [/delivered by Pos at no cost/, 'refused.freeDelivery'],
];

/**
 * A problem that is not about one field, in plain words: by the problem's `type` first, then the workflow's
 * known reasons; any other refusal names the stage (`stage`, when the page knows it). Never "try again" for
 * a refusal that another try cannot change.
 */
export function plainProblem(language: Language, answer: ApiAnswer, stage?: Stage): string {
  if (answer.status === 429) return pt(language, 'errors.tooMany');
  if (answer.status >= 500) return pt(language, 'errors.unavailable');
  const type = typeof answer.body?.type === 'string' ? answer.body.type.replace(/^\/problems\//, '') : '';
  const detail = typeof answer.body?.detail === 'string' ? answer.body.detail : '';
  if (type === 'slot-full') return pt(language, 'refused.slotFull');
  if (type === 'active-application') return pt(language, 'refused.activeApplication');
  if (type === 'account-limit') return pt(language, 'refused.accountLimit', { n: /at most (\d+) people/.exec(detail)?.[1] ?? '5' });
  if (type === 'idempotency-key-reused') return pt(language, 'refused.formReused');
  if (type === 'registry-mismatch') return pt(language, 'refused.registry');
  const known = type === 'out-of-order' ? OUT_OF_ORDER.find(([pattern]) => pattern.test(detail)) : undefined;
  if (known) return pt(language, known[1]);
  return stage ? pt(language, 'refused.stage', { stage: stageName(language, stage) }) : pt(language, 'refused.now');
}

export function PortalLayout(props: { c: Context; title: string; signedIn?: boolean; path?: string; children?: Child }) {
  const language = languageOf(props.c);
  return (
    <Layout language={language} title={props.title} path={props.path ?? props.c.req.path}>
      {props.signedIn && (
        <nav class="portal-nav" aria-label={pt(language, 'title.applications')}>
          <a href="/portal/applications">{pt(language, 'title.applications')}</a>
          <form method="post" action="/portal/sign-out" class="inline">
            <button type="submit" class="link">
              {pt(language, 'signOut')}
            </button>
          </form>
        </nav>
      )}
      {props.children}
    </Layout>
  );
}

/**
 * A page for an API answer the portal cannot show (not 200, 401 or 404): a staff token (403) is told this is
 * the applicants' portal, with the way out to sign in as an applicant; anything else, in plain words.
 */
export function failurePage(c: Context<PortalEnv>, answer: ApiAnswer) {
  const language = languageOf(c);
  const staff = answer.status === 403;
  return c.html(
    <PortalLayout c={c} title={pt(language, staff ? 'errors.staffTitle' : 'errors.title')}>
      <h1>{pt(language, staff ? 'errors.staffTitle' : 'errors.title')}</h1>
      {staff ? (
        <>
          <p>{pt(language, 'errors.staff')}</p>
          <form method="post" action="/portal/sign-out">
            <button type="submit">{pt(language, 'errors.staffSignOut')}</button>
          </form>
        </>
      ) : (
        <>
          <p>{plainProblem(language, answer)}</p>
          <p>
            <a href={c.req.url}>{pt(language, 'errors.reload')}</a>
          </p>
        </>
      )}
    </PortalLayout>,
    staff ? 403 : 503,
  );
}

/**
 * A portal form larger than MAX_BODY_BYTES, refused by the app's body limit before any page middleware ran
 * (api/app.ts): a page in the person's language (the `lang` choice), not the API's problem+json.
 */
export function tooLargePage(c: Context) {
  const language = chosenLanguage(c);
  return c.html(
    <PortalLayout c={c} title={pt(language, 'errors.title')} path="/portal/applications">
      <h1>{pt(language, 'errors.title')}</h1>
      <p>{pt(language, 'errors.tooLarge')}</p>
      <p>
        <a href="/portal/applications">{pt(language, 'title.applications')}</a>
      </p>
    </PortalLayout>,
    413,
  );
}

function CredentialsForm(props: { language: Language; action: string; next?: string; email?: string; problems: FieldProblem[]; submit: PortalKey; newPassword?: boolean }) {
  const { language, problems } = props;
  return (
    <form method="post" action={props.action} novalidate>
      {props.next && <input type="hidden" name="next" value={props.next} />}
      <TextField language={language} field="email" type="email" autocomplete="email" value={props.email} problems={problems} required />
      <TextField
        language={language}
        field="password"
        type="password"
        autocomplete={props.newPassword ? 'new-password' : 'current-password'}
        hint={props.newPassword ? pt(language, 'field.passwordHint') : undefined}
        problems={problems}
        required
      />
      <button type="submit">{pt(language, props.submit)}</button>
    </form>
  );
}

const signInPage = (c: Context, options: { status?: 200 | 400 | 401 | 429 | 503; email?: string; problems?: FieldProblem[]; message?: string } = {}) => {
  const language = languageOf(c);
  const next = safeNext(c.req.query('next'), '');
  const problems = options.problems ?? [];
  return c.html(
    <PortalLayout c={c} title={pt(language, 'title.signIn')}>
      <h1>{pt(language, 'title.signIn')}</h1>
      <ErrorSummary language={language} problems={problems} message={options.message} />
      {c.req.query('expired') === '1' && <p class="notice">{pt(language, 'signIn.expired')}</p>}
      {c.req.query('registered') === '1' && (
        <p class="success" role="status">
          {pt(language, 'signIn.registered')}
        </p>
      )}
      <p>{pt(language, 'signIn.intro')}</p>
      <CredentialsForm language={language} action={`/portal/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`} email={options.email} problems={problems} submit="signIn.submit" />
      <p>
        {pt(language, 'signIn.noAccount')} <a href="/portal/register">{pt(language, 'title.register')}</a>
      </p>
    </PortalLayout>,
    options.status ?? 200,
  );
};

const registerPage = (c: Context, options: { status?: 200 | 400 | 429 | 503; email?: string; problems?: FieldProblem[]; message?: string } = {}) => {
  const language = languageOf(c);
  const problems = options.problems ?? [];
  return c.html(
    <PortalLayout c={c} title={pt(language, 'title.register')}>
      <h1>{pt(language, 'title.register')}</h1>
      <ErrorSummary language={language} problems={problems} message={options.message} />
      <p>{pt(language, 'register.intro')}</p>
      <CredentialsForm language={language} action="/portal/register" email={options.email} problems={problems} submit="register.submit" newPassword />
      <p>
        {pt(language, 'register.haveAccount')} <a href="/portal/sign-in">{pt(language, 'title.signIn')}</a>
      </p>
    </PortalLayout>,
    options.status ?? 200,
  );
};

const FIELD_HINTS: Partial<Record<string, PortalKey>> = {
  password: 'field.passwordHint',
  nik: 'f.nikHint',
  birthDate: 'f.dateHint',
  phone: 'f.phoneHint',
  address: 'f.addressHint',
  oldPassportNumber: 'f.oldPassportNumberHint',
  'incidentReport.date': 'f.dateHint',
};

/** Signs in through POST /auth/login; answers the redirect, or undefined with the problem for the form. */
async function logIn(c: Context<PagesEnv>, email: string, password: string, production: boolean) {
  const session = await callApi(c, 'POST', '/auth/login', { body: { email, password } });
  if (session.status === 200) startSession(c, session.body.token, production);
  return session;
}

// The new application form -------------------------------------------------------------------------

interface Catalogue {
  offices: { code: string; name: string; city: string }[];
  products: { code: string; description: string; amount: number }[];
}

async function catalogue(c: Context<PortalEnv>): Promise<Catalogue> {
  const [offices, fees] = await Promise.all([callApi(c, 'GET', '/offices'), callApi(c, 'GET', '/fees')]);
  return {
    offices: offices.status === 200 ? offices.body : [],
    products: fees.status === 200 ? (fees.body as { code: string; kind: string; description: string; amount: number }[]).filter((f) => f.kind === 'PRODUCT') : [],
  };
}

const rupiah = (amount: number) => `Rp${amount.toLocaleString('id-ID')}`;

/** The submission the API takes, from the form: blank optional fields left out, the incident only when given. */
function submissionOf(form: Form): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of ['applicationType', 'product', 'officeCode', 'nik', 'fullName', 'sex', 'birthDate', 'email', 'phone', 'deliveryMethod', 'address', 'oldPassportNumber', 'language', 'service', 'priority']) {
    const value = one(form, name);
    if (value !== '') body[name] = name === 'oldPassportNumber' ? value.toUpperCase() : value;
  }
  const channels = many(form, 'noticeChannels');
  body.noticeChannels = channels; // none ticked: the API says at least one is needed
  const incident: Record<string, string> = {};
  for (const part of ['date', 'place', 'description', 'policeReportNumber']) {
    const value = one(form, `incidentReport.${part}`);
    if (value !== '') incident[part] = value;
  }
  if (Object.keys(incident).length > 0) body.incidentReport = incident;
  return body;
}

function NewApplicationForm(props: { language: Language; catalogue: Catalogue; form: Form; problems: FieldProblem[] }) {
  const { language, catalogue: cat, form, problems } = props;
  const v = (name: string) => one(form, name);
  const channels = form.noticeChannels === undefined && !('applicationType' in form) ? ['EMAIL', 'WHATSAPP'] : many(form, 'noticeChannels');
  const common = { language, problems };
  const incidentMissing = problems.some((p) => p.field === 'incidentReport');
  return (
    <form method="post" action="/portal/applications" novalidate>
      <SelectField {...common} field="applicationType" required value={v('applicationType') || 'NEW'} options={APPLICATION_TYPES.map((type) => ({ value: type, label: pt(language, `f.applicationType.${type}`) }))} />
      <SelectField {...common} field="product" required value={v('product')} empty={pt(language, 'choose')} options={cat.products.map((p) => ({ value: p.code, label: `${productName(language, p.code, p.description)} (${rupiah(p.amount)})` }))} />
      <SelectField {...common} field="officeCode" required value={v('officeCode')} empty={pt(language, 'choose')} options={cat.offices.map((o) => ({ value: o.code, label: `${o.name}, ${o.city}` }))} />
      <TextField {...common} field="nik" required inputmode="numeric" autocomplete="off" value={v('nik')} hint={pt(language, 'f.nikHint')} />
      <TextField {...common} field="fullName" required autocomplete="name" value={v('fullName')} />
      <ChoiceField {...common} field="sex" required values={[v('sex')]} options={(['F', 'M'] as const).map((s) => ({ value: s, label: pt(language, `f.sex.${s}`) }))} />
      <TextField {...common} field="birthDate" required type="date" autocomplete="bday" value={v('birthDate')} hint={pt(language, 'f.dateHint')} />
      <TextField {...common} field="email" required type="email" autocomplete="email" value={v('email')} />
      <TextField {...common} field="phone" required type="tel" autocomplete="tel" value={v('phone')} hint={pt(language, 'f.phoneHint')} />
      <ChoiceField {...common} field="deliveryMethod" required values={[v('deliveryMethod') || 'PICKUP']} options={DELIVERY_METHODS.map((m) => ({ value: m, label: pt(language, `f.deliveryMethod.${m}`) }))} />
      <TextField {...common} field="address" required multiline autocomplete="street-address" value={v('address')} hint={pt(language, 'f.addressHint')} />
      <TextField {...common} field="oldPassportNumber" value={v('oldPassportNumber')} hint={pt(language, 'f.oldPassportNumberHint')} />
      <fieldset class={incidentMissing ? 'group has-error' : 'group'} aria-describedby={incidentMissing ? `${inputId('incidentReport')}-error` : undefined}>
        <legend>{pt(language, 'f.incident')}</legend>
        <GroupError field="incidentReport" problems={problems} />
        <TextField {...common} field="incidentReport.date" requiredWhen="f.requiredLostOrDamaged" type="date" value={v('incidentReport.date')} hint={pt(language, 'f.dateHint')} />
        <TextField {...common} field="incidentReport.place" requiredWhen="f.requiredLostOrDamaged" value={v('incidentReport.place')} />
        <TextField {...common} field="incidentReport.description" requiredWhen="f.requiredLostOrDamaged" multiline value={v('incidentReport.description')} />
        <TextField {...common} field="incidentReport.policeReportNumber" requiredWhen="f.requiredLost" value={v('incidentReport.policeReportNumber')} />
      </fieldset>
      <ChoiceField {...common} field="service" values={[v('service') || 'REGULAR']} options={SERVICE_LEVELS.map((s) => ({ value: s, label: pt(language, `f.service.${s}`) }))} />
      <SelectField
        {...common}
        field="priority"
        value={v('priority')}
        hint={pt(language, 'f.priorityHint')}
        empty={pt(language, 'none')}
        options={(['DISABILITY', 'PREGNANCY'] as const).map((p) => ({ value: p, label: pt(language, `f.priority.${p}`) }))}
      />
      <SelectField {...common} field="language" value={v('language') || language} options={[{ value: 'id', label: 'Bahasa Indonesia' }, { value: 'en', label: 'English' }]} />
      <ChoiceField {...common} field="noticeChannels" required multiple values={channels} options={NOTICE_CHANNELS.map((ch) => ({ value: ch, label: pt(language, `f.noticeChannels.${ch}`) }))} />
      <button type="submit">{pt(language, 'new.submit')}</button>
    </form>
  );
}

async function newApplicationPage(c: Context<PortalEnv>, form: Form = {}, problems: FieldProblem[] = [], message?: string, status: 200 | 400 | 409 | 422 | 503 = 200) {
  const language = languageOf(c);
  return c.html(
    <PortalLayout c={c} title={pt(language, 'title.new')} signedIn>
      <h1>{pt(language, 'title.new')}</h1>
      <ErrorSummary language={language} problems={problems} message={message} />
      <p>{pt(language, 'new.intro')}</p>
      <NewApplicationForm language={language} catalogue={await catalogue(c)} form={form} problems={problems} />
    </PortalLayout>,
    status,
  );
}

interface Summary {
  applicationId: string;
  trackingCode: string;
  fullName: string;
  stage: Stage;
}

/**
 * The account's application in progress for this NIK, if any. POST /applications takes no Idempotency-Key, so
 * a form sent twice (a double tap) is refused the second time as active-application: the person is sent to
 * the application the first one made (or made earlier), not shown a refusal.
 */
async function applicationInProgressFor(c: Context<PortalEnv>, nik: string): Promise<string | undefined> {
  const list = await callApi<Summary[]>(c, 'GET', '/applications', { token: c.var.token });
  if (list.status !== 200) return undefined;
  for (const summary of list.body.filter((a) => !TERMINAL_STAGES.includes(a.stage))) {
    const detail = await callApi<{ nik: string }>(c, 'GET', `/applications/${summary.applicationId}`, { token: c.var.token });
    if (detail.status === 200 && detail.body.nik === nik) return summary.applicationId;
  }
  return undefined;
}

// The routes -----------------------------------------------------------------------------------------

export function portalPages(options: { production: boolean }) {
  const { production } = options;
  const portal = new Hono<PortalEnv>();
  // A form posted from another site is refused (403): the Origin must be this site's own.
  const sameSite = csrf();
  portal.use('/portal/*', async (c, next) => {
    try {
      await sameSite(c, next);
    } catch (error) {
      // The app's error handler would answer 500 for an HTTPException it does not know: say what it is.
      if (!(error instanceof HTTPException) || error.status !== 403) throw error;
      const language = languageOf(c);
      c.res = await c.html(
        <PortalLayout c={c} title={pt(language, 'errors.title')}>
          <h1>{pt(language, 'errors.title')}</h1>
          <p>{pt(language, 'errors.crossSite')}</p>
          <p>
            <a href="/portal">{pt(language, 'title.applications')}</a>
          </p>
        </PortalLayout>,
        403,
      );
    }
  });
  /** Pages behind sign-in: the token from the cookie, else to sign in and back. */
  const signedIn: MiddlewareHandler<PortalEnv> = async (c, next) => {
    const token = sessionToken(c);
    if (!token) return c.redirect(signInFor(c), 303);
    c.set('token', token);
    await next();
    // The API said the token has expired (or is not one): sign in again, and come back.
    if (c.res.status === 401) {
      endSession(c, production);
      c.res = c.redirect(`${signInFor(c)}&expired=1`, 303);
    }
  };
  for (const path of ['/portal/applications', '/portal/applications/*']) portal.use(path, signedIn);

  portal
    .get('/portal', (c) => c.redirect(sessionToken(c) ? '/portal/applications' : '/portal/sign-in', 303))
    .get('/portal/sign-in', (c) => signInPage(c))
    .post('/portal/sign-in', async (c) => {
      const language = languageOf(c);
      const form = await formOf(c);
      const email = one(form, 'email');
      const session = await logIn(c, email, one(form, 'password'), production);
      if (session.status === 200) return c.redirect(safeNext(c.req.query('next') ?? one(form, 'next')), 303);
      if (session.status === 400) return signInPage(c, { status: 400, email, problems: fieldProblems(language, session.body?.errors, FIELD_HINTS) });
      if (session.status === 401) return signInPage(c, { status: 401, email, message: pt(language, 'signIn.wrong') });
      return signInPage(c, { status: session.status === 429 ? 429 : 503, email, message: plainProblem(language, session) });
    })
    .get('/portal/register', (c) => registerPage(c))
    .post('/portal/register', async (c) => {
      const language = languageOf(c);
      const form = await formOf(c);
      const email = one(form, 'email');
      const password = one(form, 'password');
      const registered = await callApi(c, 'POST', '/auth/register', { body: { email, password } });
      if (registered.status === 400) return registerPage(c, { status: 400, email, problems: fieldProblems(language, registered.body?.errors, FIELD_HINTS) });
      if (registered.status !== 202) return registerPage(c, { status: registered.status === 429 ? 429 : 503, email, message: plainProblem(language, registered) });
      // The API answers alike for a taken email, and so does the page: signing in here would tell a new account
      // (in) from a taken email with another password (refused). Everyone goes on to sign in.
      return c.redirect('/portal/sign-in?registered=1', 303);
    })
    .post('/portal/sign-out', (c) => {
      endSession(c, production);
      return c.redirect('/portal/sign-in', 303);
    })
    .get('/portal/applications', async (c) => {
      const language = languageOf(c);
      const list = await callApi<Summary[]>(c, 'GET', '/applications', { token: c.var.token });
      if (list.status === 401) return c.body(null, 401);
      if (list.status !== 200) return failurePage(c, list);
      return c.html(
        <PortalLayout c={c} title={pt(language, 'title.applications')} signedIn>
          <h1>{pt(language, 'title.applications')}</h1>
          <p>
            <a class="button" href="/portal/applications/new">
              {pt(language, 'list.new')}
            </a>
          </p>
          {list.body.length === 0 ? (
            <p>{pt(language, 'list.empty')}</p>
          ) : (
            <ul class="cards">
              {list.body.map((a) => (
                <li>
                  <a href={`/portal/applications/${a.applicationId}`}>
                    <strong>{a.fullName}</strong>
                  </a>
                  <span class="when">{`${pt(language, 'list.code')}: ${a.trackingCode}`}</span>
                  <span>{stageName(language, a.stage)}</span>
                </li>
              ))}
            </ul>
          )}
        </PortalLayout>,
      );
    })
    .get('/portal/applications/new', (c) => newApplicationPage(c))
    .post('/portal/applications', async (c) => {
      const language = languageOf(c);
      const form = await formOf(c);
      const answer = await callApi(c, 'POST', '/applications', { token: c.var.token, body: submissionOf(form) });
      if (answer.status === 201 || answer.status === 202) return c.redirect(`/portal/applications/${answer.body.applicationId}?submitted=1`, 303);
      if (answer.status === 401) return c.body(null, 401);
      if (answer.status === 409 && answer.body?.type === '/problems/active-application') {
        const existing = await applicationInProgressFor(c, one(form, 'nik'));
        if (existing) return c.redirect(`/portal/applications/${existing}?existing=1`, 303);
      }
      const problems = answer.status === 400 || answer.status === 422 ? fieldProblems(language, answer.body?.errors, FIELD_HINTS) : [];
      const message = problems.length > 0 ? undefined : plainProblem(language, answer);
      return newApplicationPage(c, form, problems, message, answer.status === 400 || answer.status === 409 || answer.status === 422 ? answer.status : 503);
    });
  return portal.route('/', applicationPages());
}
