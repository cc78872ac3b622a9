// The functions a V8 CPU profile (node --cpu-prof, a .cpuprofile file) spent most self time in.

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
  samples?: number[];
  timeDeltas?: number[];
}

/** The `n` functions with the most self time, by name and place, and their share of the busy time ("(idle)" left out; "(program)" and GC kept). */
export function topSelfTime(profile: CpuProfile, n = 10): Array<{ fn: string; selfMs: number; share: number }> {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  const samples = profile.samples ?? [];
  for (const [i, id] of samples.entries()) {
    const dt = Math.max(0, profile.timeDeltas?.[i] ?? 0);
    const frame = byNode.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') continue;
    const file = frame.url ? frame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '') : '';
    const name = `${frame.functionName || '(anonymous)'}${file ? ` ${file.replace(/^.*?\/(api|workflows|activities|worker|db|scripts)\//, '$1/')}:${frame.lineNumber + 1}` : ''}`;
    selfUs.set(name, (selfUs.get(name) ?? 0) + dt);
    totalUs += dt;
  }
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, us]) => ({ fn, selfMs: us / 1000, share: totalUs ? us / totalUs : 0 }));
}
