/**
 * Full-reference image quality, for translations measured against their targets (Pix2Pix):
 * mean absolute error, PSNR and SSIM, on images in [−1, 1] (as G outputs them) scored on the
 * [0, 1] scale the field reports them on.
 */

/** Mean |a − b| over every pixel, on the [0, 1] scale (half the [−1, 1] difference). */
export function pixelL1(a: Float32Array, b: Float32Array): number {
  check(a, b);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length / 2;
}

/** Peak signal-to-noise ratio in dB of each image pair, averaged over the `n` images (peak 1 on [0, 1]); an exact copy is capped at 100 dB. */
export function psnr(a: Float32Array, b: Float32Array, n: number): number {
  check(a, b);
  const size = a.length / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let se = 0;
    for (let p = i * size; p < (i + 1) * size; p++) se += ((a[p] - b[p]) / 2) ** 2;
    const mse = se / size;
    total += mse === 0 ? 100 : Math.min(100, 10 * Math.log10(1 / mse));
  }
  return total / n;
}

/**
 * The structural similarity index (Wang et al. 2004) of `n` image pairs `[n, h, w, c]`: the
 * standard 11 × 11 Gaussian window of σ 1.5 over the valid positions, C₁ = (0.01)², C₂ = (0.03)²
 * on [0, 1], averaged over positions, channels and images. 1 for identical images.
 */
export function ssim(a: Float32Array, b: Float32Array, n: number, h: number, w: number, c: number): number {
  check(a, b);
  if (a.length !== n * h * w * c) throw new RangeError(`ssim: ${a.length} values for ${n} images of ${h}×${w}×${c}`);
  const k = Math.min(11, h, w);
  const sigma = 1.5 * (k / 11);
  const half = (k - 1) / 2;
  const g = Array.from({ length: k }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const gSum = g.reduce((s, v) => s + v, 0);
  const weights = g.map((v) => v / gSum);
  const [c1, c2] = [0.01 ** 2, 0.03 ** 2];
  const unit = (v: number) => (v + 1) / 2;
  let total = 0;
  let count = 0;
  for (let img = 0; img < n; img++) {
    for (let ch = 0; ch < c; ch++) {
      const at = (arr: Float32Array, y: number, x: number) => unit(arr[((img * h + y) * w + x) * c + ch]);
      for (let y = 0; y + k <= h; y++) {
        for (let x = 0; x + k <= w; x++) {
          let [ma, mb, saa, sbb, sab] = [0, 0, 0, 0, 0];
          for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) {
              const wt = weights[i] * weights[j];
              const [va, vb] = [at(a, y + i, x + j), at(b, y + i, x + j)];
              ma += wt * va;
              mb += wt * vb;
              saa += wt * va * va;
              sbb += wt * vb * vb;
              sab += wt * va * vb;
            }
          }
          const [va, vb, cov] = [saa - ma * ma, sbb - mb * mb, sab - ma * mb];
          total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
          count += 1;
        }
      }
    }
  }
  return total / count;
}

function check(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`image quality: ${a.length} values against ${b.length}`);
}
