import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { ARTIFACTS } from './paths.js';

/** Screenshots land here (gitignored). */
export const SCREENSHOTS = join(ARTIFACTS, 'browser');

/** Debian's Chromium, headless, with nothing that phones home (plus `extraArgs`). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
    timeout: 30_000,
  });
}

/** A page with what went wrong on it: console errors, uncaught errors, off-site requests. */
export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions, as text. */
  errors: string[];
  /** Requests to anything but the demo's origin (all of them were refused). */
  offsite: string[];
  /** Every request URL the page made to the demo, in order. */
  requests: string[];
}

/**
 * Opens a page in `context` that may talk to `origin` only: any other
 * http(s) request is recorded and aborted, so a CDN asset would show up as
 * both an `offsite` entry and a broken page.
 */
export async function watchedPage(
  context: BrowserContext,
  origin: string,
): Promise<WatchedPage> {
  const page = await context.newPage();
  const watched: WatchedPage = { page, errors: [], offsite: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watched.errors.push(message.text());
  });
  page.on('pageerror', (error) => watched.errors.push(String(error)));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url === origin) {
      watched.requests.push(url);
      return route.continue();
    }
    if (!/^https?:/.test(url)) return route.continue();
    watched.offsite.push(url);
    return route.abort('blockedbyclient');
  });
  return watched;
}

/** Saves a screenshot as test-artifacts/browser/<platform>-<name>.png. */
export async function screenshot(
  page: Page,
  name: string,
  { fullPage = true } = {},
): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const platform = process.env.HTTP_ADAPTER ?? 'express';
  const path = join(SCREENSHOTS, `${platform}-${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
