// Pages for people, served by the API's own app (api/app.ts) and acting through its routes (call-api.ts).
// Not API routes: they are absent from the OpenAPI document.
import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import type { ApiFetch, PagesEnv } from './call-api.js';
import { deskPages } from './desk.js';
import { pageLanguage } from './i18n.js';
import { portalPages } from './portal.js';
import { trackingPages } from './tracking.js';

/** Where pages live: their middleware (language, the API at hand) runs there only, never on an API route. */
export const PAGE_PATHS = ['/', '/lacak', '/lacak/*', '/desk', '/desk/*', '/portal', '/portal/*'] as const;

/** `secureCookies`: sign-in cookies only over https (production and staging; any https request anyway). */
export function pageRoutes(api: ApiFetch, options: { secureCookies: boolean } = { secureCookies: false }) {
  const pages = new Hono<PagesEnv>();
  const withApi: MiddlewareHandler<PagesEnv> = async (c, next) => {
    c.set('api', api);
    await next();
  };
  const language = pageLanguage();
  for (const path of PAGE_PATHS) pages.use(path, withApi, language);
  return pages.route('/', trackingPages()).route('/', deskPages(options)).route('/', portalPages({ production: options.secureCookies }));
}
