// The managers' queries (managers/visibility.ts) on the Temporal dev server, through the list API
// and `npm run stuck`, their times ordered to the millisecond, and the README showing exactly those queries.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { SearchAttributePair } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { RUNNING, byTrackingCode, enteredStageBefore, inOffice, managerQueries, normaliseTrackingCode, pastSla, visibilityTime, waitingSince } from '../../managers/visibility.js';
import {
  ApplicationTypeKey,
  OfficeCode,
  PassportStage,
  SEARCH_ATTRIBUTES,
  SlaAtRisk,
  SlaBreached,
  SlaDeadline,
  StageEnteredAt,
  TrackingCode,
  WORKFLOW_TYPE,
  type Stage,
} from '../../workflows/definitions.js';
import { eventually } from '../support/service.js';
import { quietRuntime } from '../support/workflows.js';

const root = resolve(import.meta.dirname, '../..');
const HOUR = 3_600_000;
let env: TestWorkflowEnvironment;
const now = Date.now();
const local = new Date(now + 7 * HOUR);
const monthStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - 7 * HOUR;
const MS_INSTANT = Math.ceil(now / 1000) * 1000 + 2 * 24 * HOUR + 700;

/**
 * Executions with the search attributes a real application has in each situation, on a task queue no
 * worker polls, so they hold still while the queries run (the lifecycle itself is tested elsewhere).
 */
const cases: Record<string, { office: string; stage: Stage; enteredAt: number; slaDeadline?: number; breached?: boolean; atRisk?: boolean; trackingCode?: string; closed?: boolean }> = {
  pastSla: { office: 'PLU', stage: 'AWAITING_PRINTING', enteredAt: now - 50 * HOUR, slaDeadline: now - HOUR },
  printingInTime: { office: 'PLU', stage: 'AWAITING_PRINTING', enteredAt: now - HOUR, slaDeadline: now + 24 * HOUR },
  bookingForgotten: { office: 'PLU', stage: 'AWAITING_BOOKING', enteredAt: now - 8 * 24 * HOUR },
  breachedElsewhere: { office: 'WSB', stage: 'AWAITING_PRINTING', enteredAt: now - 30 * HOUR, slaDeadline: Math.max(now - 60_000, monthStart + 60_000), breached: true },
  breachedLastMonth: { office: 'PLU', stage: 'READY_FOR_PICKUP', enteredAt: now - HOUR, slaDeadline: monthStart - 24 * HOUR, breached: true },
  // An instant whose milliseconds end in zeros (….700), where comparing text goes wrong, and stored values a
  // millisecond either side of it: in the future and at an office of their own, so no other list has them.
  justBefore: { office: 'MSX', stage: 'AWAITING_PRINTING', enteredAt: MS_INSTANT - 1, slaDeadline: MS_INSTANT - 1 },
  at: { office: 'MSX', stage: 'AWAITING_PRINTING', enteredAt: MS_INSTANT, slaDeadline: MS_INSTANT },
  justAfter: { office: 'MSX', stage: 'AWAITING_PRINTING', enteredAt: MS_INSTANT + 1, slaDeadline: MS_INSTANT + 1 },
  // Issue 16, at office PLG so that PLU's lists above keep their own: marked at risk today, a risk that is over,
  // one at risk at another office, and one marked but no longer running; and the application an applicant names.
  atRisk: { office: 'PLG', stage: 'AWAITING_PRINTING', enteredAt: now - 20 * HOUR, slaDeadline: now + 5 * HOUR, atRisk: true, trackingCode: 'VAYC-NFMU-68PZ' },
  riskOver: { office: 'PLG', stage: 'READY_FOR_PICKUP', enteredAt: now - HOUR, slaDeadline: now + 2 * HOUR, atRisk: false, trackingCode: 'KQ7R-2MXW-TT4B' },
  deliveryAtRisk: { office: 'WSB', stage: 'IN_DELIVERY', enteredAt: now - 4 * 24 * HOUR, slaDeadline: now - 6 * 24 * HOUR, atRisk: true },
  atRiskClosed: { office: 'PLG', stage: 'AWAITING_PRINTING', enteredAt: now - 20 * HOUR, slaDeadline: now + 5 * HOUR, atRisk: true, closed: true },
};
const ids: Record<string, string> = {};

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: inject('temporalCliPath') }, ip: '127.0.0.1', searchAttributes: SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'error' } },
  });
  const taskQueue = `no-worker-${randomUUID()}`;
  for (const [name, c] of Object.entries(cases)) {
    ids[name] = `passport-${randomUUID()}`;
    const attributes: SearchAttributePair[] = [
      { key: PassportStage, value: c.stage },
      { key: OfficeCode, value: c.office },
      { key: ApplicationTypeKey, value: 'NEW' },
      { key: StageEnteredAt, value: new Date(c.enteredAt) },
      { key: SlaBreached, value: c.breached ?? false },
    ];
    if (c.slaDeadline) attributes.push({ key: SlaDeadline, value: new Date(c.slaDeadline) });
    if (c.atRisk !== undefined) attributes.push({ key: SlaAtRisk, value: c.atRisk });
    if (c.trackingCode) attributes.push({ key: TrackingCode, value: c.trackingCode });
    const handle = await env.client.workflow.start(WORKFLOW_TYPE, { workflowId: ids[name]!, taskQueue, args: [], typedSearchAttributes: attributes, staticSummary: `${name} at ${c.office}` });
    if (c.closed) await handle.terminate('its application was closed');
  }
});
afterAll(async () => env?.teardown());

