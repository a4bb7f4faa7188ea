/**
 * Browser-test plumbing: the built lab served by Vite's preview server on a free loopback port,
 * and Debian's chromium driven by playwright-core with a fresh profile.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { startServer, type RunningServer } from '../../src/node/index.ts';

/** Where the browser tests write their screenshots (gitignored). */
export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts/web');
const CONFIG = resolve(import.meta.dirname, '../../web/vite.config.ts');
/** Debian's chromium; `.ci/run` installs it when missing. */
export const CHROMIUM = '/usr/bin/chromium';

/** Builds the site (the lab and the runs dashboard) into `outDir` (default web/dist). */
export async function buildSite(outDir?: string): Promise<void> {
  await build({ configFile: CONFIG, logLevel: 'error', ...(outDir ? { build: { outDir, emptyOutDir: true } } : {}) });
}

/** Builds the site into web/dist and serves it on 127.0.0.1 at a free port. */
export async function serveLab(): Promise<{ url: string; close(): Promise<void> }> {
  await buildSite();
  const server: PreviewServer = await preview({ configFile: CONFIG, logLevel: 'error', preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('the preview server has no TCP address');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}

/** A headless chromium with a fresh user-data-dir, removed on close. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'saddlepoint-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--enable-unsafe-swiftshader'],
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
export type { Browser };

/** A built site served by `serve`'s server over an empty runs folder, and a chromium page on it collecting console errors, page errors and HTTP errors. */
export interface SiteInChromium {
  /** The temp folder holding `runs/` and the built `web/`. */
  temp: string;
  server: RunningServer;
  page: Page;
  problems: string[];
  close(): Promise<void>;
}

/**
 * Builds the site into a temp folder (so the lab's test, which rebuilds web/dist, cannot pull it
 * away), serves it with `startServer` and opens a chromium page on it. Refuses to start without
 * Debian's chromium.
 */
export async function siteInChromium(prefix: string): Promise<SiteInChromium> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const temp = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(temp, 'runs'));
  await buildSite(join(temp, 'web'));
  const server = await startServer({ runsDir: join(temp, 'runs'), port: 0, webDist: join(temp, 'web') });
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  return {
    temp,
    server,
    page,
    problems,
    async close() {
      await browser.close();
      await server.close();
      rmSync(temp, { recursive: true, force: true });
    },
  };
}
