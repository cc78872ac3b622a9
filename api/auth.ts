// Bearer tokens (HS256 JWT): applicants (short-lived, `sub` = account id), and officers, finance officers and
// managers scoped to one office (`office: '*'` is the directorate: for managers every office, for finance officers
// the refunds of no office; never for officers).
import type { MiddlewareHandler } from 'hono';
import { sign, verify } from 'hono/jwt';
import { z } from 'zod';
import { HttpProblem } from './problems.js';
import { text } from './schemas.js';
import { ALL_OFFICES } from '../workflows/definitions.js';

const ROLES = ['applicant', 'officer', 'manager', 'finance'] as const;
export type Role = (typeof ROLES)[number];

// The subject reaches PostgreSQL (the audit log's actor), so it is held to the free-text rules too.
const subject = text().min(1).max(200);
const claimsSchema = z.discriminatedUnion('role', [
  z.object({ sub: subject, role: z.literal('applicant'), exp: z.number() }),
  // A finance officer decides the refunds of one office, or (office '*', the directorate's) those of no office.
  z.object({ sub: subject, role: z.enum(['officer', 'manager', 'finance']), office: z.string().regex(/^([A-Z]{3}|\*)$/), exp: z.number() }),
]);
export type Claims = z.infer<typeof claimsSchema>;
export type StaffClaims = Extract<Claims, { role: 'officer' | 'manager' | 'finance' }>;
export type ApplicantClaims = Extract<Claims, { role: 'applicant' }>;

const ROLE_NAMES: Record<Role, string> = { applicant: 'an applicant', officer: 'an officer', manager: 'a manager', finance: 'a finance officer' };

/** The directorate's scope (workflows/definitions.ts). */
export { ALL_OFFICES };

/** The office a manager asks about (`requested`, else their own): any for the directorate (`*`), only their own otherwise (403). */
export function managerScope(own: string, requested: string | undefined): string {
  const scope = requested ?? own;
  if (own !== ALL_OFFICES && scope !== own) throw new HttpProblem('forbidden', `your scope is office ${own}`);
  return scope;
}

const mint = (secret: string, claims: Record<string, string>, ttlSeconds: number): Promise<string> =>
  sign({ ...claims, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + ttlSeconds }, secret, 'HS256');

export const mintStaffToken = (secret: string, claims: Omit<StaffClaims, 'exp'>, ttlSeconds = 8 * 3600): Promise<string> => {
  if (claims.role === 'officer' && claims.office === ALL_OFFICES) throw new Error(`${ROLE_NAMES[claims.role]} belongs to one office`);
  return mint(secret, claims, ttlSeconds);
};

export const mintApplicantToken = (secret: string, accountId: string, ttlSeconds: number): Promise<string> =>
  mint(secret, { sub: accountId, role: 'applicant' }, ttlSeconds);

export type AuthEnv = { Variables: { claims: Claims } };
export type ApplicantEnv = { Variables: { claims: ApplicantClaims } };
export type StaffEnv = { Variables: { claims: StaffClaims } };

const describe = (roles: readonly Role[]) => roles.map((r) => ROLE_NAMES[r]).join(' or ');

/** Requires a valid token of one of `roles`; the claims are then in `c.get('claims')`. */
export const requireRole =
  <R extends Role>(secret: string, ...roles: R[]): MiddlewareHandler<{ Variables: { claims: Extract<Claims, { role: R }> } }> =>
  async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!token) throw new HttpProblem('unauthenticated', `send ${describe(roles)} token as "Authorization: Bearer <token>"`);
    let claims: Claims;
    try {
      claims = claimsSchema.parse(await verify(token, secret, 'HS256'));
    } catch {
      throw new HttpProblem('unauthenticated', 'the token is invalid or expired; log in again');
    }
    if (!(roles as Role[]).includes(claims.role)) throw new HttpProblem('forbidden', `this needs ${describe(roles)} token`);
    c.set('claims', claims as Extract<Claims, { role: R }>);
    await next();
  };
