// Applicant passwords: scrypt (memory-hard, built into Node), stored as `scrypt$N$r$p$salt$hash`.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// N = 2^15, r = 8, p = 1: 32 MiB and ~0.1 s per hash. Below OWASP's current minimum for scrypt (N = 2^17 with
// r = 8, p = 1; or N = 2^15 with p = 3), which costs 3-4 times the CPU per sign-in: a decision left open. Each
// stored hash carries its parameters, so they can be raised for new hashes without touching the old ones.
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

const derive = (password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 128 * options.N! * options.r! * 2 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** A hash to compare against when the account does not exist, so both cases take the same time. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  decoy ??= hashPassword('not a password anyone has');
  const [scheme, n, r, p, salt, key] = (stored ?? (await decoy)).split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return stored !== undefined && actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** More sign-ins or registrations at once than the hashing queue takes: the caller answers 503 with Retry-After. */
export class HashingBusy extends Error {
  constructor() {
    super('too many sign-ins and registrations at once; try again in a few seconds');
  }
}

/**
 * Hashing for a server: at most `running` hashes at a time (each ~0.1 s of a core and 32 MiB), at most `waiting` more
 * queued; one past that is refused at once (HashingBusy) instead of queueing without end, so a flood of sign-ins or
 * registrations costs a bounded share of the CPUs and memory and every other route keeps answering.
 */
export function passwordHashing({ running = 2, waiting }: { running?: number; waiting: number }) {
  let active = 0;
  const queue: Array<() => void> = [];
  const limited = async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= running) {
      if (queue.length >= waiting) throw new HashingBusy();
      await new Promise<void>((resolve) => queue.push(resolve));
    } else active++;
    try {
      return await work();
    } finally {
      const next = queue.shift();
      if (next) next(); // the slot passes to the next in line
      else active--;
    }
  };
  return {
    /** `work` in a slot of its own (what it hashes, with hashPassword or verifyPassword), refused at once when the line is full. */
    run: limited,
    hash: (password: string) => limited(() => hashPassword(password)),
    verify: (password: string, stored: string | undefined) => limited(() => verifyPassword(password, stored)),
  };
}
