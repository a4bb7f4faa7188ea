/**
 * One detector per pathology: each reads the run's series (never tensors) and returns the findings
 * it can back with numbers. Every comparison goes through a named constant in `thresholds.ts`.
 */
import { periodicity } from '../metrics/index.ts';
import type { EvalRecord, StepRecord } from '../train/index.ts';
import { offerRemedies } from './remedies.ts';
import { episodes, median, num, persistentOnset, rollingMedian, rollingStd, windowFor, type Episode, type RunSeries } from './series.ts';
import {
  CLASS_IGNORED_ACCURACY,
  CLASS_RECALL_COLLAPSE,
  CLASS_RECALL_SPREAD,
  COLLAPSE_NN_RATIO,
  DROP_COVERAGE,
  DROP_HIGH_QUALITY,
  DROP_PRECISION,
  DUPLICATE_EXCESS,
  EXPLODING_FACTOR,
  G_OVERPOWER_GAP,
  GROWING_SWINGS,
  HINGE_SATURATED_GAP,
  MINIMAX_START_D_FAKE,
  MIN_PERIOD,
  NONCONVERGENCE_W1_GROWTH,
  OSCILLATION_STRENGTH,
  OVERFIT_GAP,
  OVERPOWERED_ACCURACY,
  RT_OVERFIT,
  SATURATED_D_FAKE,
  SATURATED_D_REAL,
  SENSITIVITY_DROP,
  VANISHING_FACTOR,
} from './thresholds.ts';
import type { DiagnosisContext, Finding, Pathology } from './types.ts';

/** A detector: one pathology, read from the series. */
export interface Detector {
  pathology: Pathology;
  detect(series: RunSeries, ctx: DiagnosisContext): Finding[];
}

/** Four significant digits: evidence is read by people, and more digits than the noise are false precision. */
function sig(v: number): number {
  return Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(4)) : v;
}

function evidence(fields: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && Number.isFinite(v)) out[k] = sig(v);
  return out;
}

const fmt = (v: number | undefined) => (v === undefined ? '?' : String(sig(v)));
const field = (steps: readonly StepRecord[], key: 'dReal' | 'dFake' | 'gradNormG' | 'gradNormD' | 'dLoss' | 'gLoss') => steps.map((s) => s[key]);
const lastWindow = (values: readonly number[]) => median(values.slice(-windowFor(values.length)));
const lastEval = (evals: readonly EvalRecord[]) => evals[evals.length - 1] as EvalRecord | undefined;

function episodeFinding(e: Episode, finding: Omit<Finding, 'fromStep' | 'toStep'>): Finding {
  return { ...finding, fromStep: e.first.step, ...(e.ongoing ? {} : { toStep: e.last.step }) };
}

/** NaN/Inf (a `diverged` record), or gradient norms exploding by orders of magnitude. */
const divergence: Detector = {
  pathology: 'divergence',
  detect({ steps, diverged }, ctx) {
    const remedies = offerRemedies(
      [
        ['lower-lr', 'smaller steps keep the updates inside the region where the local linearization holds'],
        ['spectral-norm', "bounds D's Lipschitz constant, so D's outputs and gradients cannot blow up (Miyato et al. 2018)"],
        ['r1', "penalizes D's gradient on real data, damping the growth of D's weights (Mescheder et al. 2018)"],
      ],
      ctx,
    );
    if (diverged) {
      return [
        {
          pathology: 'divergence',
          severity: 'critical',
          fromStep: diverged.step,
          evidence: evidence({ step: diverged.step, gradNormG: num(steps[steps.length - 1]?.gradNormG), gradNormD: num(steps[steps.length - 1]?.gradNormD) }),
          explanation: `training diverged at step ${diverged.step}: ${diverged.message.split('\n')[0]}; the trainer stopped and kept the last good checkpoint`,
          remedies,
        },
      ];
    }
    const findings: Finding[] = [];
    for (const key of ['gradNormD', 'gradNormG'] as const) {
      const values = field(steps, key);
      const early = median(values.slice(0, Math.max(10, Math.ceil(values.length * 0.1))));
      if (!(early > 0)) continue;
      const smooth = rollingMedian(values, windowFor(values.length));
      const onset = persistentOnset(smooth.map((v) => v >= EXPLODING_FACTOR * early));
      if (onset < 0) continue;
      const now = lastWindow(values);
      findings.push({
        pathology: 'divergence',
        severity: 'warning',
        fromStep: steps[onset].step,
        evidence: evidence({ [`${key}Early`]: early, [`${key}Now`]: now, growth: now / early }),
        explanation: `${key === 'gradNormD' ? "D's" : "G's"} gradient norm grew ${fmt(now / early)}× over its early median (${fmt(early)} → ${fmt(now)}): exploding, the run is on its way to NaN`,
        remedies,
      });
    }
    return findings;
  },
};

