// `npm run demo`: a day at several offices, driven through the running service's public API.
// Applicants submit and pay (some too late, some whose bank never calls back), book, some do not come,
// officers interview and print (some too late, so the SLA is breached and compensated), Pos delivers.
// At the end of the day each bank uploads its settlement report and the daily reconciliation runs. Then the
// numbers are read back from PostgreSQL, checked against what the day did and against the money the banks
// took, with the notices sent per kind and channel, printed, and written as an HTML report.
//
// Time runs for real, so start the service with short windows (the same variables for both):
//   PAYMENT_WINDOW_MINUTES=1 DEMO_DAY_SECONDS=20 npm start
//   PAYMENT_WINDOW_MINUTES=1 DEMO_DAY_SECONDS=20 npm run demo
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import cliProgress from 'cli-progress';
import { sql, type ExpressionBuilder } from 'kysely';
import { loadConfig } from '../config.js';
import { createDb } from '../db/connect.js';
import type { DB } from '../db/schema.js';
import type { AtRiskKind } from '../workflows/definitions.js';
import { bankBook, settlementDayOf, settlementReport, tamperings, TAMPERINGS, type BankPayment, type Tampering } from './demo-bank.js';
import { serviceClient, type ServiceClient } from './demo-client.js';
import { runReconciliationNow } from '../worker/schedule.js';
import { DEMO_NIK_PREFIX, demoDay, nextWorkingDay, type Applicant } from './demo-day.js';
import { dayMoney, waitUntilDecided, type DayMoney } from './demo-money.js';
import { noticesHtml, printNotices, settledNoticeCounts, type NoticeCount } from './demo-notices.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    applicants: { type: 'string', default: '30' },
    offices: { type: 'string', default: 'PLU,WSB,PLG,JPR' },
    seed: { type: 'string', default: '7' },
    out: { type: 'string', default: 'demo-report.html' },
    'drop-callbacks': { type: 'string', default: '2' },
    'tamper-settlement': { type: 'string', default: '' },
  },
});
const config = loadConfig();
const baseUrl = values.url ?? `http://127.0.0.1:${config.PORT}`;
const databaseUrl = config.DATABASE_URL ?? `postgres://postgres:passport@127.0.0.1:${config.EMBEDDED_PG_PORT}/passport`;
const temporalAddress = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
const offices = values.offices!.split(',');
const dropCount = Number(values['drop-callbacks']);
const tamper = values['tamper-settlement']!.split(',').filter(Boolean) as Tampering[];
if (!Number.isInteger(dropCount) || dropCount < 0) throw new Error('--drop-callbacks: must be a whole number of applicants, e.g. 2');
if (tamper.some((t) => !TAMPERINGS.includes(t))) throw new Error(`--tamper-settlement: must be one or more of ${TAMPERINGS.join(', ')}, comma-separated`);
const MAX_WAIT_MS = 4 * 60_000;
/** How long the ledger may take to decide every payment once the reconciliation has run. */
const DECIDE_WAIT_MS = 60_000;
/** How long the notices still being sent at the end of the day may take before they are counted as they are. */
const NOTICES_WAIT_MS = 30_000;

const { planDay, dropCallbacks, liveDay } = demoDay({ seed: Number(values.seed), offices, maxWaitMs: MAX_WAIT_MS, slaWorkingDays: config.SLA_WORKING_DAYS });

interface Report {
  byStage: Record<string, number>;
  byOffice: Array<{
    office: string;
    applications: number;
    completed: number;
    slaMet: number;
    slaBreached: number;
    compensations: number;
    posDeliveries: number;
    /** At-risk warnings the day raised (issue 16): not printed by the early-warning point, Pos unconfirmed near its window. */
    warnedPrinting: number;
    warnedDelivery: number;
    /** Of the PRINTING warnings, the applications printed by their SLA deadline all the same. */
    warnedPrintedInTime: number;
    /** Breaches with no warning before them (there should be none). */
    breachedUnwarned: number;
  }>;
  slaMet: number;
  slaBreached: number;
  compensations: number;
  posDelivered: number;
}

/** Whether the application has an at-risk warning of that kind. */
const warning = (eb: ExpressionBuilder<DB, 'applications'>, kind: AtRiskKind) =>
  eb.exists(eb.selectFrom('at_risk_warnings').select('application_id').whereRef('at_risk_warnings.application_id', '=', 'applications.id').where('at_risk_warnings.kind', '=', kind));

