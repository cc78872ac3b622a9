// One bench scenario on a cluster of its own, for working on it: `node --import tsx bench/try-scenario.ts
// tracking --quick`. Prints progress to stderr and the ScenarioResult as JSON, then stops every process.
import { parseArgs } from 'node:util';
import { startCluster } from '../scripts/cluster.js';
import type { BenchContext, Scenario } from './scenario.js';

const SCENARIOS: Record<string, () => Promise<{ scenario: Scenario }>> = {
  tracking: () => import('./scenarios/tracking.js'),
  booking: () => import('./scenarios/booking.js'),
  memory: () => import('./scenarios/memory.js'),
};

const { values, positionals } = parseArgs({ options: { quick: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } }, allowPositionals: true });
const load = SCENARIOS[positionals[0] ?? ''];
if (!load) {
  console.error(`usage: node --import tsx bench/try-scenario.ts ${Object.keys(SCENARIOS).join('|')} [--quick] [--keep]`);
  process.exit(2);
}
const { scenario } = await load();
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const cluster = await startCluster({ keepData: values.keep });
console.error(`[${elapsed()}] cluster up: API ${cluster.apiUrl}, data in ${cluster.dir}`);
const ctx: BenchContext = {
  quick: values.quick,
  cluster,
  progress(label, total) {
    let done = 0;
    let shown = -1;
    return {
      tick(by = 1) {
        done += by;
        const tenth = Math.floor((10 * done) / Math.max(1, total));
        if (tenth !== shown) console.error(`[${elapsed()}] ${label} ${done}/${total}`);
        shown = tenth;
      },
      done: () => console.error(`[${elapsed()}] ${label} done`),
    };
  },
  log: (line) => console.error(`[${elapsed()}] ${line}`),
};
const scenarioStarted = Date.now();
try {
  const result = await scenario.run(ctx);
  console.log(JSON.stringify({ ...result, seconds: Math.round((Date.now() - scenarioStarted) / 100) / 10 }, null, 2));
} finally {
  await cluster.shutdown();
  console.error(`[${elapsed()}] cluster stopped${values.keep ? `; data kept in ${cluster.dir}` : ''}`);
}
