// A bank's settlement report: one CSV per bank and settlement day (README, Reconciliation), checked here in full
// before anything is stored. Used alike by the signed upload (api/routes/settlements.ts), `npm run settlements`
// and the drop folder (importSettlementDir, scanned by the daily reconciliation).
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { addDays, endOfLocalDay, isCalendarDate, localDate } from '../workflows/calendar.js';
import { BANK_CODE } from '../workflows/definitions.js';
import { storeSettlementReport, type StoreOutcome } from './queries/settlements.js';
import type { DB } from './schema.js';

export const SETTLEMENT_HEADER = 'ntpn,transaction_id,billing_code,amount,paid_at';
const FIELDS = SETTLEMENT_HEADER.split(',');
/** Lines a report may have after its header: a bank's busiest day is a few thousand passport payments. */
export const SETTLEMENT_MAX_LINES = 100_000;
/** A report lists payments of its day; one held back (a weekend, a bank's own backlog) may be this many days older. */
export const SETTLEMENT_PAID_WITHIN_DAYS = 31;
/** A report for a day further back than this is refused (a typo in the date, not a late file). */
export const SETTLEMENT_MAX_AGE_DAYS = 366;
/** Dates and day boundaries of settlements are the banks' and SIMPONI's: WIB. */
export const SETTLEMENT_TIME_ZONE = 'Asia/Jakarta';
/** The most problems one answer lists: a wrong file would otherwise list each of its lines. */
const MAX_PROBLEMS = 50;
const MAX_AMOUNT = 10_000_000_000; // rupiah; 100,000 lines of it still add up below 2^53

export interface FieldProblem {
  field: string;
  reason: string;
}
export interface SettlementLine {
  /** Its line in the file, the header being line 1. */
  line: number;
  ntpn: string;
  transactionId: string;
  billingCode: string;
  amount: number;
  /** UTC, ISO 8601 */
  paidAt: string;
}
export interface SettlementReport {
  bank: string;
  settlementDate: string;
  /** SHA-256 (hex) of the file's UTF-8 text, a leading byte-order mark left out. */
  sha256: string;
  lines: SettlementLine[];
  /** Rupiah, the sum of the lines' amounts. */
  total: number;
}
export type ParsedSettlement = { ok: true; report: SettlementReport } | { ok: false; problems: FieldProblem[] };

/** Why a bank code is not one (undefined when it is). */
export const bankCodeProblem = (bank: string): string | undefined => (BANK_CODE.test(bank) ? undefined : 'must be a bank code: capital letters and digits, 2 to 16, e.g. BRI');

/** Why a settlement day is not one: a real date, not in the future (WIB), not older than a year. */
export function settlementDateProblem(date: string): string | undefined {
  if (!isCalendarDate(date)) return 'must be a date as YYYY-MM-DD';
  const today = localDate(new Date(), SETTLEMENT_TIME_ZONE);
  if (date > today) return `${date} is in the future (today is ${today} WIB): a day is settled once it has begun`;
  if (date < addDays(today, -SETTLEMENT_MAX_AGE_DAYS)) return `${date} is more than ${SETTLEMENT_MAX_AGE_DAYS} days ago`;
  return undefined;
}

const fieldRules = {
  ntpn: z.string().regex(/^[0-9A-Z]{16}$/, { error: 'must be the 16-character NTPN (digits and capital letters)' }),
  transaction_id: z
    .string()
    .regex(/^[!-~](?:[ -~]{0,62}[!-~])?$/, { error: "must be the bank's transaction id: 1 to 64 printable ASCII characters, no space at either end" }),
  billing_code: z.string().regex(/^\d{15}$/, { error: 'must be the 15-digit billing code' }),
  amount: z
    .string()
    .regex(/^\d+$/, { error: 'must be whole rupiah: digits only, no sign, decimals or separators (e.g. 350000)' })
    .transform(Number)
    .refine((n) => n > 0 && n <= MAX_AMOUNT, { error: `must be more than 0 and at most ${MAX_AMOUNT} rupiah` }),
  paid_at: z.iso.datetime({ offset: true, error: 'must be a date and time as ISO 8601 with its zone, e.g. 2026-11-27T10:15:00+07:00' }),
};
const lineSchema = z.object(fieldRules);

/**
 * The whole file checked: the header, each line's five fields, no NTPN or transaction id twice, every payment
 * made within SETTLEMENT_PAID_WITHIN_DAYS up to the end of the settlement day (WIB). Problems name the line
 * (the header is line 1) and the field; nothing is stored from a file with any.
 */