async function readBack(ids: string[]): Promise<Report> {
  const db = createDb(databaseUrl, { max: 2 });
  try {
    const rows = await db
      .selectFrom('applications')
      .select((eb) => [
        'office_code',
        'stage',
        'sla_breached',
        'interview_approved_at',
        eb.exists(eb.selectFrom('compensations').select('application_id').whereRef('compensations.application_id', '=', 'applications.id')).as('compensated'),
        eb.exists(eb.selectFrom('deliveries').select('application_id').whereRef('deliveries.application_id', '=', 'applications.id').where('deliveries.status', '=', 'DELIVERED')).as('delivered'),
        warning(eb, 'PRINTING').as('warned_printing'),
        warning(eb, 'DELIVERY').as('warned_delivery'),
        eb
          .and([
            eb('sla_breached', '=', false),
            eb.exists(eb.selectFrom('at_risk_warnings as w').select('w.application_id').whereRef('w.application_id', '=', 'applications.id').where('w.kind', '=', 'PRINTING').whereRef('applications.printed_at', '<=', 'w.deadline')),
          ])
          .as('warned_printed_in_time'),
      ])
      .where('id', 'in', ids)
      .execute();
    const byStage: Record<string, number> = {};
    for (const r of rows) byStage[r.stage] = (byStage[r.stage] ?? 0) + 1;
    const officeCodes = [...new Set(rows.map((r) => r.office_code))].sort();
    const byOffice = officeCodes.map((office) => {
      const mine = rows.filter((r) => r.office_code === office);
      return {
        office,
        applications: mine.length,
        completed: mine.filter((r) => r.stage === 'COMPLETED').length,
        slaMet: mine.filter((r) => r.interview_approved_at && !r.sla_breached).length,
        slaBreached: mine.filter((r) => r.sla_breached).length,
        compensations: mine.filter((r) => r.compensated).length,
        posDeliveries: mine.filter((r) => r.delivered).length,
        warnedPrinting: mine.filter((r) => r.warned_printing).length,
        warnedDelivery: mine.filter((r) => r.warned_delivery).length,
        warnedPrintedInTime: mine.filter((r) => r.warned_printed_in_time).length,
        breachedUnwarned: mine.filter((r) => r.sla_breached && !r.warned_printing).length,
      };
    });
    const sum = (k: keyof Report['byOffice'][number]) => byOffice.reduce((t, o) => t + Number(o[k]), 0);
    return { byStage, byOffice, slaMet: sum('slaMet'), slaBreached: sum('slaBreached'), compensations: sum('compensations'), posDelivered: sum('posDeliveries') };
  } finally {
    await db.destroy();
  }
}

/** What the day did, compared with what PostgreSQL says; every line is a disagreement. */
function crossCheck(day: Applicant[], report: Report, stages: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const a of day) {
    const stage = stages.get(a.applicationId!);
    if (stage !== a.expectedStage) problems.push(`application ${a.n} (${a.fate}) is ${stage}, expected ${a.expectedStage}`);
  }
  const lateOnes = day.filter((a) => a.fate === 'PRINTED_LATE').length;
  if (report.slaBreached !== lateOnes) problems.push(`${report.slaBreached} SLA breaches in the database, ${lateOnes} printed late`);
  if (report.compensations !== report.slaBreached) problems.push(`${report.compensations} compensations for ${report.slaBreached} breaches`);
  const unwarned = report.byOffice.reduce((t, o) => t + o.breachedUnwarned, 0);
  if (unwarned) problems.push(`${unwarned} SLA breaches with no at-risk warning before them`);
  const savedByWarning = day.filter((a) => a.fate === 'PRINTED_AFTER_WARNING').length;
  const warnedInTime = report.byOffice.reduce((t, o) => t + o.warnedPrintedInTime, 0);
  if (warnedInTime !== savedByWarning) problems.push(`${warnedInTime} warned applications printed in time in the database, ${savedByWarning} printed after their warning`);
  const approved = day.filter((a) => ['ON_TIME', 'PRINTED_LATE', 'NO_SHOW_THEN_COMES', 'PRINTED_AFTER_WARNING'].includes(a.fate)).length;
  if (report.slaMet + report.slaBreached !== approved) problems.push(`${report.slaMet + report.slaBreached} approved in the database, ${approved} interviewed and approved`);
  return problems;
}

