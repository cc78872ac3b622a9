// Bearer tokens (HS256 JWT) for officers and managers, scoped to an office.
import type { MiddlewareHandler } from 'hono';
import { sign, verify } from 'hono/jwt';
import { z } from 'zod';
import { HttpProblem } from './problems.js';

const claimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(['officer', 'manager']),
  office: z.string().min(1),
  exp: z.number(),
});
export type StaffClaims = z.infer<typeof claimsSchema>;

export const mintStaffToken = (secret: string, claims: Omit<StaffClaims, 'exp'>, ttlSeconds = 8 * 3600): Promise<string> =>
  sign({ ...claims, exp: Math.floor(Date.now() / 1000) + ttlSeconds }, secret, 'HS256');

export type StaffEnv = { Variables: { staff: StaffClaims } };

/** Requires a valid token of one of `roles`; the claims are then in `c.get('staff')`. */
export const requireStaff =
  (secret: string, roles: StaffClaims['role'][]): MiddlewareHandler<StaffEnv> =>
  async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!token) throw new HttpProblem('unauthenticated', 'send an officer or manager token as "Authorization: Bearer <token>"');
    let claims: StaffClaims;
    try {
      claims = claimsSchema.parse(await verify(token, secret, 'HS256'));
    } catch {
      throw new HttpProblem('unauthenticated', 'the token is invalid or expired');
    }
    if (!roles.includes(claims.role)) throw new HttpProblem('forbidden', `this action needs the role ${roles.join(' or ')}`);
    c.set('staff', claims);
    await next();
  };
