/**
 * Input normalisation stored with a model: x' = (f(x) − mean) / std, where f is log1p for the
 * heavy-tailed, non-negative features (amounts, counts, ages) and the identity otherwise.
 */
export interface Normalisation {
  /** One entry per feature, in FEATURE_NAMES order. */
  log1p: boolean[];
  mean: number[];
  std: number[];
}

/** Fits the normalisation on the listed rows of a row-major matrix. */
export function fitNormalisation(
  features: Float32Array,
  cols: number,
  rows: ArrayLike<number>,
  log1p: boolean[],
): Normalisation {
  const mean = new Float64Array(cols);
  const sq = new Float64Array(cols);
  const n = rows.length;
  for (let r = 0; r < n; r += 1) {
    const base = (rows[r] ?? 0) * cols;
    for (let c = 0; c < cols; c += 1) {
      const v = transform(features[base + c] ?? 0, log1p[c] === true);
      mean[c] = (mean[c] ?? 0) + v;
      sq[c] = (sq[c] ?? 0) + v * v;
    }
  }
  const m: number[] = [];
  const s: number[] = [];
  for (let c = 0; c < cols; c += 1) {
    const mu = n === 0 ? 0 : (mean[c] ?? 0) / n;
    const variance = n === 0 ? 1 : (sq[c] ?? 0) / n - mu * mu;
    m.push(mu);
    // A constant column (e.g. no fraud at all in a window) must not divide by zero.
    s.push(Math.sqrt(Math.max(variance, 0)) > 1e-6 ? Math.sqrt(variance) : 1);
  }
  return { log1p: log1p.slice(), mean: m, std: s };
}

function transform(v: number, log: boolean): number {
  return log ? Math.sign(v) * Math.log1p(Math.abs(v)) : v;
}

/** Normalises the listed rows into a new row-major Float32Array (rows.length × cols). */
export function applyNormalisation(
  features: Float32Array,
  cols: number,
  rows: ArrayLike<number> | null,
  norm: Normalisation,
): Float32Array {
  const n = rows === null ? features.length / cols : rows.length;
  const out = new Float32Array(n * cols);
  for (let r = 0; r < n; r += 1) {
    const src = (rows === null ? r : (rows[r] ?? 0)) * cols;
    for (let c = 0; c < cols; c += 1) {
      const v = transform(features[src + c] ?? 0, norm.log1p[c] === true);
      out[r * cols + c] = (v - (norm.mean[c] ?? 0)) / (norm.std[c] ?? 1);
    }
  }
  return out;
}
