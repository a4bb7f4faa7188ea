import { afterEach, describe, expect, it, vi } from 'vitest';
import { intFlag, positiveIntFlag } from '../../src/cli/flags.ts';
import { onInterrupt } from '../../src/cli/interrupt.ts';
import { changedConfigFields, checkSizes, configFieldDigests, configFingerprint, estimateSizes, parseConfigText, parseSetting, resolveConfig } from '../../src/config/index.ts';
import { parsePoints } from '../../src/data/index.ts';
import { ConfigError, DataError } from '../../src/errors.ts';
import { canonicalJson, sha256Hex } from '../../src/tensor/index.ts';
import { configErrorOf } from '../helpers/errors.ts';

afterEach(() => vi.restoreAllMocks());

describe('integer flags: decimal digits only, one parser for every command', () => {
  it.each([
    ['5', 5],
    ['-3', -3],
    ['2000', 2000],
    ['007', 7],
  ])('%j → %i', (text, n) => expect(intFlag('--steps', text)).toBe(n));

  it.each(['0x5', '1e3', '5.0', ' 7', '', '+5', 'Infinity', '0b11', '9007199254740993'])('%j is refused, naming the flag and the text', (text) => {
    expect(configErrorOf(() => intFlag('--steps', text)).message).toMatch(new RegExp(`^invalid config:\\n  --steps: got "${text.replace(/[+.]/g, '\\$&')}"; expected an integer (in decimal digits|below 2\\^53)$`));
  });

  it('positiveIntFlag refuses 0 and negatives', () => {
    expect(positiveIntFlag('--seeds', '3')).toBe(3);
    expect(configErrorOf(() => positiveIntFlag('--seeds', '0')).message).toBe('invalid config:\n  --seeds: got "0"; expected a positive integer');
    expect(positiveIntFlag('--seeds', undefined)).toBeUndefined();
  });
});

