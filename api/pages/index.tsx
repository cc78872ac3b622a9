// Pages for people, served by the API's own app (api/app.ts) and acting through its routes (call-api.ts).
// Not API routes: they are absent from the OpenAPI document.
import { Hono } from 'hono';
import type { Context, MiddlewareHandler } from 'hono';
import { contextStorage } from 'hono/context-storage';
import { secureHeaders } from 'hono/secure-headers';
import type { ApiFetch, PagesEnv } from './call-api.js';
import { deskPages } from './desk.js';
import { languageOf, pageLanguage, t } from './i18n.js';
import { Layout, STYLE_SOURCE } from './layout.js';
import { portalPages } from './portal.js';
import { trackingPages } from './tracking.js';

/** Where pages live: their middleware (language, the API at hand) runs there only, never on an API route. */
export const PAGE_PATHS = ['/', '/lacak', '/lacak/*', '/desk', '/desk/*', '/portal', '/portal/*'] as const;

/**
 * Every page: never kept by a browser or a proxy (a shared phone's back button after signing out shows no
 * application), no framing by another site, no script at all, styles only the layout's own.
 */
const headers: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
  // A value typed with a control character is shown back in its field: as U+FFFD, as a browser would show it.
  if (!c.res.headers.get('content-type')?.startsWith('text/html')) return;
  const html = await c.res.clone().text();
  const clean = html.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
  if (clean !== html) c.res = new Response(clean, c.res);
};
const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: [STYLE_SOURCE],
    imgSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'same-origin',
});

/**
 * A page answered before the pages' own middleware could run (a form refused by the app's body limit): the same
 * headers as every page.
 */
export async function withPageHeaders(c: Context, page: () => Response | Promise<Response>): Promise<Response> {
  await securityHeaders(c, async () => {
    c.res = await page();
  });
  c.header('Cache-Control', 'no-store');
  return c.res;
}

/** A page address with a control character (`/lacak/%00`) is refused before anything echoes it back. */
const noControlCharacters: MiddlewareHandler<PagesEnv> = async (c, next) => {
  let url: string;
  try {
    url = decodeURIComponent(c.req.url);
  } catch {
    url = '\u0000'; // a malformed escape: refused alike
  }
   
  if (!/[\u0000-\u001f\u007f]/.test(url)) return next();
  const language = languageOf(c);
  return c.html(
    <Layout language={language} title={t(language, 'page.badAddress')} path="/">
      <h1>{t(language, 'page.badAddress')}</h1>
      <p>{t(language, 'page.badAddressHelp')}</p>
    </Layout>,
    400,
  );
};

/** `secureCookies`: sign-in cookies only over https (production and staging; any https request anyway). */
export function pageRoutes(api: ApiFetch, options: { secureCookies: boolean } = { secureCookies: false }) {
  const pages = new Hono<PagesEnv>();
  const withApi: MiddlewareHandler<PagesEnv> = async (c, next) => {
    c.set('api', api);
    await next();
  };
  const language = pageLanguage();
  for (const path of PAGE_PATHS) pages.use(path, contextStorage(), securityHeaders, headers, withApi, language, noControlCharacters);
  return pages.route('/', trackingPages()).route('/', deskPages(options)).route('/', portalPages({ production: options.secureCookies }));
}
