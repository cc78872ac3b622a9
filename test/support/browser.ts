// Headless Chromium for the page tests: the system's own (Debian's package), driven by playwright-core, which
// downloads no browser. CHROMIUM_PATH names another binary.
import { existsSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string {
  const named = process.env.CHROMIUM_PATH;
  if (named) {
    if (!existsSync(named)) throw new Error(`CHROMIUM_PATH=${named}: no such file. Point it at a Chromium binary, or unset it to use /usr/bin/chromium.`);
    return named;
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      'The page tests need Chromium and found none (looked in ' + CANDIDATES.join(', ') + '). ' +
        'Install it (Debian/Ubuntu: sudo apt-get install chromium), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return found;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start. The rest keep it quiet and offline.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/** A phone's screen (an iPhone 12-15's CSS pixels): the size of the README's screenshots. */
export const PHONE = { width: 390, height: 844 } as const;

/** Accessibility violations an applicant would meet: axe's serious and critical ones, each with where. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Writes a screenshot for the README only when UPDATE_SCREENSHOTS=1, so an ordinary run leaves the tree clean. */
export async function screenshotForReadme(page: Page, path: string): Promise<boolean> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return false;
  await page.screenshot({ path }); // the viewport: a phone's first screen
  return true;
}