/**
 * Saturation: ‖∇G‖ falls by orders of magnitude while D rejects generated samples. Minimax's G loss
 * log(1 − D(G(z))) has a gradient ∝ D(G(z)) in D's logit, so it saturates by design; other losses
 * can too (a clipped critic), and are reported the same way when the numbers say so.
 */
const vanishingGradients: Detector = {
  pathology: 'vanishing-gradients',
  detect({ steps, evals }, ctx) {
    if (steps.length < 10) return [];
    const w = windowFor(steps.length);
    const g = rollingMedian(field(steps, 'gradNormG'), w);
    const fake = rollingMedian(field(steps, 'dFake'), w);
    const minimax = ctx.config.loss.name === 'minimax';
    let peak = 0;
    const flags = g.map((v, i) => {
      peak = Math.max(peak, v);
      const normFell = v <= peak / VANISHING_FACTOR && (ctx.output !== 'logit' || fake[i] <= SATURATED_D_FAKE);
      // Minimax's G loss has derivative D(G(z)) in D's logit: at D(fake) ≤ 0.5/100 the loss itself
      // passes G 100× less than at the start, even where steep D logits keep ‖∇G‖ up.
      return normFell || (minimax && fake[i] <= MINIMAX_START_D_FAKE / VANISHING_FACTOR);
    });
    const onset = persistentOnset(flags);
    if (onset < 0) return [];
    const peakG = Math.max(...g.slice(0, onset + 1).filter(Number.isFinite));
    const nowG = lastWindow(field(steps, 'gradNormG'));
    const dFakeNow = lastWindow(field(steps, 'dFake'));
    const accuracy = num(lastEval(evals)?.dAccuracy);
    const normDrop = peakG / nowG;
    const what = minimax
      ? `the minimax G loss log(1 − D(G(z))) passes G a gradient ∝ D(G(z)) = ${fmt(dFakeNow)}, ${fmt(MINIMAX_START_D_FAKE / dFakeNow)}× less than at D(G(z)) = 0.5 (‖∇G‖ ${fmt(peakG)} → ${fmt(nowG)})`
      : `G's gradient fell ${fmt(normDrop)}× (‖∇G‖ ${fmt(peakG)} → ${fmt(nowG)}) with the ${ctx.config.loss.name} loss while D separates real from generated`;
    return [
      {
        pathology: 'vanishing-gradients',
        severity: 'critical',
        fromStep: steps[onset].step,
        evidence: evidence({ gradNormGPeak: peakG, gradNormGNow: nowG, drop: normDrop, dFake: dFakeNow, lossFactorDrop: minimax ? MINIMAX_START_D_FAKE / dFakeNow : undefined, dReal: lastWindow(field(steps, 'dReal')), dAccuracy: accuracy }),
        explanation: `${what}: G's loss is saturated and G barely moves`,
        remedies: offerRemedies(
          [
            ['non-saturating', 'G maximizes log D(G(z)) instead: the same fixed point, but a gradient ∝ 1 − D(G(z)) that is largest exactly when D rejects G (Goodfellow et al. 2014)'],
            ['wgan-gp', 'a critic with a gradient penalty gives G a gradient of norm ≈ 1 wherever it is, however well the critic separates (Gulrajani et al. 2017)'],
            ['least-squares', "the least-squares loss penalizes samples by their distance to D's boundary, so it does not saturate (Mao et al. 2017)"],
            ['instance-noise', "noise on D's inputs makes the real and generated distributions overlap, so D cannot separate them perfectly (Sønderby et al. 2017)"],
            ['spectral-norm', "a Lipschitz-bounded D cannot push its logits to extremes (Miyato et al. 2018)"],
          ],
          ctx,
        ),
      },
    ];
  },
};

