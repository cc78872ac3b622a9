// Children that cannot outlive the process that started them: each runs under scripts/guard.mjs, which
// stops it when this process ends by any means (SIGKILL included), in a process group of its own so that a
// terminal's Ctrl-C reaches only this process, which then stops the children itself, in order.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GUARD = fileURLToPath(new URL('./guard.mjs', import.meta.url));

export interface GuardedProcess {
  /** The child's own pid (not the guard's). */
  pid: number;
  /** Resolves with the child's exit status (128 + n for signal n) once it has ended, for whatever reason. */
  exited: Promise<number>;
  /** Sends the stop signal (then SIGKILL after `killAfterMs`) and waits for the child's end. */
  stop(): Promise<number>;
}

/** Thrown when the child could not be started at all (e.g. its binary cannot be run by `uid`). */
export class SpawnError extends Error {}

export function spawnGuarded(
  command: string,
  args: string[],
  opts: {
    uid?: number;
    gid?: number;
    cwd?: string;
    env?: Record<string, string>;
    /** How the child is asked to stop: SIGTERM unless it has a faster clean shutdown (PostgreSQL: SIGINT). */
    stopSignal?: NodeJS.Signals;
    killAfterMs?: number;
    onOutput?: (text: string) => void;
  } = {},
): Promise<GuardedProcess> {
  const spec = { command, args, uid: opts.uid, gid: opts.gid, cwd: opts.cwd, env: opts.env, stopSignal: opts.stopSignal ?? 'SIGTERM', killAfterMs: opts.killAfterMs ?? 10_000 };
  const guard = spawn(process.execPath, [GUARD, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true, env: process.env });
  guard.stdout!.on('data', (chunk: Buffer) => opts.onOutput?.(chunk.toString()));
  guard.stderr!.on('data', (chunk: Buffer) => opts.onOutput?.(chunk.toString()));
  const exited = new Promise<number>((resolve) => guard.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 0))));

  return new Promise((resolve, reject) => {
    guard.once('error', reject);
    void exited.then((code) => reject(new SpawnError(`${command} exited at once (status ${code})`)));
    guard.once('message', (message: { pid?: number; error?: string }) => {
      if (message.error || !message.pid) return reject(new SpawnError(message.error ?? `${command} did not start`));
      resolve({
        pid: message.pid,
        exited,
        stop: () => {
          if (guard.exitCode === null && guard.signalCode === null) guard.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
