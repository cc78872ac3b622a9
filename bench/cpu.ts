// CPU time of processes from /proc/<pid>/stat (Linux): user + system time of each process (all its threads),
// plus the time of its children that have exited and been waited for (PostgreSQL's finished backends).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  ppid: number;
  /** Clock ticks: this process's own user and system time (every thread), and its waited-for children's. */
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

/** Parses one /proc/<pid>/stat line; the command name (field 2) may hold spaces and parentheses. */
export function parseStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc stat line: ${text.slice(0, 80)}`);
  const pid = Number(text.slice(0, text.indexOf(' ')));
  // Fields from 3 (state) on; utime is field 14, so index 11 here.
  const rest = text.slice(close + 2).trim().split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  return { pid, ppid: field(4), utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
}

let ticks: number | undefined;
/** Clock ticks per second (getconf CLK_TCK; 100 on every usual Linux). */
export function clockTicks(): number {
  if (ticks === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim();
    ticks = Number(out) > 0 ? Number(out) : 100;
  }
  return ticks;
}

const readStat = (pid: number): ProcStat | undefined => {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone meanwhile
  }
};

/**
 * CPU seconds used so far by `roots` (each with its waited-for children) and by `others` (live children of a
 * root, e.g. PostgreSQL backends, counted once each). A difference of two readings is the CPU of what ran
 * between them, backends that ended meanwhile included (their time moved into the root's cutime).
 */
export function cpuSeconds(roots: readonly number[], others: readonly number[] = []): number {
  let total = 0;
  for (const pid of roots) {
    const s = readStat(pid);
    if (s) total += s.utime + s.stime + s.cutime + s.cstime;
  }
  for (const pid of others) {
    const s = readStat(pid);
    if (s) total += s.utime + s.stime;
  }
  return total / clockTicks();
}