describe('config paths that would reach a prototype are refused', () => {
  it.each(['__proto__.steps=7', 'constructor=1', 'loss.prototype.x=1', 'optim.g.__proto__=2'])('--set %s', (setting) => {
    expect(configErrorOf(() => parseSetting(setting)).message).toMatch(/is not a config field \(it would change JavaScript's object prototype\)$/);
  });

  it.each([
    ['{"__proto__": {"steps": 7}}', 'c.json', '__proto__'],
    ['loss:\n  constructor: {name: hinge}\n', 'c.yaml', 'loss.constructor'],
  ])('a config file with %j', (text, source, field) => {
    const err = configErrorOf(() => resolveConfig({ preset: 'ring8', files: [parseConfigText(text, source)] }));
    expect(err.message).toContain(`  ${field}: '${field.split('.').pop()}' is not a config field`);
    expect(({} as Record<string, unknown>).steps).toBeUndefined();
  });
});

describe('non-finite numbers are reported with the text the user wrote', () => {
  it.each([
    ['steps: 1e999\n', 'a.yaml', 'steps: got 1e999 (Infinity) in a.yaml'],
    ['optim:\n  g:\n    lr: .nan\n', 'a.yaml', 'optim.g.lr: got .nan (NaN) in a.yaml'],
    ['loss: {name: hinge}\nbatchSize: -.inf\n', 'a.yaml', 'batchSize: got -.inf (-Infinity) in a.yaml'],
    ['{"model": {"g": {"hidden": [8, 1e400]}}}', 'a.json', 'model.g.hidden[1]: got 1e400 (Infinity) in a.json'],
  ])('%j', (text, source, message) => {
    expect(configErrorOf(() => parseConfigText(text, source)).message).toBe(`invalid config:\n  ${message}; expected a finite number`);
  });

  it('--set steps=1e999', () => {
    expect(configErrorOf(() => parseSetting('steps=1e999')).message).toBe('--set steps=1e999: 1e999 is not a finite number; JSON numbers must be finite (e.g. 1e308 at most)');
  });
});

describe('config fingerprint', () => {
  const config = resolveConfig({ preset: 'ring8' });
  it('is the SHA-256 of canonical JSON, independent of key order, and ignores only steps, backend and the record of recommended settings', () => {
    const reordered = Object.fromEntries(Object.entries(config).reverse()) as typeof config;
    expect(configFingerprint(reordered)).toBe(configFingerprint(config));
    expect(configFingerprint({ ...config, steps: 99, backend: 'wasm' })).toBe(configFingerprint(config));
    expect(configFingerprint({ ...config, seed: 1 })).not.toBe(configFingerprint(config));
    // `recommended` lists settings already in the config: a run made before it existed keeps its fingerprint.
    expect(configFingerprint({ ...config, recommended: [{ field: 'dStepsPerG', value: 5, by: 'loss wgan-gp', why: '…' }] })).toBe(configFingerprint(config));
    expect(configFingerprint({ ...config, threads: 1 })).not.toBe(configFingerprint(config));
    const { steps: _s, backend: _b, recommended: _r, ...rest } = config;
    expect(configFingerprint(config)).toBe(`sha256:${sha256Hex(canonicalJson(rest))}`);
  });

  it('names the top-level fields that changed', () => {
    const stored = configFieldDigests(config);
    expect(changedConfigFields(stored, { ...config, seed: 4, loss: { ...config.loss, name: 'hinge' } as typeof config.loss })).toEqual(['loss', 'seed']);
    expect(changedConfigFields(stored, { ...config, steps: 7 })).toEqual([]);
  });

  it('canonical JSON sorts keys and refuses non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(RangeError);
  });

  it('sha256 matches the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });
});

describe('size checks before training', () => {
  const GB = 2 ** 30;
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['batchSize', { batchSize: 1_000_000 }, /^ {2}batchSize: 1000000 needs about [\d.]+ GB for activations of one training step, but about 3\.0 GB of memory is available; use a smaller batchSize$/m],
    ['eval.samples', { eval: { samples: 10_000_000 } }, /^ {2}eval\.samples: 10000000 needs about [\d.]+ GB for one evaluation/m],
    ['referenceSize', { stabilizers: [{ name: 'virtual-batch-norm', referenceSize: 100_000_000 }] }, /^ {2}stabilizers\[0\]\.referenceSize: 100000000 needs about [\d.]+ GB/m],
    ['grid modes', { data: { kind: 'grid', size: 100_000 } }, /^ {2}data\.size: 100000 needs about [\d.]+ GB for 10000000000 modes of the dataset/m],
    ['packing vs eval.samples', { stabilizers: [{ name: 'packing', m: 8 }], eval: { samples: 5 } }, /^ {2}eval\.samples: got 5; packing \(stabilizers\[0\]\.m = 8\) needs at least 8 samples for one pack$/m],
  ])('%s past 3 GB (or below a pack) is a ConfigError naming the field', (_what, over, message) => {
    const config = resolveConfig({ preset: 'ring8', files: [over] });
    expect(configErrorOf(() => checkSizes(config, 3 * GB)).message).toMatch(message);
  });

  it('the presets fit in 256 MB, and the estimate grows linearly with the batch', () => {
    const ring = resolveConfig({ preset: 'ring8' });
    expect(() => checkSizes(ring, 256 * 2 ** 20)).not.toThrow();
    const batch = (n: number) => estimateSizes({ ...ring, batchSize: n }).find((e) => e.field === 'batchSize')!.bytes;
    expect(batch(512) / batch(256)).toBeCloseTo(2, 10);
  });

  it('eval.samples below 2 is refused by the schema (MMD needs pairs)', () => {
    expect(configErrorOf(() => resolveConfig({ preset: 'ring8', sets: ['eval.samples=1'] })).message).toBe('invalid config:\n  eval.samples: the evaluator needs at least 2 samples (MMD compares pairs) (got 1)');
    expect(resolveConfig({ preset: 'ring8', sets: ['eval.samples=2'] }).eval.samples).toBe(2);
  });
});

describe('points beyond float32 name the file and line', () => {
  it.each<[string, 'csv' | 'json', string]>([
    ['x,y\n1,2\n3,1e39\n', 'csv', "p.csv: line 3, column 2 is 1e39, beyond float32's range (±3.4e38) that training uses"],
    ['[[1, 2], [-4e38, 0]]', 'json', "p.json: [1][0] is -4e+38, beyond float32's range (±3.4e38) that training uses"],
  ])('%j', (text, format, message) => {
    expect(() => parsePoints(text, format, `p.${format}`)).toThrow(new DataError(message.slice(message.indexOf(': ') + 2), `p.${format}`));
    expect(() => parsePoints(text, format, `p.${format}`)).toThrow(message);
  });

  it('3.4e38 itself is still a float32', () => expect(parsePoints('3.4e38,0\n', 'csv', 'p.csv')).toEqual([[3.4e38, 0]]));
});

describe('SIGTERM is a stop request like Ctrl-C', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s: the first asks to stop (exit code %i), the second quits at once', (signal, code) => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const interrupt = onInterrupt('stopping');
    expect(interrupt.requested()).toBe(false);
    process.emit(signal);
    expect(interrupt.requested()).toBe(true);
    expect(interrupt.exitCode()).toBe(code);
    expect(exit).not.toHaveBeenCalled();
    process.emit(signal);
    expect(exit).toHaveBeenCalledWith(code);
    interrupt.dispose();
    expect(process.listenerCount(signal)).toBe(0);
    expect(stderr.mock.calls.filter(([text]) => String(text).includes('stopping'))).toEqual([[`\n${signal === 'SIGTERM' ? 'SIGTERM: ' : ''}stopping\n`]]);
  });
});
