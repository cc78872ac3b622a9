// The contract between `npm run bench` (bench/run.ts) and each scenario (bench/scenarios/*.ts).
import type { Cluster } from '../scripts/cluster.js';

/** One measured figure, stated with the one it is compared to and the target for their ratio. */
export interface Figure {
  /** What was measured, in words: "applications per second through the API". */
  name: string;
  value: number;
  unit: string;
  /** The figure it is compared to in the same run (the no-op workflow, bare node:http, a raw UPDATE loop). */
  baseline?: { name: string; value: number; unit: string };
  /** The target, in words ("≥ 80 % of the no-op workflow", "≤ 0.25 CPU-s per application"). */
  target?: string;
  /** Whether this run met the target (absent when the figure has no target). */
  met?: boolean;
  /** Anything a reader needs to trust or read the figure (sample size, what was excluded). */
  note?: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  figures: Figure[];
  /** Raw numbers kept in the JSON only (percentiles, per-process CPU, counts). */
  details?: Record<string, unknown>;
  /** How long the scenario took, set by the runner. */
  seconds?: number;
}

export interface Progress {
  tick(by?: number): void;
  done(): void;
}

export interface BenchContext {
  /** `--quick`: the whole run under 3 minutes, smaller counts. */
  quick: boolean;
  /** The embedded stack the run started (PostgreSQL, Temporal dev server, worker, API as separate processes). */
  cluster: Cluster;
  /** A progress bar on stderr (a plain line per step when stderr is not a terminal). */
  progress(label: string, total: number): Progress;
  log(line: string): void;
}

export interface Scenario {
  /** Short name for `--only`: lifecycle, actions, tracking, booking, memory, scaling. */
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}
