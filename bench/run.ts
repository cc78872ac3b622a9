// `npm run bench [-- --quick] [--only lifecycle,actions] [--profile]`: starts the embedded stack once
// (scripts/cluster.ts), runs each scenario (bench/scenarios/) with a progress bar, and writes
// bench/results/<date>[-quick][-<only>].json and a Markdown summary beside it, printed at the end.
// Exit 1 when a scenario throws (after writing what was measured); a missed target is a figure, not a failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { startCluster } from '../scripts/cluster.js';
import { topSelfTime, type CpuProfile } from './cpuprofile.js';
import { BENCH_ENV } from './drive.js';
import { renderMarkdown, type RunRecord } from './render.js';
import type { BenchContext, ScenarioResult } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';

const root = resolve(import.meta.dirname, '..');
const usage = `usage: npm run bench -- [--quick] [--only ${SCENARIOS.map((s) => s.id).join(',')}] [--profile]
  --quick    smaller counts: the whole run in under 3 minutes
  --only     run only these scenarios (comma-separated ids)
  --profile  run the API and worker with --cpu-prof (bench/results/profiles/) and list their top functions`;
const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, profile: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = only?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
if (unknown.length) {
  console.error(`unknown scenario ${unknown.join(', ')}\n${usage}`);
  process.exit(2);
}
const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.id));

const resultsDir = join(root, 'bench/results');
const profileDir = join(resultsDir, 'profiles');
const startedAt = new Date();
const log = (line: string) => process.stderr.write(`${line}\n`);

function progress(label: string, total: number) {
  const bar = new cliProgress.SingleBar(
    { format: ` ${label.padEnd(24)} |{bar}| {value}/{total} {duration}s`, hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: 5_000, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { tick: (by = 1) => bar.increment(by), done: () => bar.stop() };
}

function machine(): RunRecord['machine'] {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim()) commit += ' (with local changes)';
  } catch {
    // not a git clone
  }
  return { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, commit };
}

/** Each profile (node writes one per thread: CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile) with busy time: its top self-time functions. */
function readProfiles(pids: Record<string, number | undefined>): RunRecord['profiles'] {
  const profiles: NonNullable<RunRecord['profiles']> = {};
  if (!existsSync(profileDir)) return profiles;
  for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const [, pid, thread] = /^CPU\.\d+\.\d+\.(\d+)\.(\d+)\.\d+\.cpuprofile$/.exec(file) ?? [];
    const name = Object.entries(pids).find(([, p]) => String(p) === pid)?.[0] ?? `another worker or API process, pid ${pid}`;
    const top = topSelfTime(JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile, 10);
    const busyMs = top.reduce((t, f) => t + f.selfMs, 0);
    // Threads that did next to nothing (tsx's loader thread) would only lengthen the summary.
    if (busyMs >= 500) profiles[`${name}, ${thread === '0' ? 'main thread' : `thread ${thread}`} (${file})`] = top;
  }
  return profiles;
}

async function main(): Promise<number> {
  mkdirSync(resultsDir, { recursive: true });
  if (values.profile) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  log(`bench: ${scenarios.map((s) => s.id).join(', ')}${values.quick ? ' (quick)' : ''}; starting the embedded stack`);
  const cluster = await startCluster({ env: BENCH_ENV, ...(values.profile && { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] }) });
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('\ninterrupted: stopping every process');
    void cluster.shutdown().finally(() => process.exit(130));
  });
  const pids = { api: cluster.pids('api')[0], worker: cluster.pids('worker')[0] };
  const results: ScenarioResult[] = [];
  const failures: RunRecord['failures'] = [];
  try {
    const ctx: BenchContext = { quick: values.quick, cluster, progress, log };
    for (const scenario of scenarios) {
      if (interrupted) break;
      log(`\n${scenario.title} (${scenario.id})`);
      try {
        const began = Date.now();
        results.push({ ...(await scenario.run(ctx)), seconds: (Date.now() - began) / 1000 });
      } catch (error) {
        failures.push({ id: scenario.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        log(`${scenario.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    await cluster.shutdown(); // the API and worker write their CPU profiles as they exit
  }
  const run: RunRecord = {
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    machine: machine(),
    options: { quick: values.quick, ...(only && { only }), profile: values.profile },
    results,
    failures,
    ...(values.profile && { profiles: readProfiles(pids) }),
  };
  const base = join(resultsDir, `${run.startedAt.slice(0, 10)}${values.quick ? '-quick' : ''}${only ? `-${only.join('-')}` : ''}`);
  const markdown = renderMarkdown(run);
  writeFileSync(`${base}.json`, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown);
  console.log(`\n${markdown}\nwritten: ${base}.json and .md`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