export function parseSettlementReport(text: string, meta: { bank: string; settlementDate: string }, limits: { maxBytes: number; maxLines?: number }): ParsedSettlement {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const bytes = Buffer.byteLength(body, 'utf8');
  const fail = (field: string, reason: string): ParsedSettlement => ({ ok: false, problems: [{ field, reason }] });
  if (bytes > limits.maxBytes) return fail('(file)', `is ${bytes} bytes; a settlement report may be at most ${limits.maxBytes} (SETTLEMENT_MAX_BYTES)`);
  if (body.includes('\uFFFD')) return fail('(file)', 'is not UTF-8 text (or holds U+FFFD, the replacement character)');
  const nul = body.indexOf('\u0000');
  if (nul >= 0) return fail(`line ${body.slice(0, nul).split('\n').length}`, 'contains a NUL byte: a settlement report is text');
  const rows = body.split(/\r?\n/);
  const maxLines = limits.maxLines ?? SETTLEMENT_MAX_LINES;
  if (rows.length - 1 - (rows.at(-1) === '' ? 1 : 0) > maxLines) return fail('(file)', `has more than ${maxLines} lines after the header`);
  if (rows[0] !== SETTLEMENT_HEADER) return fail('line 1', `must be the header ${SETTLEMENT_HEADER}`);

  const window = paymentWindow(meta.settlementDate);
  const problems: FieldProblem[] = [];
  let problemLines = 0;
  const lines: SettlementLine[] = [];
  const seen = { ntpn: new Map<string, number>(), transaction_id: new Map<string, number>() };
  rows.forEach((row, index) => {
    if (index === 0 || row === '') return;
    const found = lineProblems(row, index + 1, window, seen);
    if ('problems' in found) {
      problemLines += 1;
      problems.push(...found.problems);
    } else lines.push(found);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    if (problems.length > shown.length) shown.push({ field: '(file)', reason: `${problems.length - shown.length} more problems on ${problemLines} lines in all; the first ${MAX_PROBLEMS} are listed` });
    return { ok: false, problems: shown };
  }
  const total = lines.reduce((sum, l) => sum + l.amount, 0);
  const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
  return { ok: true, report: { bank: meta.bank, settlementDate: meta.settlementDate, sha256, lines, total } };
}

/** Payments a report for `date` may list: made from SETTLEMENT_PAID_WITHIN_DAYS before it up to its end, WIB. */
function paymentWindow(date: string) {
  const end = endOfLocalDay(date, SETTLEMENT_TIME_ZONE);
  return { date, from: endOfLocalDay(addDays(date, -SETTLEMENT_PAID_WITHIN_DAYS - 1), SETTLEMENT_TIME_ZONE).getTime(), until: end.getTime() };
}

function lineProblems(
  row: string,
  line: number,
  window: ReturnType<typeof paymentWindow>,
  seen: Record<'ntpn' | 'transaction_id', Map<string, number>>,
): SettlementLine | { problems: FieldProblem[] } {
  const at = (field: string) => `line ${line}.${field}`;
  const values = row.split(',');
  if (values.length !== FIELDS.length) return { problems: [{ field: `line ${line}`, reason: `has ${values.length} fields; a line has ${FIELDS.length}: ${SETTLEMENT_HEADER}` }] };
  const quoted = FIELDS.filter((_, i) => /^".*"$/.test(values[i]!));
  if (quoted.length > 0) return { problems: quoted.map((field) => ({ field: at(field), reason: 'is quoted; the format has no quoting: write the value alone' })) };
  const parsed = lineSchema.safeParse(Object.fromEntries(FIELDS.map((field, i) => [field, values[i]])));
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => ({ field: at(String(issue.path[0])), reason: issue.message })) };
  const { ntpn, transaction_id: transactionId, billing_code: billingCode, amount, paid_at } = parsed.data;
  const problems: FieldProblem[] = [];
  const paidAt = Date.parse(paid_at);
  if (paidAt >= window.until) problems.push({ field: at('paid_at'), reason: `${paid_at} is after the settlement day ${window.date} (WIB)` });
  else if (paidAt < window.from) problems.push({ field: at('paid_at'), reason: `${paid_at} is more than ${SETTLEMENT_PAID_WITHIN_DAYS} days before the settlement day ${window.date}` });
  for (const [field, value] of [['ntpn', ntpn], ['transaction_id', transactionId]] as const) {
    const first = seen[field].get(value);
    if (first !== undefined) problems.push({ field: at(field), reason: `${value} is already on line ${first}` });
    else seen[field].set(value, line);
  }
  if (problems.length > 0) return { problems };
  return { line, ntpn, transactionId, billingCode, amount, paidAt: new Date(paidAt).toISOString() };
}

