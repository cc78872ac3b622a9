// The office's numbers as Prometheus metrics (issue 16), read from PostgreSQL at scrape time like the other
// gauges of api/metrics.ts: totals since the start that only grow (counters a dashboard charts with increase()),
// open applications per stage, and the interview-to-printing histogram. One read serves every metric of a scrape
// and is kept OFFICE_TOTALS_CACHE_MS, so a storm of scrapes reads PostgreSQL at most once in that time per API instance.
// Labels: office codes and fixed lists (stages, at-risk kinds, the histogram's bounds) only.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Counter, Gauge, type Metric, type Registry } from 'prom-client';
import { INTERVIEW_TO_PRINT_BUCKETS, officeTotals, type OfficeTotals } from '../db/queries/office-metrics.js';
import type { DB } from '../db/schema.js';
import { AT_RISK_KINDS, type Stage } from '../workflows/definitions.js';

export const OFFICE_TOTALS_CACHE_MS = 15_000;

const HISTOGRAM = 'passport_interview_to_print_working_hours';

export function registerOfficeMetrics(registry: Registry, db: Kysely<DB>, log?: Logger, cacheMs = OFFICE_TOTALS_CACHE_MS): void {
  let cached: { at: number; totals: Promise<OfficeTotals[] | undefined> } | undefined;
  const totals = () => {
    if (!cached || Date.now() - cached.at >= cacheMs) {
      const read = officeTotals(db).catch((error: unknown) => {
        log?.warn({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "metrics: the offices' numbers could not be read");
        cached = undefined; // the next scrape tries again
        return undefined;
      });
      cached = { at: Date.now(), totals: read };
    }
    return cached.totals;
  };

  /** A counter per office (and per `label` value) set from the totals at each scrape. */
  const total = (name: string, help: string, values: (t: OfficeTotals) => Array<[Record<string, string>, number]>, labelNames: string[] = []) =>
    new Counter({
      name,
      help,
      labelNames: ['office', ...labelNames],
      registers: [registry],
      async collect() {
        const offices = await totals();
        if (!offices) return;
        this.reset();
        for (const t of offices) for (const [labels, n] of values(t)) this.inc({ office: t.officeCode, ...labels }, n);
      },
    });
  const perOffice = (pick: (t: OfficeTotals) => number) => (t: OfficeTotals): Array<[Record<string, string>, number]> => [[{}, pick(t)]];

  new Gauge({
    name: 'passport_applications',
    help: 'Open applications per office and stage (terminal stages are not counted)',
    labelNames: ['office', 'stage'],
    registers: [registry],
    async collect() {
      const offices = await totals();
      if (!offices) return;
      this.reset();
      for (const t of offices) for (const [stage, n] of Object.entries(t.open) as Array<[Stage, number]>) this.set({ office: t.officeCode, stage }, n);
    },
  });
  total('passport_sla_met_total', 'Applications printed by their SLA deadline (counted once printed)', perOffice((t) => t.slaMet));
  total('passport_sla_breached_total', 'Applications whose SLA deadline passed before printing (compensated)', perOffice((t) => t.slaBreached));
  total('passport_compensations_total', 'Compensations recorded for a missed SLA', perOffice((t) => t.compensations));
  total('passport_no_shows_total', 'NO_SHOW notices recorded: an applicant missed the appointment', perOffice((t) => t.noShows));
  total('passport_refunds_total', "Refunds opened for the office's payments", perOffice((t) => t.refunds));
  total('passport_refunds_rupiah_total', "Rupiah of the refunds opened for the office's payments", perOffice((t) => t.refundAmount));
  total('passport_at_risk_warnings_total', 'At-risk warnings raised: PRINTING (not printed by the early-warning point), DELIVERY (Pos unconfirmed near its window)', (t) => AT_RISK_KINDS.map((kind) => [{ kind }, t.atRisk[kind]]), ['kind']);

  // A histogram computed in PostgreSQL (buckets per office), so it is written out as Prometheus's text format wants it.
  const histogram = {
    name: HISTOGRAM,
    help: 'Working hours (weekends and holidays do not count) from interview approval to printing, per office',
    type: 'histogram',
    aggregator: 'sum',
    /** Nothing kept here to reset: every scrape reads the buckets again. */
    reset() {},
    async get() {
      const offices = (await totals()) ?? [];
      const values = offices.flatMap((t) => [
        ...INTERVIEW_TO_PRINT_BUCKETS.map((le, i) => ({ metricName: `${HISTOGRAM}_bucket`, labels: { office: t.officeCode, le }, value: t.interviewToPrint.buckets[i] ?? 0 })),
        { metricName: `${HISTOGRAM}_bucket`, labels: { office: t.officeCode, le: '+Inf' }, value: t.interviewToPrint.count },
        { metricName: `${HISTOGRAM}_sum`, labels: { office: t.officeCode }, value: t.interviewToPrint.sum },
        { metricName: `${HISTOGRAM}_count`, labels: { office: t.officeCode }, value: t.interviewToPrint.count },
      ]);
      return { name: HISTOGRAM, help: histogram.help, type: 'histogram', aggregator: 'sum', values };
    },
  };
  registry.registerMetric(histogram as unknown as Metric);
}
