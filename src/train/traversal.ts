/**
 * InfoGAN's latent codes, set by hand: a parsed `--code` spec (`cat`, `c1=0.5`, `c2,cat=3`) and
 * the grid of G inputs it asks for — one code varied along each row (Chen et al.'s Figure 2), the
 * others fixed or drawn from their prior.
 */
import { noiseValues } from '../data/index.ts';
import { ConfigError } from '../errors.ts';
import type { Rng } from '../tensor/index.ts';
import type { GanSession } from './session.ts';

/** A code spec: the one code varied across the columns (if any) and the values of fixed ones. */
export interface CodeSpec {
  /** `cat` or `c1` … `cK`; the grid's columns walk it. */
  vary?: string;
  /** Fixed values: the categorical code's id under `cat`, the continuous codes' under `c1` … */
  fixed: Record<string, number>;
}

/** G's inputs for a code spec, laid out as a grid of `rows × cols` (row-major). */
export interface CodeGrid {
  z: Float32Array;
  labels?: Int32Array;
  rows: number;
  cols: number;
  /** Whether a code is walked along the rows (a traversal); false for samples with fixed codes. */
  vary: boolean;
  /** What the rows and the columns show, for captions. */
  rowsShow: string;
  colsShow: string;
}

/** The continuous codes' traversal: Chen et al. vary each from −2 to 2, past the prior's [−1, 1]. */
export const TRAVERSAL_RANGE = [-2, 2] as const;
const TRAVERSAL_STEPS = 10;
/** Rows of fresh noise when the rows are not the categorical code. */
const NOISE_ROWS = 8;

const refuse = (message: string, received: unknown): never => {
  throw new ConfigError(`invalid config:\n  --code: ${message}`, [{ field: '--code', message, received }]);
};

/**
 * Parses `--code` against the session's codes: comma-separated items, each a code's name (`cat`,
 * `c1` … `cK`), varied across the grid (at most one), or `name=value`, fixed (the category an
 * integer id, a continuous code any finite number).
 */
export function parseCodeSpec(text: string, session: GanSession): CodeSpec {
  const aux = session.auxiliary;
  if (aux?.kind !== 'infogan') return refuse("this run has no latent codes (model.codes is null); --code is for InfoGAN runs, --label for conditional ones", text);
  const names = [...(aux.categorical > 0 ? ['cat'] : []), ...Array.from({ length: aux.continuous }, (_, j) => `c${j + 1}`)];
  const spec: CodeSpec = { fixed: {} };
  for (const item of text.split(',').map((s) => s.trim())) {
    const [name, value, ...rest] = item.split('=');
    if (!names.includes(name) || rest.length > 0) refuse(`'${item}' is not a code of this run: give ${names.join(', ')}, each alone (varied) or as name=value (fixed)`, text);
    if (name in spec.fixed || spec.vary === name) refuse(`'${name}' is given twice`, text);
    if (value === undefined) {
      if (spec.vary) refuse(`only one code can vary across the grid; '${spec.vary}' already does`, text);
      spec.vary = name;
      continue;
    }
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v)) refuse(`'${item}': the value must be a number`, text);
    if (name === 'cat' && (!Number.isInteger(v) || v < 0 || v >= aux.categorical)) refuse(`'${item}': the categorical code is an integer in 0 … ${aux.categorical - 1}`, text);
    spec.fixed[name] = v;
  }
  return spec;
}

/**
 * The grid of G inputs `spec` asks for. Varying a continuous code: columns walk it over
 * {@link TRAVERSAL_RANGE}; rows are the categories (one noise vector shared by all) unless the
 * category is fixed or absent, then {@link NOISE_ROWS} noise vectors. Varying `cat`: columns are the
 * categories, rows noise vectors. Nothing varied: `n` samples in one block. Codes not named keep
 * their prior draw; the noise comes from `rng`.
 */
export function codeGrid(session: GanSession, spec: CodeSpec, rng: Rng, n = 64): CodeGrid {
  const aux = session.auxiliary;
  if (aux?.kind !== 'infogan') throw new Error('codeGrid: the session has no InfoGAN codes');
  const dim = session.noise.dim;
  const codeColumn = (name: string) => dim - aux.continuous + Number(name.slice(1)) - 1;
  let rows: number;
  let cols: number;
  let rowsShow: string;
  let colsShow: string;
  let shareNoise = false;
  if (spec.vary && spec.vary !== 'cat') {
    cols = TRAVERSAL_STEPS;
    const byCategory = aux.categorical > 0 && !('cat' in spec.fixed);
    rows = byCategory ? aux.categorical : NOISE_ROWS;
    shareNoise = byCategory;
    rowsShow = byCategory ? 'the categorical code, 0 at the top' : 'fresh noise';
    colsShow = `${spec.vary} from ${TRAVERSAL_RANGE[0]} to ${TRAVERSAL_RANGE[1]}`;
  } else if (spec.vary === 'cat') {
    cols = aux.categorical;
    rows = NOISE_ROWS;
    rowsShow = 'fresh noise';
    colsShow = 'the categorical code, 0 at the left';
  } else {
    cols = Math.ceil(Math.sqrt(n));
    rows = Math.ceil(n / cols);
    rowsShow = colsShow = 'samples';
  }
  const count = spec.vary ? rows * cols : n;
  // One noise vector per row (or one for all), repeated along it, so only the varied code changes.
  const draws = noiseValues(session.noise, spec.vary ? (shareNoise ? 1 : rows) : count, rng);
  const z = new Float32Array(count * dim);
  const labels = aux.categorical > 0 ? new Int32Array(count) : undefined;
  const free = labels && !spec.vary && !('cat' in spec.fixed) ? Int32Array.from({ length: count }, () => rng.int(aux.categorical)) : undefined;
  for (let i = 0; i < count; i++) {
    const [r, c] = [Math.floor(i / cols), i % cols];
    const source = spec.vary ? (shareNoise ? 0 : r) : i;
    z.set(draws.subarray(source * dim, (source + 1) * dim), i * dim);
    for (const [name, v] of Object.entries(spec.fixed)) if (name !== 'cat') z[i * dim + codeColumn(name)] = v;
    if (spec.vary && spec.vary !== 'cat') z[i * dim + codeColumn(spec.vary)] = TRAVERSAL_RANGE[0] + ((TRAVERSAL_RANGE[1] - TRAVERSAL_RANGE[0]) * c) / (cols - 1);
    if (labels) labels[i] = 'cat' in spec.fixed ? spec.fixed.cat : spec.vary === 'cat' ? c : shareNoise ? r : free![i];
  }
  return { z, ...(labels ? { labels } : {}), rows, cols, vary: spec.vary !== undefined, rowsShow, colsShow };
}
