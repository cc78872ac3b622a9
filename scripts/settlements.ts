// `npm run settlements -- import <file.csv> --bank BRI --date 2026-11-27 | scan` (compiled: node dist/scripts/settlements.js):
// an operator's hand on the banks' settlement reports. `import` checks and stores one file (once, by its SHA-256);
// `scan` does now what the daily reconciliation does first: stores every `<BANK>-<YYYY-MM-DD>.csv` of the drop
// folder (SETTLEMENT_DIR) and moves each aside. Reaches PostgreSQL at DATABASE_URL, or the embedded one of `npm start`.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { StoreOutcome } from '../db/queries/settlements.js';
import { bankCodeProblem, importSettlementDir, importSettlementFile, settlementDateProblem } from '../db/settlements.js';
import { operatorDatabase } from './operator-db.js';

const USAGE = `usage:
  npm run settlements -- import <file.csv> --bank BRI --date 2026-11-27   one bank's report of one day (header: ntpn,transaction_id,billing_code,amount,paid_at)
  npm run settlements -- scan                                             store every <BANK>-<YYYY-MM-DD>.csv of the drop folder (SETTLEMENT_DIR) now`;

const { positionals, values } = parseArgs({ allowPositionals: true, options: { bank: { type: 'string' }, date: { type: 'string' }, help: { type: 'boolean', default: false } } });
const [command, file] = positionals;
if (values.help || !command || !['import', 'scan'].includes(command) || (command === 'import' && (!file || !values.bank || !values.date))) {
  console.error(USAGE);
  process.exit(2);
}

const { config, db, run } = operatorDatabase();

const rupiah = (n: number) => n.toLocaleString('en-US');
const describe = ({ status, report }: StoreOutcome) =>
  `${status === 'stored' ? 'stored' : 'already received (nothing changed)'}: ${report.bank} ${report.settlementDate} revision ${report.revision}, ${report.lineCount} lines, ${rupiah(report.totalAmount)} rupiah (report ${report.id}, sha256 ${report.sha256})` +
  (status === 'stored' && report.revision > 1 ? `\nCORRECTION: another file for a day already reported; revision ${report.revision} is kept beside the earlier ones and is the one the reconciliation counts` : '');

async function importOne(path: string, bank: string, date: string): Promise<boolean> {
  const problems = [['--bank', bankCodeProblem(bank)], ['--date', settlementDateProblem(date)]].filter(([, p]) => p);
  if (problems.length) throw new Error(problems.map(([flag, p]) => `${flag}: ${p}`).join('\n'));
  const result = await importSettlementFile(db, path, { bank, settlementDate: date, source: 'import', name: basename(path) }, config.SETTLEMENT_MAX_BYTES);
  if (!result.ok) {
    console.error(`${path} was not stored:\n${result.problems.map((p) => `  ${p.field}: ${p.reason}`).join('\n')}`);
    return false;
  }
  console.log(describe(result.outcome));
  return true;
}

async function scan(): Promise<boolean> {
  const found = await importSettlementDir(db, config.settlementDir, config.SETTLEMENT_MAX_BYTES);
  console.log(`drop folder ${config.settlementDir}: ${found.stored.length} stored, ${found.alreadyReceived.length} already received, ${found.rejected.length} rejected, ${found.ignored.length} ignored`);
  for (const name of found.stored) console.log(`  stored ${name} (moved to done/)`);
  for (const name of found.alreadyReceived) console.log(`  already received ${name} (moved to done/)`);
  for (const { file: name, problem } of found.rejected) console.log(`  REJECTED ${name}: ${problem} (moved to rejected/, with every problem beside it)`);
  for (const name of found.ignored) console.log(`  ignored ${name}: not named <BANK>-<YYYY-MM-DD>.csv`);
  return found.rejected.length === 0;
}

await run(() => (command === 'import' ? importOne(file!, values.bank!, values.date!) : scan()));
