// Liveness and readiness. `/health` says the process answers (cheap, no dependency); `/health/ready` asks
// PostgreSQL and Temporal, each within a short deadline, so a load balancer or compose stops sending
// traffic within seconds of either going away, hung or down, and resumes when they are back.
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { ApiDeps } from './router.js';

/** Each dependency gets this long to answer; both are asked at once. */
export const READINESS_TIMEOUT_MS = 2_000;

export type Check = { status: 'ok'; ms: number } | { status: 'down'; ms: number; reason: string };

class NoAnswer extends Error {}

const within = <T>(ms: number, work: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswer(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};

async function check(name: string, probe: () => Promise<unknown>, log?: Logger): Promise<Check> {
  const started = Date.now();
  try {
    await within(READINESS_TIMEOUT_MS, probe());
    return { status: 'ok', ms: Date.now() - started };
  } catch (error) {
    const reason = error instanceof NoAnswer ? error.message : 'unreachable or refusing';
    log?.warn({ dependency: name, err: { name: (error as Error)?.name, message: (error as Error)?.message } }, `readiness: ${name} is down`);
    return { status: 'down', ms: Date.now() - started, reason };
  }
}

export async function readiness(deps: Pick<ApiDeps, 'db' | 'temporal' | 'config'>, log?: Logger) {
  const { db, temporal, config } = deps;
  const [postgresql, temporalCheck] = await Promise.all([
    check('PostgreSQL', () => sql`select 1`.execute(db), log),
    check(
      'Temporal',
      () => temporal.connection.withDeadline(Date.now() + READINESS_TIMEOUT_MS, () => temporal.workflowService.describeNamespace({ namespace: config.TEMPORAL_NAMESPACE })),
      log,
    ),
  ]);
  const checks = { postgresql, temporal: temporalCheck };
  const down = Object.entries({ PostgreSQL: postgresql, Temporal: temporalCheck })
    .filter(([, c]) => c.status === 'down')
    .map(([name]) => name);
  return { ready: down.length === 0, down, checks };
}