interface Money {
  /** Per bank and settlement day: received, applied, refunds opened, and every difference. */
  days: DayMoney[];
  /** What the banks' reports got wrong on purpose (--tamper-settlement). */
  tampered: string[];
  failures: string[];
}

/**
 * The end of the day at the banks: each uploads its settlement report of the day (every payment it took, in this
 * run and earlier ones, those whose callback it dropped included); then the daily reconciliation runs now, the
 * ledger is given a while to decide every payment, and each bank's day is checked.
 */
async function endOfDay(api: ServiceClient, day: Applicant[]): Promise<Money> {
  const taken = day.flatMap((a) => (a.payment ? [a.payment] : []));
  const book = bankBook(config.dataDir);
  await book.record(taken);
  const changes = tamperings(tamper, day.flatMap((a) => (a.payment && a.fate !== 'CALLBACK_DROPPED' ? [a.payment] : [])));
  const dayOf = (p: BankPayment) => ({ bank: p.bank, date: settlementDayOf(p) });
  const reports = [...new Map(taken.map((p) => [JSON.stringify(dayOf(p)), dayOf(p)])).values()];
  const money: Money = { days: [], tampered: [], failures: [] };
  for (const { bank, date } of reports) {
    const report = settlementReport(await book.day(bank, date), changes);
    money.tampered.push(...report.tampered);
    const uploaded = await api.settlement(bank, date, report.csv);
    if (uploaded.status !== 201 && uploaded.status !== 200) money.failures.push(`${bank}'s settlement report of ${date}: HTTP ${uploaded.status} ${JSON.stringify(uploaded.body)}`);
  }
  try {
    const connection = await Connection.connect({ address: temporalAddress, connectTimeout: '10s' });
    try {
      await runReconciliationNow(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), MAX_WAIT_MS);
    } finally {
      await connection.close();
    }
  } catch (error) {
    money.failures.push(`the daily reconciliation at ${temporalAddress} (namespace ${config.TEMPORAL_NAMESPACE}): ${error instanceof Error ? error.message : String(error)}`);
  }
  const db = createDb(databaseUrl, { max: 2 });
  try {
    await waitUntilDecided(db, taken, DECIDE_WAIT_MS);
    for (const r of reports) money.days.push(await dayMoney(db, r));
  } finally {
    await db.destroy();
  }
  return money;
}

const rupiah = (n: number) => n.toLocaleString('en-US');
const droppedOnes = (day: Applicant[]) => day.filter((a) => a.fate === 'CALLBACK_DROPPED' && a.payment);