/** The workflow ids a query returns, once visibility has caught up with `expected`. */
const listed = async (query: string, expected: string[]) =>
  eventually(
    async () => {
      const found: string[] = [];
      for await (const wf of env.client.workflow.list({ query })) found.push(wf.workflowId);
      return found.sort();
    },
    (found) => found.length >= expected.length,
  );
const idsOf = (...names: string[]) => names.map((n) => ids[n]!).sort();
const queryOf = (id: string, office?: string) => managerQueries({ now: new Date(now), office }).find((q) => q.id === id)!.query;

describe("the managers' queries on the dev server", () => {
  it('find what is past its SLA and not printed, in all offices and in one', async () => {
    expect(await listed(queryOf('past-sla'), idsOf('pastSla', 'breachedElsewhere'))).toEqual(idsOf('pastSla', 'breachedElsewhere'));
    expect(await listed(queryOf('past-sla', 'PLU'), idsOf('pastSla'))).toEqual(idsOf('pastSla'));
  });

  it('find what is stuck in a stage longer than its norm', async () => {
    expect(await listed(queryOf('stuck'), idsOf('bookingForgotten'))).toEqual(idsOf('bookingForgotten'));
  });

  it("list one office's open applications", async () => {
    const open = idsOf('pastSla', 'printingInTime', 'bookingForgotten', 'breachedLastMonth');
    expect(await listed(queryOf('office-open', 'PLU'), open)).toEqual(open);
  });

  it('find the breaches of this month only', async () => {
    expect(await listed(queryOf('breached-this-month'), idsOf('breachedElsewhere'))).toEqual(idsOf('breachedElsewhere'));
    expect(await listed(queryOf('breached-this-month', 'PLU'), [])).toEqual([]);
  });

  it('print the same lists from the terminal with npm run stuck', async () => {
    await listed(queryOf('office-open', 'PLU'), idsOf('pastSla', 'printingInTime', 'bookingForgotten', 'breachedLastMonth'));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/stuck.ts', '--office', 'PLU'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: env.address },
    });
    const section = (title: string) => stdout.slice(stdout.indexOf(title)).split('\n\n')[0]!;
    expect(section('Past the SLA deadline and not printed')).toMatch(/not printed: 1\n/);
    expect(section('Past the SLA deadline and not printed')).toContain(ids.pastSla);
    expect(section('Stuck in a stage longer than its norm')).toContain(ids.bookingForgotten);
    expect(section('Open applications at PLU')).toMatch(/at PLU: 4\n/);
    expect(stdout).not.toContain(ids.breachedElsewhere);
  });

  it('run npm run stuck in production with Temporal\'s address alone, linking to the Web UI it is told', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/stuck.ts', '--office', 'PLU'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', TEMPORAL_ADDRESS: env.address, TEMPORAL_UI_URL: 'http://passport-ops.example.go.id:8080/' },
    });
    expect(stdout).toMatch(/at PLU: 4\n/);
    expect(stdout).toContain('http://passport-ops.example.go.id:8080/namespaces/default/workflows?query=');
    const missing = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/stuck.ts'], { cwd: root, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' } }).catch((e: { stderr: string }) => e);
    expect((missing as { stderr: string }).stderr).toContain('TEMPORAL_ADDRESS: required in production');
  });
});

