/**
 * The theory page in a real browser: the built site (into a temp folder, so the lab's test that
 * rebuilds web/dist cannot pull it away) served by `serve`'s server, in headless chromium. Every
 * number the page shows is read from its data-value attributes and set against the library's own
 * functions, computed here in Node from the parameters the page reports. Screenshots:
 * test-artifacts/web/theory-xy.png, theory-dirac-minimax.png, theory-dirac.png (R1), theory-js-dirac.png,
 * theory-js.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bilinearSpectralRadius,
  bilinearTrajectory,
  diracGanPaperEigenvalues,
  diracGanTrajectory,
  distanceToEquilibrium,
  distanceToOrigin,
  divergenceCurves,
  type BilinearMethod,
  type DiracGanVariant,
} from '../../src/theory/index.ts';
import { ARTIFACTS, siteInChromium, type SiteInChromium } from './browser.ts';

let site: SiteInChromium;
let server: SiteInChromium['server'];
let page: Page;
let problems: string[];

/** The number behind a reading (its data-value). */
const value = async (id: string) => Number(await page.getByTestId(id).getAttribute('data-value'));
const text = async (id: string) => (await page.getByTestId(id).textContent()) ?? '';
/** Waits until the reading's number is no longer `before` (renders follow input events). */
async function changed(id: string, before: number): Promise<number> {
  await page.waitForFunction(([sel, old]) => document.querySelector(`[data-testid="${sel}"]`)?.getAttribute('data-value') !== old, [id, String(before)] as const);
  return value(id);
}
const relative = (actual: number, expected: number) => expect(actual / expected).toBeCloseTo(1, 9);
const canvasPixels = (id: string) => page.getByTestId(id).evaluate((c: HTMLCanvasElement) => c.toDataURL());
const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });

