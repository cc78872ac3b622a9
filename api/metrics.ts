// Prometheus metrics and one structured log line per request: rate, latency by route, errors.
// Labels use the route pattern (/applications/:applicationId/booking), never the raw path, so
// cardinality stays bounded and no tracking code or id becomes a label.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by route pattern and status', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({ name: 'http_request_errors_total', help: 'HTTP requests answered with a server error (5xx)', labelNames, registers: [registry] });

  const middleware =
    (log?: Logger): MiddlewareHandler =>
    async (c, next) => {
      const started = process.hrtime.bigint();
      await next();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const matched = routePath(c, -1);
      const route = matched === '/*' || matched === '*' ? 'unmatched' : matched;
      if (route === '/metrics') return;
      const labels = { method: c.req.method, route, status: String(c.res.status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
      if (c.res.status >= 500) errors.inc(labels);
      const applicationId = c.req.param('applicationId');
      const fields = { ...labels, ms: Math.round(seconds * 1000), ...(applicationId && { applicationId, workflowId: `passport-${applicationId}` }) };
      if (c.res.status >= 500) log?.error(fields, 'request failed');
      else log?.info(fields, 'request');
    };

  return { registry, middleware };
}
