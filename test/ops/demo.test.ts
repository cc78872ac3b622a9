// `npm run demo` end to end against the whole service as separate processes (scripts/cluster.ts, as `npm start`
// runs it: no bank API, so no inquiry): a short day with a bank callback dropped on purpose, the banks'
// settlement reports uploaded, the daily-reconciliation schedule triggered, and the money check; then a day whose
// settlement report is tampered with, which the money check must refuse, naming each transaction. The worker sends
// its notices to a local mail catcher and WhatsApp/SMS sink, and the report's notice table must agree with them.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connect.js';
import { startCluster, type Cluster } from '../../scripts/cluster.js';
import { DEMO_NIK_PREFIX } from '../../scripts/demo-day.js';
import { startMessageSink, type MessageSink } from '../../scripts/message-sink.js';
import { NOTICE_CHANNELS, NOTICE_KINDS, OFFICE_NOTICE_KINDS } from '../../workflows/definitions.js';
import { startMailCatcher, type MailCatcher } from '../support/maildev.js';

const root = resolve(import.meta.dirname, '../..');
/** Billing codes expire in 15 s and a demo day lasts 8 s: a short day takes well under a minute. */
const DAY_ENV = { PAYMENT_WINDOW_MINUTES: '0.25', DEMO_DAY_SECONDS: '8' };

