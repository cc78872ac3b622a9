// `npm run screenshot:notice`: the newest booking confirmation as the applicant sees it, in the web inbox of a
// running `npm start` (its local mail catcher), saved as docs/screenshots/booking-confirmation.png for the README.
// Headless Chromium from the system (Debian: `apt-get install -y chromium`), started once with its own empty profile.
//   npm run screenshot:notice -- [--inbox http://127.0.0.1:1080] [--subject REGEX] [--out FILE] [--chromium PATH]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';

/** The booking confirmation's subject in either language (activities/notices/templates.ts). */
const BOOKING_CONFIRMATION = '^(Jadwal wawancara terkonfirmasi|Interview booked):';
const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

const { values } = parseArgs({
  options: {
    inbox: { type: 'string' },
    subject: { type: 'string', default: BOOKING_CONFIRMATION },
    out: { type: 'string', default: 'docs/screenshots/booking-confirmation.png' },
    chromium: { type: 'string' },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '900' },
  },
});

interface InboxMail {
  id: string;
  subject: string;
  time: string;
}

/** The newest message whose subject matches, from maildev's REST API. */
async function newestMatching(inbox: string, subject: RegExp): Promise<InboxMail> {
  const response = await fetch(`${inbox}/api/email`).catch((error: unknown) => {
    throw new Error(`no mail catcher answers at ${inbox} (${error instanceof Error ? error.message : String(error)}): start the service first (npm start), or pass --inbox`);
  });
  if (!response.ok) throw new Error(`${inbox}/api/email answered ${response.status}: is this maildev's web inbox?`);
  const mails = ((await response.json()) as InboxMail[]).filter((m) => subject.test(m.subject)).sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  const newest = mails[0];
  if (!newest) throw new Error(`no message in ${inbox} has a subject matching /${subject.source}/: book a session first (npm run demo does), or pass --subject`);
  return newest;
}

function run(file: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((done, fail) =>
    execFile(file, args, { timeout: timeoutMs }, (error, _stdout, stderr) => (error ? fail(new Error(`${file} failed: ${error.message}\n${stderr}`)) : done())),
  );
}

async function main() {
  const config = loadConfig();
  const inbox = (values.inbox ?? `http://127.0.0.1:${config.MAILDEV_WEB_PORT}`).replace(/\/$/, '');
  const chromium = values.chromium ?? CHROMIUM_PATHS.find((path) => existsSync(path));
  if (!chromium) throw new Error(`no Chromium at ${CHROMIUM_PATHS.join(', ')}: install it (Debian: apt-get install -y chromium), or pass --chromium`);
  const mail = await newestMatching(inbox, new RegExp(values.subject!));
  const out = resolve(values.out!);
  await mkdir(dirname(out), { recursive: true });
  await rm(out, { force: true });
  const profile = await mkdtemp(join(tmpdir(), 'screenshot-notice-'));
  try {
    await run(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--window-size=${values.width},${values.height}`,
        // The inbox is a single-page app: let it fetch the message and render it before the picture is taken.
        '--virtual-time-budget=10000',
        `--screenshot=${out}`,
        `${inbox}/#/email/${encodeURIComponent(mail.id)}`,
      ],
      120_000,
    );
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
  const size = (await stat(out).catch(() => undefined))?.size ?? 0;
  if (size === 0) throw new Error(`${chromium} wrote no screenshot to ${out}`);
  console.log(`"${mail.subject}" (${mail.time}) from ${inbox}: ${out} (${size} bytes)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