describe('issue 16 on the dev server', () => {
  it("find the application an applicant names by its tracking code, with the README's query", async () => {
    expect(await listed(byTrackingCode('VAYC-NFMU-68PZ'), idsOf('atRisk'))).toEqual(idsOf('atRisk'));
    expect(await listed(byTrackingCode(normaliseTrackingCode(' kq7r2mxw-tt4b ')!), idsOf('riskOver'))).toEqual(idsOf('riskOver'));
  });

  it("list what is at risk now, in every office and in one, with the README's at-risk query", async () => {
    expect(await listed(queryOf('at-risk'), idsOf('atRisk', 'deliveryAtRisk'))).toEqual(idsOf('atRisk', 'deliveryAtRisk'));
    expect(await listed(queryOf('at-risk', 'PLG'), idsOf('atRisk'))).toEqual(idsOf('atRisk'));
  });

  it('never put what a person typed into a query: only a tracking code goes in', () => {
    for (const typed of ['VAYC-NFMU-68P"', 'VAYC-NFMU-68PZ" OR TrackingCode != "', 'VAYC-NFMU-68P1', 'VAYC-NFMU-68PZZ', '']) {
      expect(normaliseTrackingCode(typed), typed).toBeUndefined();
      expect(() => byTrackingCode(typed), typed).toThrow('not a tracking code');
    }
    expect(normaliseTrackingCode('vayc nfmu 68pz')).toBe('VAYC-NFMU-68PZ');
    expect(normaliseTrackingCode('vayc\u2013nfmu\u201468pz')).toBe('VAYC-NFMU-68PZ'); // en and em dashes, as pasted from a document
  });

  it('print one application by its tracking code with npm run stuck, and say so when there is none', async () => {
    await listed(byTrackingCode('VAYC-NFMU-68PZ'), idsOf('atRisk'));
    const stuck = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/stuck.ts', ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: env.address } }).then(
        ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const found = await stuck('--tracking', 'vaycnfmu68pz');
    expect(found.stdout).toContain(`VAYC-NFMU-68PZ: ${ids.atRisk} (RUNNING)`);
    expect(found.stdout).toContain('office PLG, stage AWAITING_PRINTING');
    expect(found.stdout).toContain(`SLA deadline ${new Date(cases.atRisk!.slaDeadline!).toISOString()}`);
    expect(found.stdout).toContain('at risk: yes');
    expect(found.stdout).toContain(`http://127.0.0.1:8233/namespaces/default/workflows/${ids.atRisk}`);
    const elsewhere = await stuck('--tracking', 'VAYC-NFMU-68PZ', '--office', 'PLU');
    expect(elsewhere).toMatchObject({ code: 1, stderr: expect.stringContaining('no workflow with this tracking code (VAYC-NFMU-68PZ at PLU)') });
    const malformed = await stuck('--tracking', 'VAYC-NFMU-68PZ" OR OfficeCode != "');
    expect(malformed).toMatchObject({ code: 2, stderr: expect.stringContaining('is not a tracking code') });
  });
});

describe('times in a query', () => {
  it('order an instant with milliseconds right against stored values at it and a millisecond either side', async () => {
    const atMsx = (query: string) => inOffice(query, 'MSX');
    await listed(atMsx(RUNNING), idsOf('justBefore', 'at', 'justAfter'));
    expect(await listed(atMsx(pastSla(MS_INSTANT)), idsOf('justBefore'))).toEqual(idsOf('justBefore'));
    expect(await listed(atMsx(enteredStageBefore('AWAITING_PRINTING', MS_INSTANT)), idsOf('justBefore'))).toEqual(idsOf('justBefore'));
    expect(await listed(atMsx(waitingSince('AWAITING_PRINTING', MS_INSTANT)), idsOf('justBefore', 'at'))).toEqual(idsOf('justBefore', 'at'));
    expect(await listed(atMsx(`SlaDeadline >= "${visibilityTime(MS_INSTANT)}"`), idsOf('at', 'justAfter'))).toEqual(idsOf('at', 'justAfter'));
  });

  it('write a whole second without a fraction, and any other instant to the millisecond', () => {
    expect(visibilityTime(new Date('2026-11-23T00:00:00Z'))).toBe('2026-11-23T00:00:00Z');
    expect(visibilityTime(Date.parse('2026-11-23T10:00:07.050Z'))).toBe('2026-11-23T10:00:07.050Z');
  });
});

describe('the README', () => {
  it("shows exactly the managers' queries", () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    for (const { query } of managerQueries({ now: new Date('2026-11-23T00:00:00Z'), office: 'PLU' })) expect(readme).toContain(query);
    expect(readme).toContain(byTrackingCode('VAYC-NFMU-68PZ'));
  });
});
