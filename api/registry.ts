// The population registry (Dukcapil) behind one interface: is this NIK a resident with this name and birth date?
// Used by the API at submission and by the worker's recheck (activities/registry.ts). The NIK, name and birth date
// it sends are never logged, nor put into an error message or a workflow payload.
import { z } from 'zod';
import type { Config } from '../config.js';

/** The facts the registry is asked to confirm (what the applicant submitted). */
export interface Identity {
  nik: string;
  fullName: string;
  birthDate: string;
}

/** Which submitted facts the registry disagrees with: field names only, never the registry's own data. */
export const REGISTRY_FIELDS = ['fullName', 'birthDate'] as const;
export type RegistryField = (typeof REGISTRY_FIELDS)[number];

export type RegistryVerdict = { status: 'MATCH' } | { status: 'MISMATCH'; fields: RegistryField[] } | { status: 'NOT_FOUND' };

export interface PopulationRegistry {
  /** Throws RegistryUnavailable when the registry cannot give an answer (down, 5xx, too slow, an answer it cannot read). */
  verify(identity: Identity): Promise<RegistryVerdict>;
}

/** The registry gave no answer this service can use; the message says why, without the identity asked about. */
export class RegistryUnavailable extends Error {
  override readonly name = 'RegistryUnavailable';
}

/**
 * A name as compared: case and spaces do not count ("siti  rahmawati" is "SITI RAHMAWATI"). The adapter sends it in
 * this form, so a registry compares what the applicant meant, not how it was typed.
 */
export const comparableName = (name: string): string => name.normalize('NFC').trim().replace(/\s+/g, ' ').toUpperCase();
export const sameName = (a: string, b: string): boolean => comparableName(a).replace(/ /g, '') === comparableName(b).replace(/ /g, '');

/** The registry's answer: the NIK is not a resident, or it is, with a verdict per submitted field. */
const answer = z.union([
  z.object({ found: z.literal(false) }),
  z.object({ found: z.literal(true), matches: z.object({ fullName: z.boolean(), birthDate: z.boolean() }) }),
]);

/**
 * The registry's verification API over HTTP: `POST <baseUrl>/verify` with `Authorization: Bearer <token>` and
 * `{"nik", "fullName", "birthDate"}` (the name in capitals, single-spaced), answered 200 with `{"found": false}` or
 * `{"found": true, "matches": {"fullName": bool, "birthDate": bool}}`. Anything else, or no answer within
 * `timeoutMs`, is RegistryUnavailable.
 */
export const httpRegistry = (options: { baseUrl: string; token?: string; timeoutMs: number }): PopulationRegistry => {
  const url = new URL('verify', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(options.token && { authorization: `Bearer ${options.token}` }) };
  return {
    async verify({ nik, fullName, birthDate }) {
      let parsed: z.infer<typeof answer>;
      try {
        // One deadline for the whole exchange, the body included: a registry that trickles its answer is as slow as one that hangs.
        const signal = AbortSignal.timeout(options.timeoutMs);
        const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ nik, fullName: comparableName(fullName), birthDate }), signal });
        const text = await response.text();
        if (!response.ok) throw new RegistryUnavailable(`the population registry answered ${response.status}`);
        const result = answer.safeParse(JSON.parse(text));
        if (!result.success) throw new RegistryUnavailable('the population registry answered something this service cannot read');
        parsed = result.data;
      } catch (error) {
        if (error instanceof RegistryUnavailable) throw error;
        if (error instanceof SyntaxError) throw new RegistryUnavailable('the population registry answered something this service cannot read');
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        throw new RegistryUnavailable(timedOut ? `the population registry did not answer within ${options.timeoutMs / 1000} s` : 'the population registry cannot be reached', { cause: error });
      }
      if (!parsed.found) return { status: 'NOT_FOUND' };
      const fields = REGISTRY_FIELDS.filter((field) => !parsed.matches[field]);
      return fields.length === 0 ? { status: 'MATCH' } : { status: 'MISMATCH', fields };
    },
  };
};

/** The registry the configuration names; undefined without DUKCAPIL_API_URL (refused in production: scripts/api.ts). */
export const registryFromConfig = (config: Pick<Config, 'DUKCAPIL_API_URL' | 'DUKCAPIL_API_TOKEN' | 'DUKCAPIL_TIMEOUT_SECONDS'>): PopulationRegistry | undefined =>
  config.DUKCAPIL_API_URL ? httpRegistry({ baseUrl: config.DUKCAPIL_API_URL, token: config.DUKCAPIL_API_TOKEN, timeoutMs: config.DUKCAPIL_TIMEOUT_SECONDS * 1000 }) : undefined;
