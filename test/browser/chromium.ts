import { existsSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, which the browser tests drive through playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
/** Headless on a machine without outside network access: nothing may phone home. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** In a `before` hook: skip the suite, saying why, on a machine without Chromium. */
export function skipWithoutChromium(context: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  console.log(`      skipped: no Chromium at ${CHROMIUM} (Debian: apt-get install chromium)`);
  context.skip();
}

/** Chromium with a profile of its own in profileDir, headless, a desktop window by default. */
export function launchChromium(profileDir: string, options: { locale?: string; width?: number; acceptDownloads?: boolean } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    locale: options.locale ?? 'en-US',
    viewport: { width: options.width ?? 1400, height: 900 },
    ...(options.acceptDownloads ? { acceptDownloads: true } : {}),
  });
}

/** Fill the staff login form the page was sent to, and wait to be back on `path` (or a URL matching it). */
export async function logInThroughForm(page: Page, staff: { username: string; password: string }, path: string | RegExp): Promise<void> {
  await page.getByLabel('Username').fill(staff.username);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(typeof path === 'string' ? (url) => url.pathname === path : path);
}
