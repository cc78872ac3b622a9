// The frame of every page: language, title, a skip link, the header with the language switch, main, footer,
// and one small stylesheet inline (no fonts, scripts or files from elsewhere; readable on a 360 px phone).
import { createHash } from 'node:crypto';
import { getContext } from 'hono/context-storage';
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { LANGUAGES, t, type Language } from './i18n.js';

// Text #1a1a1a and links #0b4f8a on white, white on #0b4f8a: all above 7:1. Focus: a 3 px amber outline.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
a{color:#0b4f8a}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:1}
.skip:focus{left:0}
header{background:#0b4f8a;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem;justify-content:space-between;align-items:center}
header a{color:#fff}
.brand{font-weight:700;text-decoration:none;font-size:1.1rem}
.langs{display:flex;gap:.75rem;list-style:none;margin:0;padding:0}
.langs a[aria-current]{font-weight:700;text-decoration:none}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.code{white-space:nowrap}
label{display:block;font-weight:600}
.hint{color:#4a4a4a;margin:.25rem 0 .5rem;font-size:.95rem}
input[type=text]{width:100%;max-width:20rem;font:inherit;padding:.6rem;border:2px solid #4a4a4a;border-radius:4px;text-transform:uppercase}
button{font:inherit;font-weight:600;color:#fff;background:#0b4f8a;border:0;border-radius:4px;padding:.65rem 1.25rem;margin-top:.75rem;cursor:pointer}
.alert{border-left:6px solid #b00020;background:#fdecee;padding:.75rem 1rem;margin:0 0 1rem}
.alert h2{margin:0 0 .25rem;font-size:1.05rem}
.notice{border-left:6px solid #8a5a00;background:#fff4e0;padding:.75rem 1rem}
dl{margin:0}
dt{font-weight:600;margin-top:.75rem}
dd{margin:0}
@media (min-width:36rem){dl{display:grid;grid-template-columns:auto 1fr;gap:.35rem 1rem}dt{margin:0}}
ol.timeline{list-style:none;padding:0;margin:0;border-left:3px solid #0b4f8a}
ol.timeline li{position:relative;padding:0 0 .75rem 1rem}
ol.timeline li::before{content:"";position:absolute;left:-.5rem;top:.4rem;width:.75rem;height:.75rem;border-radius:50%;background:#0b4f8a}
.when{display:block;color:#4a4a4a;font-size:.95rem}
input[type=email],input[type=password],textarea{width:100%;max-width:24rem;font:inherit;padding:.6rem;border:2px solid #4a4a4a;border-radius:4px}
input[type=radio]{width:1.25rem;height:1.25rem;margin:.2rem .5rem 0 0;flex:none}
textarea:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
.field{margin:0 0 1rem}
fieldset{border:0;padding:0;margin:0 0 1rem}
legend{font-weight:600;padding:0}
.choice{display:flex;align-items:flex-start;margin:.35rem 0}
.choice label{font-weight:400}
.field-error{color:#b00020;font-weight:600;margin:.25rem 0}
[aria-invalid=true]{border-color:#b00020}
.ok{border-left:6px solid #1b6e2e;background:#e8f5eb;padding:.75rem 1rem}
.desk-nav{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:0 0 1rem}
.desk-nav form{margin:0}
.desk-nav button{margin:0}
button.secondary{background:#fff;color:#0b4f8a;border:2px solid #0b4f8a;padding:.4rem .9rem}
ul.queue{list-style:none;padding:0;margin:0}
ul.queue li{border-bottom:1px solid #ccc;padding:.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
.code{font-family:ui-monospace,monospace;letter-spacing:.03em}
.mark{display:inline-block;border:1px solid #1a1a1a;border-radius:3px;padding:0 .35rem;margin-right:.35rem;font-size:.9rem}
.mark.late{border-color:#b00020;color:#b00020}
form h2{margin-top:2rem}
input[type=email],input[type=password],input[type=tel],input[type=date],select,textarea{display:block;width:100%;max-width:24rem;font:inherit;padding:.6rem;border:2px solid #4a4a4a;border-radius:4px;background:#fff;color:#1a1a1a}
textarea{max-width:100%}
.field{margin:0 0 1rem;border:0;padding:0}
fieldset.field legend,fieldset.group legend{font-weight:600;padding:0}
fieldset.group{border:1px solid #ccc;padding:.75rem;margin:0 0 1rem}
.choice{display:flex;gap:.5rem;align-items:center;margin:.25rem 0}
.choice input{width:1.25rem;height:1.25rem;margin:0}
.req{font-weight:400;color:#4a4a4a;font-size:.9rem}
.has-error{border-left:4px solid #b00020;padding-left:.75rem}
.has-error input,.has-error select,.has-error textarea{border-color:#b00020}
.success{border-left:6px solid #1b6e20;background:#e8f5e9;padding:.75rem 1rem}
.portal-nav{display:flex;justify-content:space-between;align-items:center;gap:1rem;margin-bottom:.5rem}
form.inline{display:inline}
button.link{background:none;color:#0b4f8a;text-decoration:underline;padding:0;margin:0;font-weight:400}
a.button{display:inline-block;color:#fff;background:#0b4f8a;border-radius:4px;padding:.65rem 1.25rem;text-decoration:none;font-weight:600}
.secondary{background:#fff;color:#0b4f8a;border:2px solid #0b4f8a}
ul.cards{list-style:none;padding:0}
ul.cards li{border:1px solid #ccc;border-radius:4px;padding:.75rem;margin:0 0 .5rem;display:flex;flex-direction:column}
.code{font-family:ui-monospace,monospace;font-size:1.15rem;letter-spacing:.05em}
.table-wrap{overflow-x:auto}
.table-wrap:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
footer{max-width:40rem;margin:2rem auto 0;padding:1rem;border-top:1px solid #ccc;color:#4a4a4a;font-size:.9rem}
`;

/** The stylesheet's hash, the only style the pages' Content-Security-Policy allows. */
export const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

const LANGUAGE_NAMES: Record<Language, string> = { id: 'Bahasa Indonesia', en: 'English' };

/** The page asked for, in another language: its own query kept (a queue's day, a sign-in's way back). */
function inLanguage(path: string, language: Language): string {
  let url = new URL(path, 'http://page');
  try {
    const { req } = getContext();
    const asked = new URL(req.url);
    if (req.method === 'GET') {
      // A page shown for a GET of its own path keeps the query.
      if (asked.pathname === url.pathname) url = asked;
    } else {
      // A page answering a form's POST: the page the form was on (its Referer, this site's only), never the
      // POST's address, which a link cannot open.
      const referer = req.header('referer');
      const from = referer ? new URL(referer, asked) : undefined;
      url = from?.origin === asked.origin ? from : new URL(path.replace(/\/[^/]*$/, '') || '/', asked);
    }
  } catch {
    // Rendered outside a request, or a Referer that is no address: the path alone.
  }
  url.searchParams.set('lang', language);
  return `${url.pathname}${url.search}`;
}

/** Pages that show a signed-in person's or an officer's data say so; the public tracking page shows none. */
const signedInArea = (path: string) => /^\/(portal|desk)(\/|$)/.test(path);

export function Layout(props: { language: Language; title: string; path: string; children?: Child }) {
  const { language, title, path } = props;
  return (
    <>
    {raw('<!DOCTYPE html>')}
    <html lang={language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t(language, 'site.name')}`}</title>
        <style>{raw(STYLE)}</style>
      </head>
      <body>
        <a class="skip" href="#main">
          {t(language, 'site.skip')}
        </a>
        <header>
          <a class="brand" href="/">
            {t(language, 'site.name')}
          </a>
          <nav aria-label={t(language, 'site.language')}>
            <ul class="langs">
              {LANGUAGES.map((other) => (
                <li>
                  <a href={inLanguage(path, other)} lang={other} hreflang={other} aria-current={other === language ? 'true' : undefined}>
                    {LANGUAGE_NAMES[other]}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
        <footer>{t(language, signedInArea(path) ? 'site.footerSignedIn' : 'site.footer')}</footer>
      </body>
    </html>
    </>
  );
}