function moneyHtml(money: Money, day: Applicant[]): string {
  const rows = money.days
    .map((d) => `<tr><td>${d.bank}</td><td>${d.date}</td><td>${rupiah(d.received)}</td><td>${rupiah(d.applied)}</td><td>${rupiah(d.refunded)}</td><td>${d.balanced ? 'yes' : '<b>no</b>'}</td></tr>`)
    .join('');
  const dropped = droppedOnes(day).map((a) => `#${a.n} at ${a.payment!.bank}`);
  const differences = money.days.flatMap((d) => d.differences);
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<h2>Money</h2>
<p>Each bank uploaded its settlement report of the day, then the daily reconciliation ran. Callbacks dropped on purpose: ${dropped.length ? dropped.join(', ') : 'none'}.${money.tampered.length ? ` Reports tampered with on purpose: ${escape(money.tampered.join('; '))}.` : ''}</p>
<table><tr><th>bank</th><th>settlement day</th><th>received</th><th>applied</th><th>refund opened</th><th>balanced</th></tr>${rows}</table>
${differences.length ? `<ul>${differences.map((d) => `<li>${escape(d)}</li>`).join('')}</ul>` : '<p>Every rupiah received is an applied payment or a refund.</p>'}`;
}

function printMoney(money: Money, day: Applicant[]) {
  console.log('\nMoney, per bank and settlement day (rupiah, after the reconciliation):');
  console.log('  bank       day           received       applied refund opened  balanced');
  for (const d of money.days) {
    console.log(`  ${d.bank.padEnd(10)} ${d.date}  ${rupiah(d.received).padStart(12)} ${rupiah(d.applied).padStart(13)} ${rupiah(d.refunded).padStart(13)}  ${d.balanced ? 'yes' : 'NO'}`);
  }
  const dropped = droppedOnes(day);
  console.log(`Callbacks dropped on purpose: ${dropped.length}${dropped.length ? ` (${dropped.map((a) => `#${a.n} at ${a.payment!.bank}`).join(', ')}): expired unpaid in the service; the settlement report brings their money back as refunds` : ''}`);
  if (money.tampered.length) console.log(`Settlement reports tampered with on purpose (--tamper-settlement):\n  ${money.tampered.join('\n  ')}`);
}

function html(report: Report, day: Applicant[], seconds: number, money: Money, notices: NoticeCount[]): string {
  const stagesShown = ['COMPLETED', 'EXPIRED', 'CANCELLED', 'REJECTED'];
  const colours: Record<string, string> = { COMPLETED: '#2e7d32', EXPIRED: '#9e9e9e', CANCELLED: '#ef6c00', REJECTED: '#c62828', 'SLA met': '#1565c0', 'SLA breached': '#ad1457' };
  const barW = 46;
  const scale = 200 / Math.max(1, ...report.byOffice.map((o) => o.applications));
  const bars = report.byOffice
    .map((o, i) => {
      const x = 60 + i * 150;
      let y = 230;
      const segments = stagesShown.map((stage) => {
        const n = day.filter((a) => a.office === o.office && a.expectedStage === stage).length;
        const h = n * scale;
        y -= h;
        return n ? `<rect x="${x}" y="${y}" width="${barW}" height="${h}" fill="${colours[stage]}"><title>${o.office} ${stage}: ${n}</title></rect>` : '';
      });
      const met = o.slaMet * scale;
      const breached = o.slaBreached * scale;
      return `${segments.join('')}
        <rect x="${x + barW + 6}" y="${230 - met}" width="${barW}" height="${met}" fill="${colours['SLA met']}"><title>${o.office} SLA met: ${o.slaMet}</title></rect>
        <rect x="${x + barW + 6}" y="${230 - met - breached}" width="${barW}" height="${breached}" fill="${colours['SLA breached']}"><title>${o.office} SLA breached: ${o.slaBreached}</title></rect>
        <text x="${x + barW}" y="250" text-anchor="middle">${o.office}</text>`;
    })
    .join('');
  const legend = Object.entries(colours)
    .map(([name, colour], i) => `<rect x="${60 + i * 120}" y="270" width="12" height="12" fill="${colour}"/><text x="${76 + i * 120}" y="281">${name}</text>`)
    .join('');
  const rows = report.byOffice
    .map((o) => `<tr><td>${o.office}</td><td>${o.applications}</td><td>${o.completed}</td><td>${o.slaMet}</td><td>${o.slaBreached}</td><td>${o.compensations}</td><td>${o.posDeliveries}</td></tr>`)
    .join('');
  const warnings = report.byOffice
    .map((o) => `<tr><td>${o.office}</td><td>${o.warnedPrinting}</td><td>${o.warnedPrintedInTime}</td><td>${o.warnedDelivery}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Passport service: demo day</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .7rem;text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}</style>
<h1>Demo day</h1>
<p>${day.length} applicants at ${report.byOffice.length} offices in ${seconds} s. Figures read back from PostgreSQL after the run.</p>
<svg width="${Math.max(80 + report.byOffice.length * 150, 80 + Object.keys(colours).length * 120)}" height="300" role="img" aria-label="Outcome and SLA per office">
<line x1="50" y1="230" x2="${60 + report.byOffice.length * 150}" y2="230" stroke="#999"/>${bars}${legend}</svg>
<h2>Per office</h2>
<table><tr><th>office</th><th>applications</th><th>completed</th><th>SLA met</th><th>SLA breached</th><th>compensations</th><th>Pos deliveries</th></tr>${rows}</table>
<h2>At-risk warnings</h2>
<p>Raised by the day: an application not printed by the early-warning point before its SLA deadline (PRINTING), a Pos delivery unconfirmed near its window's end (DELIVERY). Every breach was warned first.</p>
<table><tr><th>office</th><th>printing at risk</th><th>of those, printed in time</th><th>delivery at risk</th></tr>${warnings}</table>
<h2>Per stage</h2>
<table><tr><th>stage</th><th>applications</th></tr>${Object.entries(report.byStage)
    .map(([stage, n]) => `<tr><td>${stage}</td><td>${n}</td></tr>`)
    .join('')}</table>
${moneyHtml(money, day)}
${noticesHtml(notices)}
</html>
`;
}

async function main() {
  // Steps and callbacks are retried (same Idempotency-Key, a fresh signature) on a 503 or a lost answer, as real clients do.
  const api = serviceClient(baseUrl, config, { retry: { forMs: MAX_WAIT_MS } });
  const health = await api.health().catch(() => undefined);
  if (health?.status !== 200) throw new Error(`no service at ${baseUrl}: start it first (PAYMENT_WINDOW_MINUTES=1 DEMO_DAY_SECONDS=20 npm start), or pass --url`);

  const db = createDb(databaseUrl, { max: 2 });
  const bookingDate = await nextWorkingDay(db);
  // Applicants after those of earlier demos: one left in progress by a failed run keeps its NIK busy.
  const earlier = await sql<{ n: number }>`select count(*)::int as n from applications where nik like ${`${DEMO_NIK_PREFIX}%`}`.execute(db);
  await db.destroy();

  const day = dropCallbacks(planDay(Number(values.applicants), (earlier.rows[0]?.n ?? 0) + 1), dropCount);
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    { format: ' demo day |{bar}| {value}/{total} applicants done | {last}', hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(day.length, 0, { last: 'opening the offices' });
  const failures: string[] = [];
  await Promise.all(
    day.map((a) =>
      liveDay(api, a, bookingDate, (stage) => bar.update({ last: `#${a.n} ${a.office} ${stage}` }))
        .catch((error: unknown) => failures.push(`#${a.n} ${a.fate}: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => bar.increment()),
    ),
  );
  bar.stop();
  console.log('End of the day: the banks upload their settlement reports; the daily reconciliation runs now.');
  const money = await endOfDay(api, day);
  const seconds = Math.round((Date.now() - started) / 1000);

  const ids = day.flatMap((a) => (a.applicationId ? [a.applicationId] : []));
  const report = await readBack(ids);
  const check = createDb(databaseUrl, { max: 1 });
  const stages = new Map((await sql<{ id: string; stage: string }>`select id, stage from applications where id = any(${ids}::uuid[])`.execute(check)).rows.map((r) => [r.id, r.stage]));
  const notices = await settledNoticeCounts(check, { applicationIds: ids, offices, since: new Date(started) }, NOTICES_WAIT_MS);
  await check.destroy();
  const problems = [...failures, ...crossCheck(day, report, stages), ...money.failures, ...money.days.flatMap((d) => d.differences)];

  console.log(`\nDemo day: ${day.length} applicants at ${offices.join(', ')} in ${seconds} s (read back from PostgreSQL)\n`);
  console.log('Per stage:');
  for (const [stage, n] of Object.entries(report.byStage).sort()) console.log(`  ${stage.padEnd(18)} ${n}`);
  console.log('\nPer office:   apps  completed  SLA met  SLA breached  compensations  Pos delivered');
  for (const o of report.byOffice) {
    console.log(`  ${o.office.padEnd(10)} ${String(o.applications).padStart(5)} ${String(o.completed).padStart(10)} ${String(o.slaMet).padStart(8)} ${String(o.slaBreached).padStart(13)} ${String(o.compensations).padStart(14)} ${String(o.posDeliveries).padStart(14)}`);
  }
  console.log(`\nSLA: ${report.slaMet} met, ${report.slaBreached} breached; ${report.compensations} compensations; ${report.posDelivered} Pos deliveries`);
  const warned = (k: 'warnedPrinting' | 'warnedPrintedInTime' | 'warnedDelivery') => report.byOffice.reduce((t, o) => t + o[k], 0);
  console.log(`At-risk warnings: ${warned('warnedPrinting')} printing (${warned('warnedPrintedInTime')} of them printed in time), ${warned('warnedDelivery')} delivery`);
  printMoney(money, day);
  printNotices(notices);
  const out = resolve(values.out!);
  await writeFile(out, html(report, day, seconds, money, notices));
  console.log(`HTML report: ${out}`);
  if (problems.length) {
    console.log(`\nThe database disagrees with the day or the money in ${problems.length} place(s):\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('Cross-check: every application is in the stage the day led to; breaches = late printings = compensations, each warned first.');
    console.log('Money check: every rupiah the banks took and reported is an applied payment or a refund, for every bank.');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
