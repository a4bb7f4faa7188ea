import { describe, expect, it } from 'vitest';
import { allRecommendations, describeApplied, resolveConfig } from '../../src/config/index.ts';
import { nodeDatasets } from '../../src/node/datasets.ts';

const fields = (c: { recommended: { field: string }[] }) => c.recommended.map((r) => r.field);

describe('recommended settings', () => {
  it('choosing wgan-gp on ring8 brings 5 critic steps, Adam β2 0.9 and the toy λ, each listed with its source', () => {
    const c = resolveConfig({ preset: 'ring8', flags: { loss: { name: 'wgan-gp' } } });
    expect(c).toMatchObject({ dStepsPerG: 5, loss: { name: 'wgan-gp', lambda: 0.1 }, optim: { g: { lr: 5e-4, beta1: 0.5, beta2: 0.9 }, d: { lr: 5e-4, beta2: 0.9 } } });
    expect(c.recommended).toEqual([
      { field: 'dStepsPerG', value: 5, by: 'loss wgan-gp', why: expect.stringMatching(/^Gulrajani et al\. 2017/) },
      { field: 'optim.g.beta2', value: 0.9, by: 'loss wgan-gp', why: expect.any(String) },
      { field: 'optim.d.beta2', value: 0.9, by: 'loss wgan-gp', why: expect.any(String) },
      { field: 'loss.lambda', value: 0.1, by: 'loss wgan-gp', why: expect.stringMatching(/gan_toy\.py/) },
    ]);
    expect(describeApplied(c.recommended)).toEqual([expect.stringMatching(/^loss wgan-gp: dStepsPerG 5, optim\.g\.beta2 0\.9, optim\.d\.beta2 0\.9, loss\.lambda 0\.1 \(Gulrajani/)]);
  });

  it('a field the user sets wins, from a file, a --set or a flag; the preset does not count as the user', () => {
    const c = resolveConfig({ preset: 'ring8', files: [{ dStepsPerG: 2 }], sets: ['loss.lambda=3'], flags: { loss: { name: 'wgan-gp' } } });
    expect(c).toMatchObject({ dStepsPerG: 2, loss: { lambda: 3 }, optim: { d: { beta2: 0.9 } } });
    expect(fields(c)).toEqual(['optim.g.beta2', 'optim.d.beta2']);
  });

  it("the user's other optimizer keeps its own fields: no Adam β2 on SGD", () => {
    const c = resolveConfig({ preset: 'ring8', sets: ['optim.d={"name":"sgd","lr":0.01}'], flags: { loss: { name: 'wgan-gp' } } });
    expect(c.optim.d).toEqual({ name: 'sgd', lr: 0.01, momentum: 0 });
    expect(fields(c)).toEqual(['dStepsPerG', 'optim.g.beta2', 'loss.lambda']);
  });

  it('a recommendation for points data is left out on images: WGAN-GP keeps λ 10 on MNIST', () => {
    const c = resolveConfig({ preset: 'ring8', sets: ['data.kind=mnist'], flags: { loss: { name: 'wgan-gp' } }, datasets: nodeDatasets });
    expect(c.loss).toMatchObject({ name: 'wgan-gp', lambda: 10 });
    expect(fields(c)).not.toContain('loss.lambda');
  });

  it('spectral norm brings the hinge loss unless the user chose a loss, and Miyato et al.’s optimizer settings', () => {
    const chosen = resolveConfig({ preset: 'ring8', remedy: 'spectral-norm' });
    expect(chosen).toMatchObject({ loss: { name: 'hinge' }, dStepsPerG: 5, optim: { g: { lr: 1e-3, beta2: 0.9 }, d: { lr: 1e-3, beta2: 0.9 } } });
    const mine = resolveConfig({ preset: 'ring8', remedy: 'spectral-norm', flags: { loss: { name: 'least-squares' } } });
    expect(mine.loss).toMatchObject({ name: 'least-squares' });
    expect(fields(mine)).not.toContain('loss.name');
  });

  it('a remedy reads the config with the recommendations already in: TTUR after unrolled is 4× the rate G is recommended', () => {
    const c = resolveConfig({ preset: 'ring8', remedy: 'unrolled+ttur' });
    expect(c.optim.g.lr).toBe(1e-3);
    expect(c.optim.d.lr).toBe(4e-3);
  });

  it('packing brings nothing (PacGAN trains the base GAN’s settings), and noRecommendations gives the plain merge', () => {
    expect(resolveConfig({ preset: 'ring8', remedy: 'pac2' }).recommended).toEqual([]);
    const plain = resolveConfig({ preset: 'ring8', flags: { loss: { name: 'wgan-gp' } }, noRecommendations: true });
    expect(plain).toMatchObject({ dStepsPerG: 1, loss: { lambda: 10 }, optim: { d: { beta2: 0.999 } }, recommended: [] });
  });

  it('a stored config resolves to itself: every field is set, nothing more is applied, the list it carries is kept', () => {
    const first = resolveConfig({ preset: 'ring8', flags: { loss: { name: 'wgan-gp' } } });
    const again = resolveConfig({ files: [JSON.parse(JSON.stringify(first))] });
    expect(again).toEqual(first);
  });

  it('every recommendation names a source and sets fields the schema accepts', () => {
    const all = allRecommendations();
    expect(all.map((e) => `${e.kind} ${e.name}`)).toEqual(['loss wasserstein', 'loss wgan-gp', 'stabilizer spectral-norm', 'stabilizer unrolled']);
    for (const e of all) for (const r of e.recommended) expect(r.why).toMatch(/\d{4}|gan_toy|Metz/);
  });
});