/** D wins outright (held-out accuracy ≈ 1, D(real) → 1, D(fake) → 0) while G still has a gradient. */
const discriminatorOverpowering: Detector = {
  pathology: 'discriminator-overpowering',
  detect({ steps, evals }, ctx) {
    if (steps.length < 10) return [];
    if (vanishingGradients.detect({ steps, evals }, ctx).length > 0) return []; // the more specific finding says it
    const w = windowFor(steps.length);
    const real = rollingMedian(field(steps, 'dReal'), w);
    const fake = rollingMedian(field(steps, 'dFake'), w);
    let flags: boolean[];
    if (ctx.output === 'logit') flags = real.map((r, i) => r >= SATURATED_D_REAL && fake[i] <= SATURATED_D_FAKE);
    else if (ctx.config.loss.name === 'hinge') flags = real.map((r, i) => r - fake[i] >= HINGE_SATURATED_GAP);
    else return [];
    const onset = persistentOnset(flags);
    const accuracy = num(lastEval(evals)?.dAccuracy);
    if (onset < 0 || (accuracy !== undefined && accuracy < OVERPOWERED_ACCURACY)) return [];
    return [
      {
        pathology: 'discriminator-overpowering',
        severity: 'warning',
        fromStep: steps[onset].step,
        evidence: evidence({ dReal: lastWindow(field(steps, 'dReal')), dFake: lastWindow(field(steps, 'dFake')), dAccuracy: accuracy, gradNormG: lastWindow(field(steps, 'gradNormG')) }),
        explanation: `D separates real from generated outright (D(real) ${fmt(lastWindow(field(steps, 'dReal')))}, D(fake) ${fmt(lastWindow(field(steps, 'dFake')))}${accuracy !== undefined ? `, held-out accuracy ${fmt(accuracy)}` : ''}): its feedback to G is "everything you make is fake", not where to move`,
        remedies: offerRemedies(
          [
            ['lower-lr-d', 'a slower D stays near the regime where its gradient tells G something (the two time-scale argument run the other way)'],
            ['one-d-step', 'fewer D steps per G step let G keep up'],
            ['instance-noise', "noise on D's inputs blurs the gap D exploits (Sønderby et al. 2017)"],
            ['label-smoothing', "a real target of 0.9 keeps D from becoming overconfident (Salimans et al. 2016)"],
            ['dropout', 'a noisier D cannot fit the real/generated boundary as sharply'],
            ['spectral-norm', "a Lipschitz-bounded D cannot separate arbitrarily sharply (Miyato et al. 2018)"],
          ],
          ctx,
        ),
      },
    ];
  },
};

/** D persistently rates generated samples as more real than real ones: D has fallen behind G. */
const generatorOverpowering: Detector = {
  pathology: 'generator-overpowering',
  detect({ steps }, ctx) {
    // Probabilities (logit losses) and least-squares targets share the [0, 1] scale the gap is in.
    if (steps.length < 10 || !(ctx.output === 'logit' || ctx.config.loss.name === 'least-squares')) return [];
    const w = windowFor(steps.length);
    const real = rollingMedian(field(steps, 'dReal'), w);
    const fake = rollingMedian(field(steps, 'dFake'), w);
    const onset = persistentOnset(fake.map((f, i) => f - real[i] >= G_OVERPOWER_GAP));
    if (onset < 0) return [];
    const gap = lastWindow(field(steps, 'dFake')) - lastWindow(field(steps, 'dReal'));
    return [
      {
        pathology: 'generator-overpowering',
        severity: 'warning',
        fromStep: steps[onset].step,
        evidence: evidence({ dReal: lastWindow(field(steps, 'dReal')), dFake: lastWindow(field(steps, 'dFake')), gap }),
        explanation: `D rates generated samples above real ones (D(fake) − D(real) = ${fmt(gap)}) for most of the run: D lags G, so G optimizes against a stale critic`,
        remedies: offerRemedies(
          [
            ['ttur', "D's learning rate 4× G's lets D track G, the condition of the two time-scale convergence proof (Heusel et al. 2017)"],
            ['k5', 'more D steps per G step keep D near its best response (Arjovsky et al. 2017 train the critic 5×)'],
          ],
          ctx,
        ),
      },
    ];
  },
};

