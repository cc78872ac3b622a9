// Pure helpers of the tracking, booking and memory scenarios: percentiles, /proc readings, Prometheus text.
import { readdirSync, readFileSync } from 'node:fs';

/** The nearest-rank percentile `p` (0-100) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Rounded to `digits` decimals, for figures a reader compares by eye. */
export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

export interface ProcessMemory {
  /** Resident set size, MB. */
  rssMb: number;
  /** Its anonymous part (heaps, stacks; no mapped files), MB. */
  rssAnonMb: number;
}

/** VmRSS and RssAnon of a /proc/<pid>/status text (both in kB there). */
export function parseProcStatus(text: string): ProcessMemory {
  const kb = (key: string) => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!match) throw new Error(`no ${key} in /proc status`);
    return Number(match[1]) / 1024;
  };
  return { rssMb: kb('VmRSS'), rssAnonMb: kb('RssAnon') };
}

export const processMemory = (pid: number): ProcessMemory => parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));

/**
 * The sum of a metric's samples in a Prometheus text exposition, over the samples whose labels include
 * every one of `labels`; undefined when no sample matches.
 */
export function promValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const own = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).some(([k, v]) => own[k] !== v)) continue;
    sum = (sum ?? 0) + Number(match[3]);
  }
  return sum;
}

/**
 * The last line of a pino log whose `msg` is `message`, parsed; undefined when there is none. The worker
 * logs `worker polling` once it polls, with its metrics address.
 */
export function lastLogLine(log: string, message: string): Record<string, unknown> | undefined {
  const lines = log.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i]!.includes(message)) continue;
    try {
      const entry = JSON.parse(lines[i]!) as Record<string, unknown>;
      if (entry.msg === message) return entry;
    } catch {
      // not JSON (a stack trace, the SDK's own output)
    }
  }
  return undefined;
}

/** Runs `work` over `items` with at most `limit` at once; the results in the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** The busy and total jiffies of all CPUs from a /proc/stat text (busy: everything but idle and iowait). */
export function parseCpuTimes(text: string): { busy: number; total: number } {
  const fields = /^cpu\s+(.+)$/m.exec(text)?.[1]?.trim().split(/\s+/).map(Number);
  if (!fields || fields.length < 5) throw new Error('no cpu line in /proc/stat');
  const total = fields.reduce((t, v) => t + v, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

/**
 * Waits until the machine's CPUs are below `share` busy over a second (the workflows just started have done
 * their first steps), at most `timeoutMs`; returns the last second's busy share.
 */
export async function quiet(share = 0.15, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const before = parseCpuTimes(readFileSync('/proc/stat', 'utf8'));
    await new Promise((r) => setTimeout(r, 1000));
    const after = parseCpuTimes(readFileSync('/proc/stat', 'utf8'));
    const busy = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    if (busy < share || Date.now() > deadline) return busy;
  }
}

/**
 * The pids of the processes whose command line has `argument` and whose environment has `variable`
 * (`NAME=value`): e.g. the worker of one cluster, by its script and its own task queue.
 */
export function findProcesses(argument: string, variable: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes(argument) && readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(variable)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
