/**
 * Browser-test plumbing: the built lab served by Vite's preview server on a free loopback port,
 * and Debian's chromium driven by playwright-core with a fresh profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

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
