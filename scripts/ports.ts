// Before `npm start` starts anything: is each port it will listen on free, and if not, which process holds it.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

export interface PortUse {
  port: number;
  host: string;
  /** What will listen there, e.g. "PostgreSQL (embedded)". */
  what: string;
  /** The setting that moves it. */
  envVar: string;
}

const listenError = (port: number, host: string): Promise<NodeJS.ErrnoException | undefined> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });

/** The processes listening on TCP `port` (Linux: /proc/net/tcp{,6} and each process's open sockets). */
export function portHolders(port: number): Array<{ pid: number; command: string }> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const localPort = fields[1]?.split(':')[1];
      if (fields[3] === '0A' && localPort && parseInt(localPort, 16) === port && fields[9]) inodes.add(`socket:[${fields[9]}]`); // 0A: LISTEN
    }
  }
  if (inodes.size === 0) return [];
  const holders: Array<{ pid: number; command: string }> = [];
  for (const entry of safe(() => readdirSync('/proc'), [])) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = safe(() => readdirSync(`/proc/${entry}/fd`), []);
    if (fds.some((fd) => inodes.has(safe(() => readlinkSync(`/proc/${entry}/fd/${fd}`), '')))) {
      const command = safe(() => readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' '), '?');
      holders.push({ pid: Number(entry), command: command.length > 300 ? `${command.slice(0, 300)}…` : command });
    }
  }
  return holders;
}

function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** One message per port that cannot be listened on: who holds it and how to clear it. */
export async function portProblems(uses: PortUse[]): Promise<string[]> {
  const problems: string[] = [];
  for (const use of uses) {
    if (use.port === 0) continue;
    const error = await listenError(use.port, use.host);
    if (!error) continue;
    const where = `port ${use.port} on ${use.host} (${use.what}, ${use.envVar})`;
    if (error.code !== 'EADDRINUSE') {
      problems.push(`${where} cannot be used: ${error.code ?? error.message}. Set ${use.envVar} to another port.`);
      continue;
    }
    const holders = portHolders(use.port);
    const by = holders.length
      ? holders.map((h) => `pid ${h.pid} (${h.command})`).join(', ')
      : `a process this user cannot see (\`ss -ltnp 'sport = :${use.port}'\` names it)`;
    const stop = holders.length ? `Stop it (\`kill ${holders.map((h) => h.pid).join(' ')}\`)` : 'Stop it';
    problems.push(`${where} is in use by ${by}. ${stop}, or set ${use.envVar} to a free port.`);
  }
  return problems;
}
