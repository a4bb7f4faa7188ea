import { describe, expect, it } from 'vitest';
import { mergeConfig, parseConfigText, parseSetting, PRESET_NAMES, PRESETS, resolveConfig } from '../../src/config/index.ts';
import { configErrorOf } from '../helpers/errors.ts';
import { nodeDatasets } from '../../src/node/index.ts';

const errorOf = configErrorOf;

describe('config resolution', () => {
  it('fills every default and merges preset → file → --set → flags in that order', () => {
    const c = resolveConfig({
      preset: 'ring8',
      files: [{ steps: 100, seed: 5, loss: { name: 'wgan-gp', lambda: 3 } }],
      sets: ['steps=200', 'model.g.hidden=[64,64]'],
      flags: { seed: 9 },
    });
    expect(c.steps).toBe(200);
    expect(c.seed).toBe(9);
    expect(c.loss).toEqual({ name: 'wgan-gp', lambda: 3, oneSided: false });
    expect(c.model.g.hidden).toEqual([64, 64]);
    expect(c.model.d.act).toBe('leakyRelu');
    expect(c.optim.d).toEqual({ name: 'adam', lr: 5e-4, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 }); // beta2 recommended by wgan-gp; lr from the preset
    expect(c.data).toEqual({ kind: 'ring8' });
  });

  it('replaces a loss whose name changes instead of mixing parameters', () => {
    const c = resolveConfig({ preset: 'ring8', files: [{ loss: { name: 'wgan-gp', lambda: 3 } }], sets: ['loss.name=hinge'] });
    expect(c.loss).toEqual({ name: 'hinge' });
    expect(mergeConfig({ a: { name: 'x', p: 1 } }, { a: { name: 'x', q: 2 } })).toEqual({ a: { name: 'x', p: 1, q: 2 } });
  });

  it('every preset validates (image presets with the Node data sources, which register MNIST)', () => {
    for (const name of PRESET_NAMES) {
      const kind = PRESETS[name].config.data?.kind;
      // The user's folder preset needs the folder: without it the error names data.path.
      if (kind === 'image-folder') {
        expect(() => resolveConfig({ preset: name, datasets: nodeDatasets })).toThrow(/data\.path/);
        expect(resolveConfig({ preset: name, datasets: nodeDatasets, sets: ['data.path=photos'] }).data).toEqual({ kind, path: 'photos', size: 64, channels: 3 });
      } else {
        expect(resolveConfig({ preset: name, datasets: nodeDatasets }).data.kind).toBe(kind);
      }
    }
    expect(() => resolveConfig({ preset: 'mnist-dcgan' })).toThrow(/data\.kind/);
  });

  it('the image presets follow the DCGAN rules, and WGAN-GP keeps batch norm out of its critic', () => {
    const dcgan = resolveConfig({ preset: 'mnist-dcgan', datasets: nodeDatasets });
    expect(dcgan.model.g).toMatchObject({ arch: 'dcgan', norm: 'batch', init: 'dcgan' });
    expect(dcgan.model.d).toMatchObject({ arch: 'dcgan', norm: 'batch', act: 'leakyRelu', alpha: 0.2 });
    expect(dcgan.optim.g).toMatchObject({ name: 'adam', lr: 2e-4, beta1: 0.5 });
    expect([dcgan.batchSize, dcgan.model.noiseDim]).toEqual([64, 100]);
    const gp = resolveConfig({ preset: 'mnist-wgan-gp', datasets: nodeDatasets });
    expect(gp.model.d.norm).toBe('layer');
    expect(gp.loss).toMatchObject({ name: 'wgan-gp', lambda: 10 });
    expect(gp.dStepsPerG).toBe(5);
  });

  it('parses --set values as JSON when they parse, else as strings', () => {
    expect(parseSetting('a.b=3')).toEqual({ a: { b: 3 } });
    expect(parseSetting('x=[1,2]')).toEqual({ x: [1, 2] });
    expect(parseSetting('loss.name=wgan-gp')).toEqual({ loss: { name: 'wgan-gp' } });
    expect(() => parseSetting('novalue')).toThrow(/expected key=value/);
  });

  it('reads YAML and JSON files and refuses broken ones with the path', () => {
    expect(parseConfigText('steps: 10\nloss:\n  name: hinge\n', 'a.yaml')).toEqual({ steps: 10, loss: { name: 'hinge' } });
    expect(parseConfigText('{"steps": 10}', 'a.json')).toEqual({ steps: 10 });
    expect(() => parseConfigText('{"steps": ', 'b.json')).toThrow(/b\.json: cannot parse/);
    expect(() => parseConfigText('- 1\n- 2\n', 'c.yaml')).toThrow(/c\.yaml: a config file must hold an object/);
  });
});

