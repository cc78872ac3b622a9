// Prometheus metrics and one structured log line per request: rate, latency by route, errors.
// Labels use the route pattern (/applications/:applicationId/booking), never the raw path, so
// cardinality stays bounded and no tracking code or id becomes a label.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { countBankTransactions } from '../db/queries/bank-transactions.js';
import { countUnappliedCallbacks } from '../db/queries/unapplied-callbacks.js';
import type { DB } from '../db/schema.js';
import { registerOfficeMetrics } from './office-metrics.js';
import { HttpProblem } from './problems.js';

/**
 * What a log line may say about an error: its name, message, code and stack, and the same of its causes.
 * Never its other fields: a PostgreSQL error's `detail` quotes the row's values (a NIK, a name).
 */
export function causeOf(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code } = error as { code?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...((typeof code === 'string' || typeof code === 'number') && { code }),
    stack: error.stack,
    ...(error.cause !== undefined && depth < 4 && { cause: causeOf(error.cause, depth + 1) }),
  };
}

export function createApiMetrics(db?: Kysely<DB>, log?: Logger) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  if (db) {
    // Read from the table at scrape time, so every API instance reports the same durable count.
    new Gauge({
      name: 'passport_unapplied_callbacks',
      help: 'Pos events, and bank payments of the callbacks before bank transactions had their own workflow, recorded as not applied to their application',
      labelNames: ['sender'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          const counts = await countUnappliedCallbacks(db);
          for (const [sender, n] of Object.entries(counts)) this.set({ sender }, n);
        } catch (error) {
          log?.warn({ err: causeOf(error) }, 'metrics: unapplied callbacks could not be counted');
        }
      },
    });
    // The ledger, read at scrape time: transactions per outcome, and those flagged for managers.
    const ledgerGauge = (name: string, help: string, label: 'outcome' | 'flag', pick: (counts: Awaited<ReturnType<typeof countBankTransactions>>) => Record<string, number>) =>
      new Gauge({
        name,
        help,
        labelNames: [label],
        registers: [registry],
        async collect() {
          this.reset();
          try {
            for (const [value, n] of Object.entries(pick(await countBankTransactions(db)))) this.set({ [label]: value }, n);
          } catch (error) {
            log?.warn({ err: causeOf(error) }, 'metrics: bank transactions could not be counted');
          }
        },
      });
    ledgerGauge('passport_bank_transactions', 'Bank transactions in the ledger, by outcome (PENDING: not decided yet)', 'outcome', (c) => c.outcomes);
    ledgerGauge(
      'passport_bank_transactions_flagged',
      "Bank transactions flagged for managers: CONFLICT (a sighting disagreed with the first), NEVER_SETTLED (no settlement report listed it in time), MISSING_FROM_SETTLEMENT (no settlement report of its bank lists it, as its payment day's reconciliation found)",
      'flag',
      (c) => c.flags,
    );
    registerOfficeMetrics(registry, db, log);
  }
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
      const path = c.req.path.replace(/^\/(track|lacak)\/.+/, '/$1/{trackingCode}');
      // A 5xx the API chose to answer (too busy to hash a password, a step still running) is a warning without a stack:
      // a flood of them must not fill the error log an operator watches for faults.
      if (c.res.status >= 500 && c.error instanceof HttpProblem) log?.warn({ ...fields, path, problem: c.error.kind, detail: c.error.message }, 'request refused');
      else if (c.res.status >= 500) log?.error({ ...fields, path, ...(c.error !== undefined && { err: causeOf(c.error) }) }, 'request failed');
      else log?.info(fields, 'request');
    };

  return { registry, middleware };
}
