// A guard between a supervisor and one child (PostgreSQL, the Temporal dev server). Its IPC channel to the
// supervisor closes however the supervisor ends, SIGKILL included: the guard then stops the child, so nothing
// is left behind. Started by scripts/guarded.ts as `node guard.mjs '<json spec>'` in a process group of its own.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

// spec: { command, args, uid?, gid?, cwd?, env?, stopSignal, killAfterMs }
const spec = JSON.parse(process.argv[2] ?? '{}');
const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe'], uid: spec.uid, gid: spec.gid, cwd: spec.cwd, env: { ...process.env, ...spec.env } });

// The supervisor may be gone: its end of the pipes with it. The child's output is then dropped, never an error.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
child.stdout.on('data', (chunk) => process.stdout.writable && process.stdout.write(chunk));
child.stderr.on('data', (chunk) => process.stderr.writable && process.stderr.write(chunk));

const tell = (message) => process.connected && process.send(message, () => undefined);
child.once('spawn', () => tell({ pid: child.pid }));
child.once('error', (error) => {
  tell({ error: `${error.code ?? 'error'}: cannot run ${spec.command} (${error.message})` });
  finish(127);
});

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) child.kill(spec.stopSignal);
  setTimeout(() => child.kill('SIGKILL'), spec.killAfterMs).unref();
}
process.on('disconnect', stop);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, stop);

function finish(code) {
  if (process.connected) process.disconnect();
  process.exit(code);
}
child.once('exit', (code, signal) => {
  const status = code ?? 128 + (constants.signals[signal] ?? 0);
  // The rest of its output first; backends of a killed PostgreSQL may hold the pipe a moment longer.
  child.once('close', () => finish(status));
  setTimeout(() => finish(status), 1000);
});