/** ADA's signs of a D memorising its training reals: r_t high and a train/held-out output gap. */
const discriminatorOverfitting: Detector = {
  pathology: 'discriminator-overfitting',
  detect({ evals }, ctx) {
    if (ctx.output !== 'logit') return [];
    return episodes(evals, (r) => (num(r.rt) ?? -1) >= RT_OVERFIT && (num(r.dTrainGap) ?? 0) >= OVERFIT_GAP).map((e) =>
      episodeFinding(e, {
        pathology: 'discriminator-overfitting',
        severity: 'warning',
        evidence: evidence({ rt: num(e.last.rt), dTrainGap: num(e.last.dTrainGap), dReal: num(e.last.dReal) }),
        explanation: `D scores its training reals ${fmt(num(e.last.dTrainGap))} logits above fresh reals, with r_t = ${fmt(num(e.last.rt))} (ADA's target is ${RT_OVERFIT}): D is memorising its training set, and G is pushed toward those samples instead of the distribution`,
        remedies: offerRemedies(
          [
            ['instance-noise', 'noise on D\'s inputs is a data augmentation that keeps D from memorising exact samples (Sønderby et al. 2017; Karras et al. 2020 augment for the same reason)'],
            ['dropout', 'dropout regularizes D against memorising'],
            ['r1', "penalizing D's gradient on real data keeps D smooth around its training samples (Mescheder et al. 2018)"],
            ['weight-penalty', "L2 on D's kernels limits how sharply D can fit individual samples"],
            ['label-smoothing', 'softer real targets make memorising pay less (Salimans et al. 2016)'],
          ],
          ctx,
        ),
      }),
    );
  },
};

const collapsed = (r: EvalRecord) => {
  const nn = num(r.diversityNN);
  const dup = num(r.duplicates);
  return nn !== undefined && dup !== undefined && nn <= COLLAPSE_NN_RATIO && dup >= DUPLICATE_EXCESS * Math.max(1, num(r.duplicatesReal) ?? 0);
};

/** Many z → one output: diversity among generated samples collapses, with near-duplicates real data does not have. */
const modeCollapse: Detector = {
  pathology: 'mode-collapse',
  detect({ evals }, ctx) {
    return episodes(evals, collapsed).map((e) => {
      const before = evals.filter((r) => r.step < e.first.step).map((r) => num(r.sensitivity) ?? 0);
      const peak = before.length ? Math.max(...before) : undefined;
      const sens = num(e.last.sensitivity);
      const sensitivityFell = peak !== undefined && sens !== undefined && sens * SENSITIVITY_DROP <= peak;
      const modes = e.last.modes !== undefined ? `, ${e.last.modes} of ${e.last.modesTotal} modes` : '';
      return episodeFinding(e, {
        pathology: 'mode-collapse',
        severity: 'critical',
        evidence: evidence({
          diversityNN: num(e.last.diversityNN),
          diversityPairwise: num(e.last.diversityPairwise),
          duplicates: num(e.last.duplicates),
          duplicatesReal: num(e.last.duplicatesReal),
          sensitivity: sens,
          sensitivityPeak: peak,
          modes: num(e.last.modes),
        }),
        explanation:
          `many z give (nearly) the same output: generated nearest-neighbour distances are ${fmt(num(e.last.diversityNN))}× the real ones and ${fmt(num(e.last.duplicates))} generated pairs are near-duplicates (real data: ${fmt(num(e.last.duplicatesReal))})${modes}` +
          (sensitivityFell ? `; G's sensitivity ‖∂G/∂z‖ fell from ${fmt(peak)} to ${fmt(sens)}` : ''),
        remedies: offerRemedies(
          [
            ['unrolled', "G optimizes against D's response to it, so it cannot win by moving all its mass to wherever D is weakest (Metz et al. 2017)"],
            ['pac2', 'D sees samples in pairs, so a G whose samples look alike is caught (Lin et al. 2018)'],
            ['minibatch-discrimination', "D sees how close each sample is to the rest of its batch (Salimans et al. 2016)"],
            ['minibatch-std', "D sees the batch's spread (Karras et al. 2018)"],
          ],
          ctx,
        ),
      });
    });
  },
};

