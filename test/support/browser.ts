import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Screenshots of the browser tests (git-ignored). */
export const ARTEFACTS_DIR = path.resolve(__dirname, '../../test-artifacts/browser');

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Debian's Chromium (apt-get install chromium), or CHROMIUM_PATH; null when none is installed. */
export function chromiumPath(): string | null {
  return CANDIDATES.find((candidate): candidate is string => !!candidate && existsSync(candidate)) ?? null;
}

/**
 * `describe` for browser tests: skipped, with the reason printed, only when no Chromium is
 * installed and CI is not "true"; in CI a missing browser fails the suite instead.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (chromiumPath() || process.env.CI === 'true') {
    describe(name, body);
    return;
  }
  process.stdout.write(`skipping "${name}": no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH)\n`);
  describe.skip(name, body);
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Requests the page tried to send anywhere but the app's own origins (aborted). */
  offOrigin: string[];
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile and no background networking, whose page may reach only
 * `allowedOrigins`: anything else is aborted and recorded, so a test proves the page works offline.
 */
export async function openBrowser(allowedOrigins: string[]): Promise<BrowserSession> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('no Chromium installed: apt-get install -y chromium (or set CHROMIUM_PATH)');
  const profile = mkdtempSync(path.join(tmpdir(), 'sg-chromium-'));
  // A persistent context is how Playwright takes a user-data-dir: a fresh, empty profile per session.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const offOrigin: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    const allowed = url.startsWith('data:') || allowedOrigins.some((origin) => url.startsWith(origin));
    if (allowed) return route.continue();
    offOrigin.push(url);
    return route.abort('internetdisconnected');
  });
  return {
    context,
    page,
    offOrigin,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTEFACTS_DIR, { recursive: true });
  const file = path.join(ARTEFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
