import { sessionFromConfig } from '../src/run/index.ts';
/**
 * Speed of the lab in headless chromium: ring8 steps per second on each browser backend (wasm,
 * webgl on SwiftShader here), counted from the page's step counter over a window with evaluation
 * off, the cost of one evaluation, and the page's frame rate (requestAnimationFrame) while it trains.
 *
 *   npx tsx bench/web-speed.ts [seconds]
 */
import { resolveConfig } from '../src/config/index.ts';
import { useNodeBackend } from '../src/node/backends.ts';
import { disposeSession, ganStep } from '../src/train/index.ts';
import { launchChromium, serveLab } from '../test/web/browser.ts';

const seconds = Number(process.argv[2] ?? 10);

// The same ring8 steps in Node on wasm, in the same minutes: the machine is shared, so the
// browser's figure is read against this one.
await useNodeBackend('wasm');
const session = sessionFromConfig(resolveConfig({ preset: 'ring8' }));
for (let i = 0; i < 5; i++) ganStep(session);
let nodeSteps = 0;
const tn = Date.now();
while (Date.now() - tn < seconds * 1000) {
  ganStep(session);
  nodeSteps += 1;
}
disposeSession(session);
console.log(`node wasm: ${(nodeSteps / ((Date.now() - tn) / 1000)).toFixed(1)} steps/s (${nodeSteps} steps)`);
const lab = await serveLab();
const browser = await launchChromium();
try {
  for (const backend of ['wasm', 'webgl'] as const) {
    const page = await browser.context.newPage();
    // evalEvery 25: the evaluation cost is read from the readout; the step rate from a window between evaluations is
    // dominated by them, so a second page measures steps alone.
    await page.goto(`${lab.url}?backend=${backend}&autoplay=1&evalEvery=1000000`);
    await page.waitForFunction("Number(document.querySelector('[data-testid=readout-step]')?.textContent) >= 5", null, { timeout: 120_000 });
    const step = async () => Number(await page.getByTestId('readout-step').textContent());
    const s0 = await step();
    const t0 = Date.now();
    // A string, not a function: tsx's transform would add helpers the page does not have.
    const fps = Number(
      await page.evaluate(`new Promise((resolve) => {
        let frames = 0;
        const start = performance.now();
        const tick = (now) => { frames += 1; if (now - start < ${seconds * 1000}) requestAnimationFrame(tick); else resolve((1000 * frames) / (now - start)); };
        requestAnimationFrame(tick);
      })`),
    );
    const s1 = await step();
    const wall = (Date.now() - t0) / 1000;
    const badge = await page.getByTestId('backend').textContent();
    await page.close();

    const evalPage = await browser.context.newPage();
    await evalPage.goto(`${lab.url}?backend=${backend}&autoplay=1&evalEvery=25`);
    await evalPage.waitForFunction("Number(document.querySelector('[data-testid=readout-eval-step]')?.textContent) >= 50", null, { timeout: 300_000 });
    const evalMs = await evalPage.getByTestId('readout-eval-ms').textContent();
    await evalPage.close();
    console.log(`${badge}: ${((s1 - s0) / wall).toFixed(1)} steps/s over ${wall.toFixed(1)} s (${s1 - s0} steps), ${fps.toFixed(1)} fps while training, one evaluation (1000 samples, 48×48 surface) ${evalMs} ms`);
  }
} finally {
  await browser.close();
  await lab.close();
}