/** Some modes or regions never covered while the samples G makes are fine: known modes missing, or low coverage at high precision. */
const modeDropping: Detector = {
  pathology: 'mode-dropping',
  detect({ evals }, ctx) {
    const dropping = (r: EvalRecord) => {
      if (collapsed(r)) return false;
      if (ctx.modesKnown && r.modes !== undefined && r.modesTotal !== undefined) return r.modes < r.modesTotal && (num(r.highQuality) ?? 0) >= DROP_HIGH_QUALITY;
      const cov = num(r.coverage);
      const prec = num(r.precision);
      return cov !== undefined && prec !== undefined && cov <= DROP_COVERAGE && prec >= DROP_PRECISION;
    };
    return episodes(evals, dropping).map((e) => {
      const r = e.last;
      const what = ctx.modesKnown && r.modes !== undefined
        ? `G covers ${r.modes} of ${r.modesTotal} modes while ${fmt((num(r.highQuality) ?? 0) * 100)} % of its samples are high quality`
        : `G covers ${fmt((num(r.coverage) ?? 0) * 100)} % of the real samples' neighbourhoods while ${fmt((num(r.precision) ?? 0) * 100)} % of its samples lie on the data`;
      return episodeFinding(e, {
        pathology: 'mode-dropping',
        severity: 'warning',
        evidence: evidence({ modes: num(r.modes), modesTotal: num(r.modesTotal), highQuality: num(r.highQuality), coverage: num(r.coverage), precision: num(r.precision), diversityNN: num(r.diversityNN), reverseKL: num(r.reverseKL) }),
        explanation: `${what}: the samples it makes are fine, but part of the data is never generated`,
        remedies: offerRemedies(
          [
            ['pac2', 'a packed D sees the missing modes in the joint distribution of pairs, which penalizes dropping (Lin et al. 2018)'],
            ['minibatch-std', "D sees the batch's spread, which is too small when modes are missing (Karras et al. 2018)"],
            ['unrolled', "G anticipates D's response, which spreads it over the modes (Metz et al. 2017)"],
            ['curriculum', 'starting from few modes and adding the rest lets G learn them one at a time'],
          ],
          ctx,
        ),
      });
    });
  },
};

