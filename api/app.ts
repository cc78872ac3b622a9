// The Hono app: composes the routers, serves the OpenAPI document, turns every error into a problem.
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { createApiMetrics } from './metrics.js';
import { problem, problemFromError } from './problems.js';
import { newRouter, type ApiDeps } from './router.js';
import { applicantRoutes } from './routes/applicants.js';
import { callbackRoutes } from './routes/callbacks.js';
import { officerRoutes } from './routes/officers.js';
import { publicRoutes } from './routes/public.js';

export function createApp(deps: ApiDeps & { log?: Logger }) {
  const app = newRouter();
  const metrics = createApiMetrics();
  app.use('*', metrics.middleware(deps.log));
  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.route('/', publicRoutes(deps));
  app.route('/', applicantRoutes(deps));
  app.route('/', officerRoutes(deps));
  app.route('/', callbackRoutes(deps));
  app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'Passport application service', version: '0.1.0' } });
  app.notFound((c) => problem(c, 'not-found', `no route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 400) return problem(c, 'validation', 'the body is not valid JSON', [{ field: '(body)', reason: 'malformed JSON' }]);
    return problemFromError(c, error);
  });
  return app;
}
