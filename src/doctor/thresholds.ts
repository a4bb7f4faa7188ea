/**
 * Every number a detector compares with, named, with where it comes from. "Calibrated" values were
 * checked on the short validation runs in the doctor's tests and report (issue 15); the labelled
 * corpus that will tune them on held-out runs is still to come.
 */

/** Fraction of the remaining points that must show a symptom for it to count as persisting (not a blip). */
export const PERSIST_FRACTION = 0.8;

/** A symptom must persist over at least this share of the step records (or 10 steps) to be reported. */
export const MIN_PERSIST_SHARE = 0.1;

/** Eval-based symptoms need this many consecutive evaluations, unless they hold at the run's last one. */
export const MIN_EPISODE_EVALS = 2;

/**
 * ‖∇G‖ must fall this many times below its running maximum (two orders of magnitude) to call the
 * gradient vanished. For minimax, ∂/∂logit log(1 − σ(l)) = −σ(l) = −D(G(z)): D(fake) going from 0.5 to
 * 0.005 divides G's gradient by 100 (Goodfellow et al. 2014, §3; Arjovsky & Bottou 2017, Thm 2.4).
 */
export const VANISHING_FACTOR = 100;

/**
 * D(fake) of an untrained D (chance): minimax's G loss derivative in D's logit is D(G(z)), so its
 * saturation is measured against this value (Goodfellow et al. 2014, §3: "early in learning … D can
 * reject samples with high confidence … log(1 − D(G(z))) saturates").
 */
export const MINIMAX_START_D_FAKE = 0.5;

/** D(fake) (a probability) at or below which D rejects generated samples outright: the saturated regime. */
export const SATURATED_D_FAKE = 0.05;

/** D(real) at or above which D accepts real samples outright. */
export const SATURATED_D_REAL = 0.95;

/** Held-out accuracy at or above which D wins outright: with 2,500 + 2,500 samples, 0.95 is ≥ 20 standard errors from chance. */
export const OVERPOWERED_ACCURACY = 0.95;

/**
 * Hinge D wins outright when its outputs clear the margins: D(real) ≥ 1 and D(fake) ≤ −1 give a
 * zero D loss (Lim & Ye 2017), i.e. a real–fake gap of at least 2.
 */
export const HINGE_SATURATED_GAP = 2;

/**
 * D(fake) − D(real) (probabilities) at or above which D persistently rates generated samples as
 * more real than real ones: a D that has fallen behind. At the equilibrium both are 0.5 and the
 * gap's sign flips with batch noise; a 0.1 gap held over most of the run does not.
 */
export const G_OVERPOWER_GAP = 0.1;

/** ADA's target for r_t (Karras et al. 2020, §3): above it, ADA adds augmentation because D starts to overfit. */
export const RT_OVERFIT = 0.6;

/**
 * D's train/held-out output gap (logit units) at or above which D scores its training reals
 * distinctly higher than fresh ones: e^0.5 ≈ 1.65× the odds. With 1,000 + 1,000 reals and logit
 * spreads of ~2, the gap's standard error is ~0.09, so 0.5 is > 5 standard errors.
 */
export const OVERFIT_GAP = 0.5;

/**
 * Generated NN distances at most this share of the real ones: many z land on (nearly) one output.
 * Dropping modes while fitting the kept ones divides NN distances by only (modes kept share)^(1/d)
 * (0.5 for half the modes of 1-D data, 0.71 in 2-D), so 0.2 leaves room for dropping.
 */
export const COLLAPSE_NN_RATIO = 0.2;

/**
 * Generated near-duplicate pairs at least this many times the real ones (or this many, when the
 * real batch has none): Arora & Zhang's birthday test finding duplicates real data does not have.
 */
export const DUPLICATE_EXCESS = 10;

/** Sensitivity ‖∂G/∂z‖ below its earlier maximum by this factor is reported as collapsed (Odena et al. 2018 see drops of orders of magnitude). */
export const SENSITIVITY_DROP = 10;

/**
 * Coverage at or below which G leaves part of the real data out. Identical distributions give
 * 1 − 2^−5 ≈ 0.97 with k = 5 and equal set sizes (Naeem et al. 2020, §4.2); 0.75 means about a
 * quarter of the real samples have no generated sample near them.
 */
export const DROP_COVERAGE = 0.75;

/**
 * Precision at or above which what G makes lies on the data: with low coverage, that is mode
 * dropping rather than poor samples. Identical distributions give ≈ 0.97 with k = 5.
 */
export const DROP_PRECISION = 0.7;

/** With known modes: high-quality share at or above which the modes G keeps are fitted well. */
export const DROP_HIGH_QUALITY = 0.5;

/**
 * Autocorrelation at the dominant period at or above which loss swings are periodic (a rotating
 * game: Mescheder et al. 2017). Batch noise and slow drift give well under 0.3 after detrending;
 * a clean sine gives ~0.9.
 */
export const OSCILLATION_STRENGTH = 0.5;

/** Shortest period (in steps) counted as an oscillation: shorter ones are step-to-step alternation of noise. */
export const MIN_PERIOD = 4;

/** Swings (rolling std of a loss) growing by this factor from the second to the last quarter of the run. */
export const GROWING_SWINGS = 3;

/** Gradient norms growing this many times above their early median: exploding (three orders of magnitude). */
export const EXPLODING_FACTOR = 1000;

/**
 * W1 to the data at least this many times its best earlier value, at the last two evaluations: the
 * run moves away from the data instead of converging. Sliced W1 on 2,500 samples varies by a few
 * per cent between evaluations of one G, so a doubling is not noise. Calibrated on one run only
 * (ring8 at lr 5e-3, W1 0.42 → 1.25): the labelled corpus must confirm it.
 */
export const NONCONVERGENCE_W1_GROWTH = 2;

/**
 * A conditional G's share of samples of the class asked for at or below which it ignores the class:
 * chance is 1/classes (0.1 for MNIST, 0.125 for ring8), a working conditional run measures 0.84 to
 * 0.99 (README), and MNIST with a 2-wide embedding, which learned no class, 0.14.
 */
export const CLASS_IGNORED_ACCURACY = 0.3;

/**
 * Per-class recall at or below which a class's samples have collapsed within it (almost none of
 * the class's reference images have a generated sample of the class near them), while the best
 * class's recall is at least {@link CLASS_RECALL_SPREAD} times higher, so the run is not merely
 * young: G makes that class from too few variations (ACGAN's known bias to easily classified
 * samples). The `mnist-acgan` run of the README has classes 2, 4, 6, 7 and 8 at 0–0.01 and the
 * best at 0.28 at step 2,000.
 */
export const CLASS_RECALL_COLLAPSE = 0.02;
export const CLASS_RECALL_SPREAD = 10;
