// The Markdown summary of a bench run: one table per scenario, each figure beside the one it is compared to.
import type { Figure, ScenarioResult } from './scenario.js';

export interface RunRecord {
  startedAt: string;
  seconds: number;
  machine: { cpus: number; model: string; memoryGb: number; node: string; commit: string };
  options: { quick: boolean; only?: string[]; profile: boolean };
  results: ScenarioResult[];
  /** Scenarios that threw: what they measured is missing. */
  failures: Array<{ id: string; error: string }>;
  /** `--profile`: the top self-time functions of each process. */
  profiles?: Record<string, Array<{ fn: string; selfMs: number; share: number }>>;
}

const number = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2)) : 'n/a');
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One table row: the figure, its baseline and their ratio, the target and whether it was met. */
export function figureRow(f: Figure): string {
  const baseline = f.baseline ? `${number(f.baseline.value)} ${f.baseline.unit} (${f.baseline.name})` : '';
  const ratio = f.baseline && f.baseline.value !== 0 && f.unit === f.baseline.unit ? `${Math.round((f.value / f.baseline.value) * 100)} %` : '';
  const met = f.met === undefined ? '' : f.met ? 'met' : '**missed**';
  return `| ${cell(f.name)} | ${number(f.value)} ${cell(f.unit)} | ${cell(baseline)} | ${ratio} | ${cell(f.target ?? '')} | ${met} | ${cell(f.note ?? '')} |`;
}

export function renderMarkdown(run: RunRecord): string {
  const m = run.machine;
  const lines = [
    `# Bench ${run.startedAt.slice(0, 10)}${run.options.quick ? ' (quick)' : ''}`,
    '',
    `${m.cpus} × ${m.model}, ${m.memoryGb} GB, Node ${m.node}, commit ${m.commit}; ${Math.round(run.seconds)} s in all${run.options.only ? `; only ${run.options.only.join(', ')}` : ''}.`,
  ];
  for (const r of run.results) {
    lines.push('', `## ${r.title} (\`${r.id}\`)`, '', ...(r.seconds === undefined ? [] : [`${Math.round(r.seconds)} s.`, '']), '| figure | value | compared to | ratio | target | | note |', '|---|---|---|---|---|---|---|');
    lines.push(...r.figures.map(figureRow));
  }
  for (const f of run.failures) lines.push('', `## \`${f.id}\` failed`, '', '```', f.error, '```');
  for (const [process, top] of Object.entries(run.profiles ?? {})) {
    lines.push('', `## Profile: ${process}, top self time`, '', '| function | self ms | share |', '|---|---|---|');
    lines.push(...top.map((t) => `| ${cell(t.fn)} | ${Math.round(t.selfMs)} | ${(t.share * 100).toFixed(1)} % |`));
  }
  return lines.join('\n') + '\n';
}