describe('the theory page in chromium', { timeout: 30_000 }, () => {
  beforeAll(async () => {
    site = await siteInChromium('sp-theory-web-');
    ({ server, page, problems } = site);
    await page.goto(`${server.url}theory.html`);
    await page.getByTestId('section-xy').waitFor();
  }, 60_000);

  afterAll(async () => {
    await site?.close();
  });

  it('is linked from the runs dashboard, and opens on the x·y game', async () => {
    await page.goto(`${server.url}runs.html`);
    await page.getByRole('link', { name: 'theory →' }).click();
    await page.getByTestId('section-xy').waitFor();
    expect(page.url()).toBe(`${server.url}theory.html`);
    expect(await page.getByTestId('tab-xy').getAttribute('aria-selected')).toBe('true');
  });

  it('x·y game: simultaneous GDA has ρ > 1, extragradient ρ < 1, as bilinearSpectralRadius says', async () => {
    const lr = await value('xy-lr-value');
    expect(await page.getByTestId('xy-method').inputValue()).toBe('simultaneous');
    const simultaneous = await value('xy-rho');
    relative(simultaneous, bilinearSpectralRadius('simultaneous', { lr }));
    expect(simultaneous).toBeGreaterThan(1);
    expect(await text('xy-rho-note')).toBe('spirals out');

    await page.getByTestId('xy-method').selectOption('extragradient');
    const extragradient = await changed('xy-rho', simultaneous);
    relative(extragradient, bilinearSpectralRadius('extragradient', { lr }));
    expect(extragradient).toBeLessThan(1);
    expect(await text('xy-rho-note')).toBe('converges');
    expect(await text('xy-meaning')).toContain('extragradient converges');
    await shot('theory-xy.png');
  });

  it('x·y game: the lr slider moves the trajectory, its final distance what bilinearTrajectory gives', async () => {
    const method: BilinearMethod = 'extragradient';
    const start = { x: 1, y: 1 };
    const steps = await value('xy-steps-value');
    const finalAt = (lr: number) => distanceToOrigin(bilinearTrajectory(method, { lr }, start, steps).at(-1)!);
    const before = await value('xy-final-distance');
    relative(before, finalAt(await value('xy-lr-value')));
    const plane = await canvasPixels('xy-plane');
    // Position 150 of 200 on the log scale 0.01…1.5.
    await page.getByTestId('xy-lr').fill('150');
    const after = await changed('xy-final-distance', before);
    const lr = await value('xy-lr-value');
    expect(lr).toBeGreaterThan(0.2);
    relative(after, finalAt(lr));
    // Extragradient converges faster at the larger rate (ρ = √(1 − η² + η⁴) falls until η = 1/√2).
    expect(after).toBeLessThan(before);
    relative(await value('xy-rho'), bilinearSpectralRadius(method, { lr }));
    expect(await canvasPixels('xy-plane')).not.toBe(plane);
  });

  it('x·y game: a click on the plane sets the start', async () => {
    const box = (await page.getByTestId('xy-plane').boundingBox())!;
    const extent = Number(await page.getByTestId('xy-plane').getAttribute('data-extent'));
    const before = await value('xy-start-distance');
    // The plotting area spans 50…418 px across and 10…378 px down: a quarter in from its top-right corner.
    await page.mouse.click(box.x + 50 + 0.75 * 368, box.y + 10 + 0.25 * 368);
    const distance = await changed('xy-start-distance', before);
    expect(Number(await page.getByTestId('xy-x0').inputValue())).toBeCloseTo(extent / 2, 1);
    expect(Number(await page.getByTestId('xy-y0').inputValue())).toBeCloseTo(extent / 2, 1);
    expect(distance).toBeCloseTo(Math.hypot(extent / 2, extent / 2), 1);
  });

  it('Dirac-GAN: R1 converges where the unregularized GAN does not, as diracGanTrajectory says', async () => {
    await page.getByTestId('tab-dirac').click();
    await page.getByTestId('section-dirac').waitFor();
    const start = { theta: 1, psi: 1 };
    const stepSize = await value('dirac-lr-value');
    const steps = await value('dirac-steps-value');
    const finalOf = (variant: DiracGanVariant) => distanceToEquilibrium(diracGanTrajectory(variant, { start, steps, stepSize }).at(-1)!);
    const startDistance = await value('dirac-start-distance');
    expect(startDistance).toBe(Math.SQRT2);

    expect(await page.getByTestId('dirac-variant').inputValue()).toBe('minimax');
    const plain = await value('dirac-final-distance');
    relative(plain, finalOf({ kind: 'minimax' }));
    expect(plain).toBeGreaterThan(startDistance);
    expect(await value('dirac-max-re')).toBe(0);
    expect(await text('dirac-update-radius-note')).toBe('spirals out');
    await shot('theory-dirac-minimax.png');

    await page.getByTestId('dirac-variant').selectOption('r1');
    const r1 = await changed('dirac-final-distance', plain);
    const weight = await value('dirac-weight-value');
    relative(r1, finalOf({ kind: 'r1', weight }));
    expect(r1).toBeLessThan(1e-3 * startDistance);
    expect(await value('dirac-max-re')).toBe(Math.max(...diracGanPaperEigenvalues({ kind: 'r1', weight })!.map((l) => l.re)));
    expect(await value('dirac-max-re')).toBeLessThan(0);
    expect(await text('dirac-update-radius-note')).toBe('converges');
    await shot('theory-dirac.png');

    // WGAN-GP has no Jacobian at the equilibrium: the page says so instead of a number.
    await page.getByTestId('dirac-variant').selectOption('wgan-gp');
    await page.getByTestId('dirac-eigenvalues').filter({ hasText: /^none$/ }).waitFor();
    expect(await text('dirac-meaning')).toContain('no Jacobian');
  });

  it('JS vs W1: at a large shift on disjoint supports JS is ln 2 and W1 the shift', async () => {
    await page.getByTestId('tab-js').click();
    await page.getByTestId('section-js').waitFor();
    await page.getByTestId('js-family').selectOption('uniform');
    // The slider's last position: the family's largest shift (4), supports 3 apart.
    await page.getByTestId('js-shift').fill('80');
    await page.getByTestId('js-shift-value').filter({ hasText: /^4$/ }).waitFor();
    const shift = await value('js-shift-value');
    const point = divergenceCurves('uniform', [shift])[0];
    expect((await value('js-js')).toFixed(3)).toBe(Math.LN2.toFixed(3));
    expect(await value('js-js')).toBe(point.js);
    expect(await value('js-w1')).toBe(shift);
    expect(await text('js-kl')).toBe('∞');
    expect(await text('js-js-note')).toBe('saturated');
    expect(Number(await page.getByTestId('js-chart').getAttribute('data-marker'))).toBe(shift);

    await page.getByTestId('js-family').selectOption('dirac');
    await page.getByTestId('js-shift').fill('60');
    await page.getByTestId('js-shift-value').filter({ hasText: /^3$/ }).waitFor();
    expect((await value('js-js')).toFixed(3)).toBe('0.693');
    expect(await value('js-w1')).toBe(3);
    await shot('theory-js-dirac.png');

    // Gaussians overlap at a small shift: JS is still below log 2 and follows meanShiftJs.
    await page.getByTestId('js-family').selectOption('gaussian');
    await page.getByTestId('js-shift').fill('20');
    await page.getByTestId('js-shift-value').filter({ hasText: /^1$/ }).waitFor();
    relative(await value('js-js'), divergenceCurves('gaussian', [1])[0].js);
    expect(await value('js-js')).toBeLessThan(Math.LN2 - 0.1);
    expect(await value('js-kl')).toBe(0.5);
    await shot('theory-js.png');
  });

  it('logged no console errors', () => {
    expect(problems).toEqual([]);
  });
});
