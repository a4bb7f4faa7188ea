import { beforeAll, describe, expect, it } from 'vitest';
import { BENCH_MODELS, benchSession } from '../../src/bench/index.ts';
import { disposeSession, ganStep } from '../../src/train/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';

beforeAll(() => selectTestBackend('cpu'));

/** Trainable parameters of G and D in bench/torch_reference.py, counted by PyTorch (BatchNorm's running statistics excluded). */
const TORCH_PARAMS: Record<(typeof BENCH_MODELS)[number], [number, number]> = {
  'ring8-preset': [34_434, 33_537],
  'ring8-wgan-gp': [34_434, 33_537],
  'mlp-gan': [559_618, 527_361],
  'mlp-gan-gp': [559_618, 527_361],
  'dcgan-mnist': [778_305, 138_817],
  'dcgan-32': [1_080_899, 663_745],
};

describe('the bench models are the PyTorch reference models', () => {
  it.each(BENCH_MODELS)('%s: G and D have exactly the reference parameter counts', (model) => {
    const session = benchSession(model);
    try {
      const count = (m: typeof session.G) => m.params.reduce((n, p) => n + p.variable.size, 0);
      expect([count(session.G), count(session.D)]).toEqual(TORCH_PARAMS[model]);
    } finally {
      disposeSession(session);
    }
  });

  it('ring8-wgan-gp takes 5 critic steps with the penalty per step; ring8-preset one, without', () => {
    for (const [model, k, penalty] of [['ring8-wgan-gp', 5, true], ['ring8-preset', 1, false]] as const) {
      const session = benchSession(model);
      try {
        const record = ganStep(session);
        expect(session.dStepsPerG).toBe(k);
        expect(record.dPenalty > 0).toBe(penalty);
      } finally {
        disposeSession(session);
      }
    }
  });
});