let cluster: Cluster;
let dataDir: string;
let mail: MailCatcher;
let sink: MessageSink;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'demo-bank-'));
  mail = await startMailCatcher();
  sink = await startMessageSink({ port: 0, dir: join(dataDir, 'messages') });
  cluster = await startCluster({ env: { ...DAY_ENV, SMTP_URL: mail.smtpUrl, ...sink.settings, WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath') } });
}, 240_000);
afterAll(async () => {
  await cluster?.shutdown();
  await mail?.stop();
  await sink?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** `npm run demo` with the service's environment, as its README says; its exit code and everything it printed. */
const demo = (args: string[]) =>
  new Promise<{ code: number; output: string }>((done) => {
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: cluster.databaseUrl, TEMPORAL_ADDRESS: cluster.temporalAddress, DATA_DIR: dataDir, ...cluster.secrets, ...DAY_ENV };
    execFile(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--url', cluster.apiUrl, '--offices', 'PLU,WSB', '--out', join(dataDir, 'report.html'), ...args], { cwd: root, env, timeout: 170_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });

/** Every demo application's payment as the ledger has it. */
const ledger = async () => {
  const db = createDb(cluster.databaseUrl, { max: 1 });
  try {
    const { rows } = await sql<{ n: string; stage: string; first_source: string | null; outcome: string | null; refund: string | null; told: boolean }>`
      select a.nik as n, a.stage, t.first_source, t.outcome, r.refund_id as refund,
        exists (select 1 from notifications n where n.application_id = a.id and n.kind = 'REFUND_OPENED') as told
      from applications a
      left join bank_transactions t on t.billing_code = a.billing_code
      left join refunds r on r.bank = t.bank and r.transaction_id = t.transaction_id
      where a.nik like ${`${DEMO_NIK_PREFIX}%`} order by a.nik`.execute(db);
    return rows;
  } finally {
    await db.destroy();
  }
};

/** The demo applications' at-risk warnings per kind, and the PRINTING ones printed by their deadline. */
const atRiskWarnings = async () => {
  const db = createDb(cluster.databaseUrl, { max: 1 });
  try {
    const { rows } = await sql<{ printing: number; delivery: number; printed_in_time: number }>`
      select count(*) filter (where w.kind = 'PRINTING')::int as printing, count(*) filter (where w.kind = 'DELIVERY')::int as delivery,
        count(*) filter (where w.kind = 'PRINTING' and not a.sla_breached and a.printed_at <= w.deadline)::int as printed_in_time
      from at_risk_warnings w join applications a on a.id = w.application_id where a.nik like ${`${DEMO_NIK_PREFIX}%`}`.execute(db);
    return { printing: rows[0]!.printing, delivery: rows[0]!.delivery, printedInTime: rows[0]!.printed_in_time };
  } finally {
    await db.destroy();
  }
};

/** The report's notice table: one row per kind and channel, and its total line. */
function noticeTable(output: string) {
  const start = output.indexOf('Notices, per kind and channel');
  if (start < 0) return undefined;
  const lines = output.slice(start).split('\n').slice(2);
  const rows = lines.flatMap((line) => {
    const m = /^ {2}([A-Z_]+) +([A-Z]+) +(\d+) +(\d+)$/.exec(line);
    return m && m[1] !== 'total' ? [{ kind: m[1]!, channel: m[2]!, sent: Number(m[3]), failed: Number(m[4]) }] : [];
  });
  const totals = /^ {2}total +(\d+) +(\d+)$/m.exec(output.slice(start));
  return { rows, total: totals ? { sent: Number(totals[1]), failed: Number(totals[2]) } : undefined };
}

/** What the ledger says now of the demo applications' notices (SENT is final), and how many of each kind were recorded. */
const noticesNow = async () => {
  const db = createDb(cluster.databaseUrl, { max: 1 });
  try {
    const sent = await sql<{ kind: string; channel: string; n: number }>`
      select n.kind, d.channel, count(*)::int as n from notice_deliveries d
      join notifications n on d.source = 'application' and d.notice_id = n.id
      join applications a on a.id = n.application_id
      where a.nik like ${`${DEMO_NIK_PREFIX}%`} and d.status = 'SENT' group by 1, 2
      union all
      select o.kind, d.channel, count(*)::int from notice_deliveries d
      join office_notices o on d.source = 'office' and d.notice_id = o.id where d.status = 'SENT' group by 1, 2`.execute(db);
    const recorded = await sql<{ kind: string; n: number }>`
      select n.kind, count(*)::int as n from notifications n join applications a on a.id = n.application_id
      where a.nik like ${`${DEMO_NIK_PREFIX}%`} group by 1
      union all select kind, count(*)::int from office_notices group by 1`.execute(db);
    return {
      sent: (kind: string, channel: string) => sent.rows.filter((r) => r.kind === kind && r.channel === channel).reduce((t, r) => t + r.n, 0),
      recorded: (kind: string) => recorded.rows.filter((r) => r.kind === kind).reduce((t, r) => t + r.n, 0),
    };
  } finally {
    await db.destroy();
  }
};

describe('npm run demo', () => {
  it('drops a bank callback on purpose, and the settlement report and the reconciliation still balance the day', { timeout: 200_000 }, async () => {
    // Seed 5: one applicant pays in time, one pays but the bank never calls back, one pays after the billing code expired.
    const { code, output } = await demo(['--applicants', '3', '--seed', '5', '--drop-callbacks', '1']);
    expect(output).toMatch(/Callbacks dropped on purpose: 1 \(#\d+ at [A-Z]+\)/);
    expect(output).toContain('Money check: every rupiah the banks took and reported is an applied payment or a refund');
    expect(code, output).toBe(0);

    const rows = await ledger();
    // The dropped payment reached the service only by the settlement: its application had expired, so it is
    // refunded, and the applicant is told so.
    expect(rows.filter((r) => r.first_source === 'settlement')).toEqual([expect.objectContaining({ stage: 'EXPIRED', outcome: 'REFUND', refund: expect.any(String), told: true })]);
    expect(rows.filter((r) => r.outcome === 'APPLIED')).toHaveLength(1);
    expect(rows.filter((r) => r.outcome === 'REFUND' && r.refund)).toHaveLength(2);
    expect(rows.filter((r) => r.outcome === null || r.outcome === 'PENDING')).toEqual([]);
    expect(output).toMatch(/balanced\n(\s+[A-Z]+\s+\d{4}-\d{2}-\d{2}\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+yes\n)+/);

    // The notices of the day, per kind and channel, agree with the ledger, with what was recorded, and with what
    // the mail catcher and the WhatsApp/SMS sink received. Every applicant was told of the submission by email and
    // WhatsApp (the default channels), and nothing failed: both are on.
    const table = noticeTable(output);
    expect(table?.total, output).toBeDefined();
    const { rows: notices, total } = table!;
    expect(total).toEqual({ sent: notices.reduce((t, r) => t + r.sent, 0), failed: notices.reduce((t, r) => t + r.failed, 0) });
    expect(new Set(notices.map((r) => `${r.kind} ${r.channel}`)).size).toBe(notices.length);
    expect(notices).toEqual(expect.arrayContaining([
      { kind: 'SUBMITTED', channel: 'EMAIL', sent: 3, failed: 0 },
      { kind: 'SUBMITTED', channel: 'WHATSAPP', sent: 3, failed: 0 },
    ]));
    expect(total?.failed).toBe(0);
    const now = await noticesNow();
    for (const row of notices) {
      expect([...NOTICE_KINDS, ...OFFICE_NOTICE_KINDS], row.kind).toContain(row.kind);
      expect(NOTICE_CHANNELS, row.channel).toContain(row.channel);
      expect(row.sent, `${row.kind} ${row.channel}`).toBeLessThanOrEqual(now.sent(row.kind, row.channel));
      expect(row.sent + row.failed, `${row.kind} ${row.channel}: at most one delivery per notice and channel`).toBeLessThanOrEqual(now.recorded(row.kind));
    }
    const sentOn = (...channels: string[]) => notices.filter((r) => channels.includes(r.channel)).reduce((t, r) => t + r.sent, 0);
    expect(sentOn('EMAIL')).toBeLessThanOrEqual((await mail.messages()).length);
    expect(sentOn('WHATSAPP', 'SMS')).toBeLessThanOrEqual(sink.messages().length);
    const html = await readFile(join(dataDir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Notices</h2>');

    // The at-risk warnings the day raised (issue 16), as at_risk_warnings has them, and how many were printed in time.
    const warned = await atRiskWarnings();
    expect(output).toContain(`At-risk warnings: ${warned.printing} printing (${warned.printedInTime} of them printed in time), ${warned.delivery} delivery`);
    expect(html).toContain('<h2>At-risk warnings</h2>');
  });

  it('fails on a settlement report that differs from the money the bank took, naming each transaction', { timeout: 200_000 }, async () => {
    const { code, output } = await demo(['--applicants', '2', '--seed', '2', '--drop-callbacks', '0', '--tamper-settlement', 'amount,omit']);
    expect(code, output).toBe(1);
    const listedWrong = /([A-Z]+) (\d{15}): listed as \d+ rupiah, \d+ paid/.exec(output);
    const leftOut = /([A-Z]+) (\d{15}): left out of the report/.exec(output);
    expect(listedWrong, output).not.toBeNull();
    expect(leftOut, output).not.toBeNull();
    // Each tampered transaction is named among the differences, and its bank's day does not balance.
    const differences = output.slice(output.indexOf('disagrees with the day or the money')).split('\n');
    for (const [, bank, transactionId] of [listedWrong!, leftOut!]) {
      expect(differences.filter((line) => line.includes(bank!) && line.includes(transactionId!)), output).not.toEqual([]);
      expect(output).toMatch(new RegExp(`\\n\\s+${bank}\\s+\\d{4}-\\d{2}-\\d{2}\\s.*\\sNO\\n`));
    }
  });
});