/** Periodic or growing swings of the losses: a rotating game rather than a converging one. */
const oscillation: Detector = {
  pathology: 'oscillation',
  detect({ steps, evals, diverged }, ctx) {
    if (diverged) return [];
    const w1 = evals.map((r) => num(r.w1));
    const bestBefore = (i: number) => Math.min(...w1.slice(0, i).filter((v): v is number => v !== undefined));
    const away = episodes(evals, (r, i) => i > 0 && w1[i] !== undefined && w1[i]! >= NONCONVERGENCE_W1_GROWTH * bestBefore(i)).filter((e) => e.ongoing && e.records.length >= 2);
    const drift = away.length ? { from: away[0].first.step, best: bestBefore(evals.indexOf(away[0].first)), now: num(away[0].last.w1)! } : undefined;
    if (steps.length < 40 && !drift) return [];
    const half = steps.slice(Math.floor(steps.length / 2));
    const series = steps.length < 40 ? {} : {
      dLoss: field(half, 'dLoss'),
      gLoss: field(half, 'gLoss'),
      dGap: half.map((s) => s.dReal - s.dFake),
    };
    let best: { name: string; period: number; strength: number } | undefined;
    for (const [name, values] of Object.entries(series)) {
      const p = periodicity(values);
      if (p.period !== undefined && p.period >= MIN_PERIOD && p.strength >= OSCILLATION_STRENGTH && (!best || p.strength > best.strength)) best = { name, period: p.period, strength: p.strength };
    }
    const q = Math.floor(steps.length / 4);
    const swings = rollingStd(field(steps, 'gLoss'), windowFor(steps.length));
    const growth = steps.length >= 40 ? median(swings.slice(3 * q)) / median(swings.slice(q, 2 * q)) : Number.NaN;
    const growing = Number.isFinite(growth) && growth >= GROWING_SWINGS;
    if (!best && !growing && !drift) return [];
    const stepsPerRecord = half.length > 1 ? (half[half.length - 1].step - half[0].step) / (half.length - 1) : 1;
    const explanation = [
      best ? `${best.name} swings with a period of ${fmt(best.period * stepsPerRecord)} steps (autocorrelation ${fmt(best.strength)} at that lag)` : '',
      growing ? `G's loss swings grew ${fmt(growth)}× from the second to the last quarter of the run` : '',
      drift ? `W1 to the data rose from its best ${fmt(drift.best)} to ${fmt(drift.now)} (${fmt(drift.now / drift.best)}×) since step ${drift.from}` : '',
    ].filter(Boolean).join('; ');
    const fromStep = Math.min(best ? half[0].step : Infinity, growing ? steps[3 * q].step : Infinity, drift ? drift.from : Infinity);
    return [
      {
        pathology: 'oscillation',
        severity: 'warning',
        fromStep,
        evidence: evidence({ period: best ? best.period * stepsPerRecord : undefined, strength: best?.strength, swingGrowth: Number.isFinite(growth) ? growth : undefined, w1Best: drift?.best, w1: drift?.now }),
        explanation: best || growing
          ? `${explanation}: the players circle each other instead of converging (the rotation of simultaneous gradient play, Mescheder et al. 2017)`
          : `${explanation}: the run moves away from the data instead of converging`,
        remedies: offerRemedies(
          [
            ['lower-lr', 'smaller steps shrink the outward spiral of gradient play around the equilibrium'],
            ['lr-decay', 'a decaying step size turns circling into convergence'],
            ['optimistic-adam', 'optimism corrects each step by the last gradient, which cancels the rotation (Daskalakis et al. 2018)'],
            ['extragradient', 'stepping from a look-ahead point damps rotation (Gidel et al. 2019)'],
            ['consensus', 'descending ‖v‖² pulls the players toward the equilibrium along the rotation (Mescheder et al. 2017)'],
          ],
          ctx,
        ),
      },
    ];
  },
};

/** The classes whose recall collapsed while the best class's did not (see {@link CLASS_RECALL_COLLAPSE}). */
function collapsedClasses(r: EvalRecord): number[] {
  const recall = r.classRecall;
  if (!recall?.length) return [];
  if (!(Math.max(...recall) >= CLASS_RECALL_SPREAD * CLASS_RECALL_COLLAPSE)) return [];
  return recall.flatMap((v, k) => (v <= CLASS_RECALL_COLLAPSE ? [k] : []));
}

/**
 * A conditional run whose classes collapse: G ignores the class it is asked for (its samples are of
 * that class hardly more often than chance), or makes some classes from too few variations (their
 * recall against the class's own reference images collapsed while the others' did not). Read
 * from the second evaluation on: the first may come before G has learned any class.
 */
