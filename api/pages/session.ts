// The applicant's session in the portal: the API's own token (POST /auth/login) in an httpOnly, SameSite=Strict
// cookie limited to /portal, forwarded to the API as `Authorization: Bearer`. An expired token (the API answers
// 401) sends the person to sign in again, with the page they asked kept in `?next=`.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

export const SESSION_COOKIE = 'passport_session';
const COOKIE_PATH = '/portal';

/**
 * Secure when the person reached us over https (directly or through the proxy), or always in production: the
 * rule of both sign-in cookies, the portal's and the desk's.
 */
export const secureCookie = (c: Context, production: boolean): boolean =>
  production || new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

export function startSession(c: Context, token: string, production: boolean): void {
  setCookie(c, SESSION_COOKIE, token, { path: COOKIE_PATH, httpOnly: true, sameSite: 'Strict', secure: secureCookie(c, production) });
}

export function endSession(c: Context, production: boolean): void {
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH, httpOnly: true, sameSite: 'Strict', secure: secureCookie(c, production) });
}

export const sessionToken = (c: Context): string | undefined => getCookie(c, SESSION_COOKIE) || undefined;

/** Only a path on this site: one leading slash (not `//host` or `/\host`), no scheme, no control characters. */
export function safeNext(next: string | undefined, fallback = '/portal/applications'): string {
  if (!next || !/^\/(?![/\\])/.test(next) || /[\u0000-\u001F\u007F\\]/.test(next)) return fallback;
  return next;
}

/**
 * The sign-in page, asked to come back to where the person was: the page asked, or for a form posted, the page
 * it was on (a form's address answers POST only): the application's page, or the new application form.
 */
export function signInFor(c: Context): string {
  const path = c.req.path;
  const back = c.req.method === 'GET' ? path + (new URL(c.req.url).search || '') : path === '/portal/applications' ? '/portal/applications/new' : (/^\/portal\/applications\/[^/]+/.exec(path)?.[0] ?? '/portal/applications');
  return `/portal/sign-in?next=${encodeURIComponent(safeNext(back))}`;
}
