// The Hono app: composes the routers, serves the OpenAPI document and its docs page, turns every error into a problem.
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { mountDocs } from './docs.js';
import { allowedMethods } from './methods.js';
import { readiness } from './health.js';
import { createApiMetrics } from './metrics.js';
import { problem, problemFromError } from './problems.js';
import { newRouter, type ApiDeps } from './router.js';
import { accountRoutes } from './routes/accounts.js';
import { applicantRoutes } from './routes/applicants.js';
import { callbackRoutes, SETTLEMENT_UPLOAD_PATH } from './routes/callbacks.js';
import { financeRoutes } from './routes/finance.js';
import { managerRoutes } from './routes/managers.js';
import { officeDayRoutes } from './routes/office-days.js';
import { officeMetricsRoutes } from './routes/office-metrics.js';
import { noticeFailureRoutes } from './routes/notice-failures.js';
import { noticeSettingsRoutes } from './routes/notice-settings.js';
import { officerRoutes } from './routes/officers.js';
import { pageRoutes, withPageHeaders } from './pages/index.js';
import { deskTooLargePage } from './pages/desk.js';
import { tooLargePage } from './pages/portal.js';
import { publicRoutes } from './routes/public.js';
import { waitlistRoutes } from './routes/waitlist.js';
import { SIGNATURE_HEADER } from './signatures.js';
import { StepStillRunning, stepRunningBody } from './steps.js';

export function createApp(deps: ApiDeps & { log?: Logger }) {
  const app = newRouter();
  const metrics = createApiMetrics(deps.db, deps.log);
  app.use('*', metrics.middleware(deps.log));
  // Before any route, authentication or signature check: a larger body is refused once the limit is
  // passed (at once when Content-Length says so), never read in full. A bank's settlement report has its own.
  const limitTo = (maxSize: number, name: string) =>
    bodyLimit({
      maxSize,
      onError: (c) => {
        c.header('connection', 'close'); // stop the client sending the rest
        // A person's form in the portal or the desk gets a page in their language, not the API's problem+json.
        if (c.req.path === '/portal' || c.req.path.startsWith('/portal/')) return withPageHeaders(c, () => tooLargePage(c));
        if (c.req.path === '/desk' || c.req.path.startsWith('/desk/')) return withPageHeaders(c, () => deskTooLargePage(c));
        return problem(c, 'too-large', `the body may be at most ${maxSize} bytes (${name})`);
      },
    });
  const bodyLimits = { default: limitTo(deps.config.MAX_BODY_BYTES, 'MAX_BODY_BYTES'), settlement: limitTo(deps.config.SETTLEMENT_MAX_BYTES, 'SETTLEMENT_MAX_BYTES') };
  app.use('*', (c, next) => (c.req.path === SETTLEMENT_UPLOAD_PATH ? bodyLimits.settlement : bodyLimits.default)(c, next));
  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Applicants: from /auth/login (15 minutes). Officers, finance officers and managers: scoped to an office (`npm run token`).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'callbackSignature', {
    type: 'apiKey',
    in: 'header',
    name: SIGNATURE_HEADER,
    description: 'sha256=<hex HMAC-SHA256 of "<X-Timestamp>.<raw body>">, with X-Timestamp in Unix seconds (`npm run sign-callback`)',
  });
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/health/ready', async (c) => {
    const { ready, down, checks } = await readiness(deps, deps.log);
    if (ready) return c.json({ status: 'ready', checks }, 200);
    return problem(c, 'unavailable', `${down.join(' and ')} ${down.length > 1 ? 'do' : 'does'} not answer`, undefined, { checks });
  });
  app.route('/', publicRoutes(deps));
  app.route('/', accountRoutes(deps));
  app.route('/', applicantRoutes(deps));
  app.route('/', noticeSettingsRoutes(deps));
  app.route('/', officerRoutes(deps));
  app.route('/', managerRoutes(deps));
  app.route('/', officeDayRoutes(deps));
  app.route('/', officeMetricsRoutes(deps));
  app.route('/', noticeFailureRoutes(deps));
  app.route('/', financeRoutes(deps));
  app.route('/', callbackRoutes(deps));
  app.route('/', waitlistRoutes(deps));
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Passport application service',
      version: '0.1.0',
      description: 'Apply for an Indonesian passport online, pay at a bank, book an interview, track it, and collect it or have it delivered by Pos. Errors are application/problem+json (RFC 9457).',
    },
    tags: [
      { name: 'public', description: 'No credentials' },
      { name: 'accounts', description: 'Applicant registration and login' },
      { name: 'applicants', description: 'An applicant token; only your own applications' },
      { name: 'officers', description: 'An officer token; only your office' },
      { name: 'managers', description: 'A manager token; your office, or every office for the directorate' },
      { name: 'finance', description: "A finance officer's token; only your office's refunds" },
      { name: 'callbacks', description: 'The bank and Pos Indonesia, HMAC-signed' },
    ],
  });
  mountDocs(app);
  // Pages call the API in-process through this same app, so they see what any client sees.
  const secureCookies = ['production', 'staging'].includes(deps.config.NODE_ENV);
  app.route('/', pageRoutes((request, env) => app.fetch(request, env), { secureCookies }));
  const methodsAt = allowedMethods(() => app.routes);
  app.notFound((c) => {
    const allow = methodsAt(c.req.path);
    if (allow.length === 0) return problem(c, 'not-found', `no route ${c.req.method} ${c.req.path}`);
    c.header('Allow', allow.join(', '));
    return problem(c, 'method-not-allowed', `${c.req.path} answers ${allow.join(', ')}`);
  });
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 400) return problem(c, 'validation', 'the body is not valid JSON', [{ field: '(body)', reason: 'malformed JSON' }]);
    if (error instanceof HTTPException && error.status === 415) return problem(c, 'unsupported-media-type', 'send the body with content-type: application/json');
    if (error instanceof StepStillRunning) {
      c.header('location', error.location);
      return c.json(stepRunningBody(error), 202);
    }
    return problemFromError(c, error);
  });
  return app;
}