/** Why a file's bytes are not a report's text: not UTF-8. (The upload's text was decoded by the HTTP layer.) */
export function decodeSettlementFile(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export type ImportOutcome = { ok: true; outcome: StoreOutcome } | { ok: false; problems: FieldProblem[] };

/** A file read, checked and stored once (by its SHA-256); for `npm run settlements -- import` and the drop folder. */
export async function importSettlementFile(db: Kysely<DB>, path: string, meta: { bank: string; settlementDate: string; source: 'import' | 'drop-folder'; name: string }, maxBytes: number): Promise<ImportOutcome> {
  const size = (await stat(path)).size;
  if (size > maxBytes) return { ok: false, problems: [{ field: '(file)', reason: `is ${size} bytes; a settlement report may be at most ${maxBytes} (SETTLEMENT_MAX_BYTES)` }] };
  const text = decodeSettlementFile(await readFile(path));
  if (text === undefined) return { ok: false, problems: [{ field: '(file)', reason: 'is not UTF-8 text' }] };
  const parsed = parseSettlementReport(text, meta, { maxBytes });
  if (!parsed.ok) return parsed;
  return { ok: true, outcome: await storeSettlementReport(db, parsed.report, { source: meta.source, name: meta.name }) };
}

/** A drop folder's file name: `<BANK>-<YYYY-MM-DD>.csv`. */
const DROPPED = /^([A-Z][A-Z0-9]{1,15})-(\d{4}-\d{2}-\d{2})\.csv$/;

export interface DropFolderScan {
  /** File names stored as new reports (a first report or a correction). */
  stored: string[];
  /** File names whose very text was already stored. */
  alreadyReceived: string[];
  /** File names refused, with the first problem; each is moved to rejected/ beside a `.problems.txt`. */
  rejected: Array<{ file: string; problem: string }>;
  /** Other files, left where they are (a `.part` being written, a file of another name). */
  ignored: string[];
}

/**
 * Each `<BANK>-<YYYY-MM-DD>.csv` in the folder (made first with `create`, the worker's; a command refuses a
 * missing one), checked and stored once, then moved aside: into done/ once stored (or found already stored),
 * named with the start of its SHA-256; into rejected/ otherwise, named with the time, beside a `.problems.txt`.
 * So a later file of the same name never overwrites one. Other names are left alone.
 */
export async function importSettlementDir(db: Kysely<DB>, dir: string, maxBytes: number, options: { create?: boolean } = {}): Promise<DropFolderScan> {
  if (options.create) await mkdir(dir, { recursive: true });
  else if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new Error(`no drop folder at ${dir} (SETTLEMENT_DIR)`);
  const scan: DropFolderScan = { stored: [], alreadyReceived: [], rejected: [], ignored: [] };
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isFile()) continue;
    const match = DROPPED.exec(entry.name);
    if (!match) {
      scan.ignored.push(entry.name);
      continue;
    }
    // A file another scan took meanwhile (the daily run and `npm run settlements -- scan` at once) is theirs.
    await takeDroppedFile(db, dir, entry.name, match, maxBytes, scan).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  }
  return scan;
}

/** One dropped file stored (or refused) and moved aside, its outcome added to `scan`. */
async function takeDroppedFile(db: Kysely<DB>, dir: string, name: string, [, bank, settlementDate]: RegExpExecArray, maxBytes: number, scan: DropFolderScan) {
  const path = join(dir, name);
  const dateProblem = settlementDateProblem(settlementDate!);
  const result = dateProblem
    ? ({ ok: false, problems: [{ field: '(file name)', reason: dateProblem }] } as const)
    : await importSettlementFile(db, path, { bank: bank!, settlementDate: settlementDate!, source: 'drop-folder', name }, maxBytes);
  const base = name.slice(0, -'.csv'.length);
  // Said before the move: a file this scan stored counts as stored even when another scan moved it first.
  if (result.ok) {
    (result.outcome.status === 'stored' ? scan.stored : scan.alreadyReceived).push(name);
    await moveInto(join(dir, 'done'), path, `${base}.${result.outcome.report.sha256.slice(0, 12)}.csv`);
  } else {
    scan.rejected.push({ file: name, problem: `${result.problems[0]!.field}: ${result.problems[0]!.reason}` });
    const aside = `${base}.${new Date().toISOString().replace(/[-:.]/g, '')}.csv`;
    await moveInto(join(dir, 'rejected'), path, aside);
    await writeFile(join(dir, 'rejected', `${aside}.problems.txt`), result.problems.map((p) => `${p.field}: ${p.reason}\n`).join(''));
  }
}

async function moveInto(folder: string, path: string, name: string) {
  await mkdir(folder, { recursive: true });
  await rename(path, join(folder, name));
}