const classCollapse: Detector = {
  pathology: 'class-collapse',
  detect({ evals }, ctx) {
    if (ctx.config.model.condition === 'none') return [];
    const ignored = (r: EvalRecord, i: number) => i > 0 && (num(r.classAccuracy) ?? 1) <= CLASS_IGNORED_ACCURACY;
    const within = (r: EvalRecord, i: number) => i > 0 && !ignored(r, i) && collapsedClasses(r).length > 0;
    const acgan = ctx.config.model.condition === 'acgan';
    const ignoredFindings = episodes(evals, ignored).map((e) =>
      episodeFinding(e, {
        pathology: 'class-collapse',
        severity: 'critical',
        evidence: evidence({ classAccuracy: num(e.last.classAccuracy), fid: num(e.last.fid), embedDim: ctx.config.model.embedDim }),
        explanation: `G ignores the class it is asked for: only ${fmt((num(e.last.classAccuracy) ?? 0) * 100)} % of its samples are of that class (the data's classifier or nearest mode), near chance; the condition does not reach its output`,
        remedies: offerRemedies(
          [
            ['projection-d', "D scores the class through an inner product with its features, a direct signal G cannot satisfy without the class (Miyato & Koyama 2018)"],
            ['wider-embedding', 'a wider class embedding gives the class more weight in the first layers beside the noise'],
          ],
          ctx,
        ),
      }),
    );
    const withinFindings = episodes(evals, within).map((e) => {
      const classes = collapsedClasses(e.last);
      const recall = e.last.classRecall!;
      return episodeFinding(e, {
        pathology: 'class-collapse',
        severity: 'warning',
        evidence: evidence({
          classAccuracy: num(e.last.classAccuracy),
          bestClassRecall: Math.max(...recall),
          ...Object.fromEntries(classes.map((k) => [`recall${k}`, recall[k]])),
        }),
        explanation:
          `class${classes.length > 1 ? 'es' : ''} ${classes.join(', ')} collapsed within: recall against ${classes.length > 1 ? 'their' : 'its'} own reference images is ${classes.map((k) => fmt(recall[k] * 100)).join(', ')} % against the best class's ${fmt(Math.max(...recall) * 100)} %, so G makes ${classes.length > 1 ? 'them' : 'it'} from a few variations` +
          (acgan ? "; ACGAN's classifier term rewards the easiest samples of each class" : ''),
        remedies: offerRemedies(
          [
            ['lower-aux-weight', 'a lighter classifier term lets the adversarial loss spread each class again (Shu et al. 2017 show ACGAN concentrating on easily classified samples)'],
            ['projection-d', "the projection D has no classifier term to concentrate each class (Miyato & Koyama 2018)"],
            ['minibatch-std', "D sees the batch's spread, which is too small when a class collapses (Karras et al. 2018)"],
          ],
          ctx,
        ),
      });
    });
    return [...ignoredFindings, ...withinFindings];
  },
};

/** Every detector, in the order findings are listed. */
export const DETECTORS: readonly Detector[] = [divergence, vanishingGradients, modeCollapse, modeDropping, oscillation, discriminatorOverpowering, generatorOverpowering, discriminatorOverfitting, classCollapse];

/**
 * The `healthy` finding: no other detector found anything, with the numbers a reader checks that
 * against (the last evaluation and the last steps), and whether the measured distance to the data
 * fell over the run (converging).
 */
export function healthyFinding({ steps, evals }: RunSeries): Finding {
  const last = lastEval(evals);
  const firstW1 = num(evals[0]?.w1);
  const lastW1 = num(last?.w1);
  const converging = firstW1 !== undefined && lastW1 !== undefined && evals.length > 1 ? lastW1 < firstW1 : undefined;
  const precision = num(last?.precision);
  // Healthy is "nothing pathological", not "done": say so when G's samples are still off the data.
  const farFromData = precision !== undefined && precision < DROP_PRECISION;
  const parts = [
    last?.modes !== undefined ? `${last.modes} of ${last.modesTotal} modes` : '',
    num(last?.highQuality) !== undefined ? `${fmt(last!.highQuality! * 100)} % of samples high quality` : '',
    num(last?.coverage) !== undefined ? `coverage ${fmt(last!.coverage)}` : '',
    num(last?.diversityNN) !== undefined ? `NN-distance ratio ${fmt(last!.diversityNN)}` : '',
    converging !== undefined ? `W1 ${fmt(firstW1)} → ${fmt(lastW1)}${converging ? ' (converging)' : ' (not falling)'}` : '',
  ].filter(Boolean);
  return {
    pathology: 'healthy',
    severity: 'info',
    fromStep: steps[0]?.step ?? evals[0]?.step ?? 0,
    evidence: evidence({
      modes: num(last?.modes),
      modesTotal: num(last?.modesTotal),
      highQuality: num(last?.highQuality),
      w1First: firstW1,
      w1: lastW1,
      coverage: num(last?.coverage),
      precision: num(last?.precision),
      diversityNN: num(last?.diversityNN),
      dAccuracy: num(last?.dAccuracy),
      gradNormG: steps.length ? lastWindow(field(steps, 'gradNormG')) : undefined,
    }),
    explanation: `no pathology found${parts.length ? `: ${parts.join(', ')}` : ''}${farFromData ? `; not converged yet: only ${fmt(precision! * 100)} % of generated samples lie on the data (precision)` : ''}`,
    remedies: [],
  };
}
