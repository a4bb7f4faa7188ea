import { resolveConfig, type RunConfig } from '../../src/config/index.ts';
import { nodeDatasets } from '../../src/node/datasets.ts';

/**
 * A small, fast run: one Gaussian at (3, 0) with std 0.1, tiny networks. G starts near the
 * origin, so how far its samples are from (3, 0) measures whether training moves G to the data.
 * Validated for Node's data sources, so `over` may name a points file. Without the losses' and
 * remedies' recommended settings: a test's config is exactly what it writes.
 */
export function tinyConfig(over: Record<string, unknown> = {}): RunConfig {
  return resolveConfig({
    preset: 'ring8',
    files: [
      {
        data: { kind: 'ring', modes: 1, radius: 3, std: 0.1 },
        batchSize: 64,
        model: { noiseDim: 4, g: { hidden: [32, 32] }, d: { hidden: [32, 32] } },
        optim: { g: { name: 'adam', lr: 1e-3 }, d: { name: 'adam', lr: 1e-3 } },
        checkpointEvery: 1000,
      },
      over,
    ],
    datasets: nodeDatasets,
    noRecommendations: true,
  });
}