describe('bad configs fail before training with the field, the value and what is allowed', () => {
  it.each([
    ['unknown loss', { loss: { name: 'wgan' } }, /loss\.name: got "wgan"; allowed: "minimax", "non-saturating", "least-squares", "wasserstein", "wgan-gp", "dragan", "hinge", "began", "relativistic"/],
    ['negative steps', { steps: -5 }, /steps: .*(>0|positive|greater)/i],
    ['fractional batch', { batchSize: 12.5 }, /batchSize: expected int/],
    ['steps as text', { steps: 'many' }, /steps: expected (int|number), got "many"/],
    ['unknown backend', { backend: 'gpu' }, /backend: got "gpu"; allowed: "auto", "native", "wasm", "cpu"/],
    ['typo in a field', { stepz: 10 }, /\(config\): unknown field 'stepz'/],
    ['unknown loss parameter', { loss: { name: 'hinge', lambda: 1 } }, /loss: unknown field 'lambda'/],
    ['negative GP weight', { loss: { name: 'wgan-gp', lambda: -1 } }, /loss\.lambda: .*(>=0|non-?negative|greater)/i],
    ['unknown activation', { model: { g: { act: 'swish' } } }, /model\.g\.act: got "swish"; allowed: "linear", "relu", "leakyRelu"/],
    ['zero learning rate', { optim: { d: { name: 'adam', lr: 0 } } }, /optim\.d\.lr: .*(>0|positive|greater)/i],
    ['unknown optimizer', { optim: { g: { name: 'adagrad' } } }, /optim\.g\.name: got "adagrad"; allowed: "adam", "rmsprop", "sgd"/],
    ['beta1 out of range', { optim: { g: { name: 'adam', beta1: 1.5 } } }, /optim\.g\.beta1: .*(<1|less)/i],
    ['unknown data kind', { data: { kind: 'moons' } }, /data\.kind: got "moons"; allowed: "ring8", "ring", "grid25", "grid"/],
    ['mismatched mixture', { data: { kind: 'mixture1d', weights: [1, 1], means: [0], stds: [1, 1] } }, /data\.weights: weights, means and stds must have the same length/],
    ['empty hidden widths', { model: { d: { hidden: [] } } }, /model\.d\.hidden: .*(>=1|at least|too small)/i],
    ['dStepsPerG zero', { dStepsPerG: 0 }, /dStepsPerG: .*(>0|positive|greater)/i],
    ['BEGAN gamma above 1', { loss: { name: 'began', gamma: 2 } }, /loss\.gamma: .*(<=1|less|too big)/i],
    ['unknown stabilizer', { stabilizers: [{ name: 'spectral-norm' }, { name: 'gradient-clipping' }] }, /stabilizers\[1\]\.name: got "gradient-clipping"; allowed: "spectral-norm", "feature-matching", "minibatch-std"/],
    ['unknown stabilizer parameter', { stabilizers: [{ name: 'packing', degree: 2 }] }, /stabilizers\[0\]: unknown field 'degree'/],
    ['stabilizer parameter out of range', { stabilizers: [{ name: 'instance-noise', sigma: -1 }] }, /stabilizers\[0\]\.sigma: .*(>0|positive|greater)/i],
  ])('%s', (_name, over, message) => {
    const err = errorOf(() => resolveConfig({ preset: 'ring8', files: [over] }));
    expect(err.message).toMatch(message);
    expect(err.issues.length).toBeGreaterThan(0);
  });

  it('an unknown preset lists the presets', () => {
    expect(errorOf(() => resolveConfig({ preset: 'ring9' })).message).toMatch(/preset: got "ring9"; allowed: ring8, grid25, mixture1d/);
  });

  it('a config without data says how to provide it', () => {
    expect(errorOf(() => resolveConfig({ files: [{ steps: 3 }] })).message).toMatch(/data: is required; pick a preset/);
  });

  it('reports every problem at once', () => {
    const err = errorOf(() => resolveConfig({ preset: 'ring8', files: [{ steps: 0, batchSize: -1 }] }));
    expect(err.issues.map((i) => i.field).sort()).toEqual(['batchSize', 'steps']);
  });
});
