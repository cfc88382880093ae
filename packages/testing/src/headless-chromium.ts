// Debian's Chromium for the browser tests, driven by playwright-core (`npx playwright
// install` cannot work here): where it is, why a test file skips without it, and how
// every browser test launches it.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Why `what` cannot run here (Chromium is missing), printed once as a warning; undefined
 * when it can. For `describe.skipIf(chromiumMissing('the browser test') !== undefined)`.
 */
export function chromiumMissing(what: string): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `${CHROMIUM_PATH} is missing (apt-get install chromium); ${what} is skipped.`;
  console.warn(reason);
  return reason;
}

/** Launches headless Chromium with the flags this machine and CI need. Close it when done. */
export async function launchChromium(): Promise<Browser> {
  // Loaded here, not at the top: it takes a third of a second, and most test files that
  // import @once/testing never open a browser.
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
