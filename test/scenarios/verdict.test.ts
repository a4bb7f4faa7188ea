import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { defineScenario, formatNumber, judge, passes, resolveSettings, scenarioRegistry, SCENARIOS } from '../../src/scenarios/index.ts';

const verdict = { expected: 'x', measured: {}, holds: true, text: 'x' };
const toy = defineScenario({
  name: 'toy',
  title: 'Toy',
  shows: 'nothing',
  settings: {
    lr: { default: 0.1, help: 'learning rate', min: 0, max: 1 },
    steps: { default: 10, help: 'steps', min: 1, integer: true },
  },
  run: ({ settings }) => ({ measured: { lr: settings.lr, steps: settings.steps }, verdict, charts: [] }),
});

describe('judge', () => {
  it.each([
    [{ label: 'a', value: 1e-3, below: 1e-2 }, true],
    [{ label: 'a', value: 1e-2, below: 1e-2 }, false],
    [{ label: 'a', value: 0.999, above: 0.99 }, true],
    [{ label: 'a', value: 0.99, above: 0.99 }, false],
    [{ label: 'a', value: 1.004, near: 1, within: 0.01 }, true],
    [{ label: 'a', value: 0.98, near: 1, within: 0.01 }, false],
    [{ label: 'a', value: Number.NaN, below: 1 }, false],
    [{ label: 'a', value: Number.NaN, above: 1 }, false],
  ])('%j passes: %s', (check, expected) => {
    expect(passes(check)).toBe(expected);
  });

  it('holds only when every check passes, and says which failed with its numbers', () => {
    const ok = judge('e', { a: 1 }, [{ label: 'gradient', value: 0.0005, below: 0.01 }]);
    expect(ok).toEqual({ expected: 'e', measured: { a: 1 }, holds: true, text: 'holds: gradient = 5.000e-4 < 0.01' });
    const bad = judge('e', {}, [
      { label: 'gradient', value: 0.0005, below: 0.01 },
      { label: 'other', value: 0.5, above: 0.99 },
    ]);
    expect(bad.holds).toBe(false);
    expect(bad.text).toBe('does not hold (1 of 2 checks fail): other = 0.5 ≤ 0.99; gradient = 5.000e-4 < 0.01');
  });

  it('refuses a verdict without checks', () => {
    expect(() => judge('e', {}, [])).toThrow(/at least one check/);
  });

  it.each([
    [0.000999, '9.990e-4'],
    [1.0198039027, '1.0198'],
    [1.000382809, '1.00038'],
    [30, '30'],
    [123456, '1.235e+5'],
    [0, '0'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('formatNumber(%d) = %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('resolveSettings', () => {
  it('fills defaults and parses numbers given as strings', () => {
    expect(resolveSettings(toy)).toEqual({ lr: 0.1, steps: 10 });
    expect(resolveSettings(toy, { lr: '0.5', steps: 3 })).toEqual({ lr: 0.5, steps: 3 });
  });

  it('names every unknown or out-of-range setting in one ConfigError', () => {
    let error: unknown;
    try {
      resolveSettings(toy, { lr: '2', steps: '1.5', nope: 1 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('toy.nope: unknown setting; allowed: lr, steps');
    expect(message).toContain('toy.lr: got "2"; expected a number ≥ 0 and ≤ 1');
    expect(message).toContain('toy.steps: got "1.5"; expected an integer ≥ 1');
  });

  it.each(['abc', '', 'NaN'])('refuses %j as a number', (raw) => {
    expect(() => resolveSettings(toy, { lr: raw })).toThrow(/toy\.lr: got/);
  });
});

describe('scenarioRegistry', () => {
  it('keeps order and finds by name', () => {
    const registry = scenarioRegistry([toy]);
    expect(registry.names).toEqual(['toy']);
    expect(registry.get('toy')).toBe(toy);
    expect(registry.get('missing')).toBeUndefined();
  });

  it.each([
    [[toy, toy], /registered twice/],
    [[{ ...toy, name: 'Bad Name' }], /kebab-case/],
    [[{ ...toy, name: 'all' }], /reserved/],
  ])('refuses %#', (list, message) => {
    expect(() => scenarioRegistry(list)).toThrow(message);
  });

  it('registers all nine scenarios of the issue, theory first, then the training ones', () => {
    expect(SCENARIOS.names).toEqual(['saturation-curve', 'js-vs-wasserstein', 'xy-game', 'dirac-gan', 'optimal-discriminator', 'vanishing-gradients', 'mode-collapse-1d', 'linear-1d', 'k-steps']);
  });
});
