// One owner for the shutdown signals (SIGTERM and SIGINT unless told) in each process: a process must drain
// first, so its own handler replaces every other (a library's exit hook would end the process at once).
export function onShutdownSignal<S extends NodeJS.Signals = 'SIGTERM' | 'SIGINT'>(
  handler: (signal: S) => void | Promise<void>,
  signals: readonly S[] = ['SIGTERM', 'SIGINT'] as S[],
): void {
  let received = false;
  for (const signal of signals) {
    process.removeAllListeners(signal);
    // `on`, not `once`: a second signal must not find the default action (kill) mid-drain.
    process.on(signal, () => {
      if (received) return;
      received = true;
      void handler(signal);
    });
  }
}
