// A worker process SIGKILLed in the middle of sending a notice (the SMTP server slow to take the message's end),
// then started again: every notice reaches the inbox exactly once, and the ledger says SENT.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import { noticeDeliveryStarter } from '../../activities/notices/start.js';
import { submitApplication } from '../../api/submission.js';
import { loadConfig, policyFrom } from '../../config.js';
import { createDb } from '../../db/connect.js';
import { SEARCH_ATTRIBUTES, noticeDeliveryWorkflowId } from '../../workflows/definitions.js';
import { eventually } from '../support/eventually.js';
import { startMailCatcher, type MailCatcher } from '../support/maildev.js';
import { quietRuntime, sampleSubmission } from '../support/workflows.js';

const root = resolve(import.meta.dirname, '../..');
const DATA = /(^|\r\n)DATA\r\n/i;

/**
 * An SMTP proxy in front of maildev that holds the DATA command of the first `slow` messages, as a server slow to
 * answer DATA would: the worker waits for the reply with the message unsent. When the worker goes away, the held
 * bytes go nowhere and the connection to maildev is closed, as a dead client's would be. (Not the message's final
 * dot: maildev keeps a message whose connection closes mid-DATA, which a real server would not.)
 */
async function startSlowDataProxy(target: number, slow: number) {
  let holds = 0;
  let holding = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    let held = false;
    let inData = false;
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (!held && !inData && DATA.test(text) && holds < slow) {
        holds += 1;
        holding += 1;
        held = true;
        return; // never forwarded: the client dies while waiting for the reply
      }
      if (!inData && DATA.test(text)) inData = true; // the message's own lines are not commands
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const close = () => {
      if (held) holding -= 1;
      held = false;
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `smtp://127.0.0.1:${(server.address() as { port: number }).port}`,
    holding: () => holding,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

let env: TestWorkflowEnvironment;
let catcher: MailCatcher;
let proxy: Awaited<ReturnType<typeof startSlowDataProxy>>;
const dataDir = mkdtempSync(join(tmpdir(), 'notice-send-'));
const db = createDb(inject('databaseUrl'), { max: 4 });
const taskQueue = `notices-${randomUUID()}`;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: inject('temporalCliPath') }, ip: '127.0.0.1', searchAttributes: SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'error' } },
  });
  catcher = await startMailCatcher();
  proxy = await startSlowDataProxy(Number(new URL(catcher.smtpUrl).port), 3);
}, 120_000);
afterAll(async () => {
  if (worker?.exitCode === null) worker.kill('SIGKILL');
  await proxy?.stop();
  await catcher?.stop();
  await db.destroy();
  await env?.teardown();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The production worker process (scripts/worker.ts), sending email through the slow proxy. */
async function startWorker(): Promise<ChildProcess> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/worker.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATA_DIR: dataDir,
      SMTP_URL: proxy.url,
      MAIL_FROM: 'Layanan Paspor <no-reply@passport.test>',
      NOTICE_SEND_TIMEOUT_SECONDS: '120',
      NOTICE_FIRST_RETRY_SECONDS: '1', // the send cut off by the kill is retried 1 s after its heartbeat times out, not 10 s
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
    },
  });
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await eventually(async () => ({ polling: output.includes('worker polling'), exited: child.exitCode }), (s) => s.polling || s.exited !== null, 120_000);
  if (child.exitCode !== null) throw new Error(`the worker exited ${child.exitCode}: ${output.slice(-2000)}`);
  return child;
}

/** An application (never run: its workflow waits on a queue nobody polls) with a notice for EMAIL only. */
async function recordedNotice() {
  const email = `applicant-${randomUUID()}@example.test`;
  const policy = policyFrom(loadConfig({}));
  const { applicationId } = await submitApplication({ db, temporal: env.client, taskQueue: `idle-${randomUUID()}`, policy }, { ...sampleSubmission(), email });
  await db.updateTable('applications').set({ notice_channels: ['EMAIL'] }).where('id', '=', applicationId).execute();
  const { id } = await db
    .insertInto('notifications')
    .values({ application_id: applicationId, effect_key: `fault-${randomUUID()}`, kind: 'SUBMITTED', details: JSON.stringify({}), created_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { noticeId: String(id), email };
}

it('sends each notice once when the worker is SIGKILLed mid-send and started again', async () => {
  const notices = [await recordedNotice(), await recordedNotice(), await recordedNotice()];
  worker = await startWorker();
  const start = noticeDeliveryStarter(env.client, taskQueue);
  for (const n of notices) await start('application', n.noticeId);

  // Every send waits for the slow server's answer to DATA: the worker is killed while they wait. (A kill just after
  // the server accepted a message and before the ledger said SENT would send it again, with the same Message-ID:
  // that instant is not what this test is about; see README, Notices: delivery.)
  await eventually(async () => proxy.holding(), (h) => h === 3, 60_000);
  worker.kill('SIGKILL');
  await new Promise((r) => worker?.once('exit', r));
  const interrupted = await db.selectFrom('notice_deliveries').select(['notice_id', 'status']).where('source', '=', 'application').where('notice_id', 'in', notices.map((n) => n.noticeId)).where('status', '=', 'SENDING').execute();
  expect(interrupted).toHaveLength(3);
  expect(await catcher.messages()).toEqual([]);

  worker = await startWorker();
  for (const n of notices) {
    expect(await env.client.workflow.getHandle(noticeDeliveryWorkflowId('application', n.noticeId)).result()).toEqual({ EMAIL: 'SENT' });
  }
  const inbox = await catcher.messages();
  for (const n of notices) expect(inbox.filter((m) => m.to.some((r) => r.address === n.email)), n.noticeId).toHaveLength(1);
  const rows = await db.selectFrom('notice_deliveries').selectAll().where('source', '=', 'application').where('notice_id', 'in', notices.map((n) => n.noticeId)).execute();
  expect(rows.map((r) => r.status)).toEqual(['SENT', 'SENT', 'SENT']);
  // Each interrupted send was attempted again (attempt 2), and sent then.
  expect(rows.map((r) => r.attempts)).toEqual([2, 2, 2]);
  worker.kill('SIGTERM');
  await new Promise((r) => worker?.once('exit', r));
}, 300_000);
