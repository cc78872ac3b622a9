// `npm run reconcile -- --check [--date 2026-11-27] [--bank BRI]` (compiled: node dist/scripts/reconcile.js): each
// bank's settlement day compared with the money recorded, now (db/queries/reconciliation.ts); exits 1 on any
// difference, naming it, 0 when every bank balances. `--run` first runs the daily reconciliation now (triggers the
// Temporal Schedule `daily-reconciliation` and waits for that run), then checks. Reaches PostgreSQL at DATABASE_URL
// (or the embedded one of `npm start`) and, for --run, Temporal at TEMPORAL_ADDRESS (or the dev server of `npm start`).
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { reconciliationCheck, type DayReconciliation, type Tally } from '../db/queries/reconciliation.js';
import { bankCodeProblem, SETTLEMENT_TIME_ZONE, settlementDateProblem } from '../db/settlements.js';
import { runReconciliationNow } from '../worker/schedule.js';
import { addDays, localDate } from '../workflows/calendar.js';
import type { ReconciliationResult } from '../workflows/reconciliation.js';
import { operatorDatabase } from './operator-db.js';

const USAGE = `usage:
  npm run reconcile -- --check [--date 2026-11-27] [--bank BRI]   compare the day (default: yesterday, WIB) for one bank or every bank; exit 1 on any difference
  npm run reconcile -- --run [--date ...] [--bank ...] [--wait-seconds 600]   run the daily reconciliation now (its schedule), wait for it, then check`;

const { values } = parseArgs({
  options: { check: { type: 'boolean', default: false }, run: { type: 'boolean', default: false }, date: { type: 'string' }, bank: { type: 'string' }, 'wait-seconds': { type: 'string', default: '600' }, help: { type: 'boolean', default: false } },
});
const date = values.date ?? addDays(localDate(new Date(), SETTLEMENT_TIME_ZONE), -1);
const waitSeconds = Number(values['wait-seconds']);
const problems = [
  ['--date', settlementDateProblem(date)],
  ['--bank', values.bank === undefined ? undefined : bankCodeProblem(values.bank)],
  ['--wait-seconds', Number.isInteger(waitSeconds) && waitSeconds > 0 ? undefined : 'must be a whole number of seconds, more than 0'],
].filter(([, problem]) => problem);
if (values.help || (!values.check && !values.run) || problems.length > 0) {
  for (const [flag, problem] of problems) console.error(`${flag}: ${problem}`);
  console.error(USAGE);
  process.exit(2);
}

const { config, db, run } = operatorDatabase(values.run ? ['DATABASE_URL', 'TEMPORAL_ADDRESS'] : ['DATABASE_URL']);

async function runNow(): Promise<void> {
  const address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
  const connection = await Connection.connect({ address, connectTimeout: '10 seconds' }).catch((error: unknown) => {
    throw new Error(`no Temporal at ${address} (${error instanceof Error ? error.message : String(error)}): start the service (npm start) or set TEMPORAL_ADDRESS`);
  });
  try {
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const { workflowId, result } = await runReconciliationNow<ReconciliationResult>(client, waitSeconds * 1000, (line) => console.log(line));
    const dropped = result.dropFolder ? `, ${result.dropFolder.stored.length} dropped files stored` : '';
    console.log(`run ${workflowId} finished: ${result.counted.length} reports reconciled${dropped}, ${result.days.filter((d) => !d.balanced).length} days of the look-back still not balanced\n`);
  } finally {
    await connection.close();
  }
}

const amount = (t: Tally) => `${String(t.count).padStart(7)}  ${t.amount.toLocaleString('en-US').padStart(15)} rupiah`;
function print(day: DayReconciliation): void {
  const report = day.report ? `report revision ${day.report.revision}${day.report.reconciled ? '' : ', not reconciled yet'}` : 'no report';
  console.log(`${day.bank} ${day.settlementDate}: ${day.balanced ? 'BALANCED' : 'NOT BALANCED'} (${report})`);
  const rows: Array<[string, Tally]> = [
    ['received', day.received],
    ['applied', day.applied],
    ['refund', day.refund],
    ['  refunded', day.refunded],
    ['pending', day.pending],
    ['declined', day.declined],
    ['conflicts', day.conflicts],
    ['missing', day.missing],
  ];
  for (const [label, tally] of rows) console.log(`  ${label.padEnd(10)} ${amount(tally)}`);
  for (const difference of day.differences) console.log(`  DIFFERENCE ${difference}`);
}

await run(async () => {
  if (values.run) await runNow();
  const check = await reconciliationCheck(db, { date, ...(values.bank && { bank: values.bank }) });
  for (const day of check.days) print(day);
  if (check.days.length === 0) console.log(`${date}: no settlement report and no payment recorded${values.bank ? ` for ${values.bank}` : ''}`);
  if (check.balanced) console.log(`\nbalanced: every rupiah received on ${date} is applied or a refund`);
  else console.log(`\nNOT BALANCED on ${date}: ${check.differences.length} differences`);
  return check.balanced;
});
