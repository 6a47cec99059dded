// Learned splits: step indicators on single features, placed where a decision tree would cut them,
// learned from the training rows and computed inside the model. An MLP of a few epochs rounds a
// sharp step (every amount above some value is a fraud) into a slope, and the rows on the slope
// fall under the DECLINE threshold; a tree takes the step exactly. Each split becomes a steep
// ramp, 0 below and 1 above, fed to the network beside the features it came from. As Dense
// layers: relu(k(x − lo)) − relu(k(x − lo) − 1) is the ramp, relu(x) − relu(−x) is x, so one
// fixed ReLU layer in front of the network computes both, and the difference folds into the
// first trained layer's kernel; the model stays a Dense stack (the worker's folded form, the
// reason codes and the artifact format are unchanged), and no feature is added to the store.
import type { LayersModel, Tensor } from '@tensorflow/tfjs-node';
import type { Tf } from './tf';

/** One learned split: a ramp from 0 at `lo` to 1 at `hi` on feature `feature` (normalised). */
export interface LearnedSplit {
  feature: number;
  lo: number;
  hi: number;
}

/** How splits are learned. */
export interface SplitLearning {
  /** Depth of the one-feature tree whose cuts become splits (1: one cut, 2: up to three). */
  depth: number;
  /** Fewest training rows on either side of a cut. */
  minLeafRows: number;
  /** Fewest frauds in a fraud-only tail (every row above, or below, the cut a fraud). */
  minTailFrauds: number;
}

/**
 * Narrowest ramp, in standard deviations: bounds the ramp's slope (1000), hence the float32
 * error of the two ReLU halves it is the difference of (about 1e-3 for inputs near 10).
 */
const MIN_RAMP_WIDTH = 1e-3;

/** Rows of one feature, sorted by value, with their labels. */
interface Sorted {
  values: Float64Array;
  labels: Uint8Array;
}

function sortFeature(x: Float32Array, y: Uint8Array, cols: number, c: number): Sorted {
  const rows = y.length;
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  order.sort((a, b) => (x[a * cols + c] ?? 0) - (x[b * cols + c] ?? 0) || a - b);
  return {
    values: Float64Array.from(order, (i) => x[i * cols + c] ?? 0),
    labels: Uint8Array.from(order, (i) => y[i] ?? 0),
  };
}

/**
 * The cut of rows [from, to) (sorted) with the largest class-balanced Gini decrease, both sides
 * keeping `minLeaf` rows; the index of the first row above it, or -1.
 */
function bestCut(s: Sorted, from: number, to: number, minLeaf: number, wF: number): number {
  let frauds = 0;
  for (let i = from; i < to; i += 1) frauds += s.labels[i] ?? 0;
  const genuine = to - from - frauds;
  const gini = (f: number, g: number): number => {
    const w = f * wF + g;
    if (w === 0) return 0;
    const p = (f * wF) / w;
    return w * 2 * p * (1 - p);
  };
  const parent = gini(frauds, genuine);
  let best = -1;
  let bestGain = 1e-12 * (parent + 1);
  let leftF = 0;
  for (let i = from + 1; i < to; i += 1) {
    leftF += s.labels[i - 1] ?? 0;
    if (i - from < minLeaf || to - i < minLeaf) continue;
    if (s.values[i] === s.values[i - 1]) continue;
    const leftG = i - from - leftF;
    const gain = parent - gini(leftF, leftG) - gini(frauds - leftF, genuine - leftG);
    if (gain > bestGain) {
      bestGain = gain;
      best = i;
    }
  }
  return best;
}

/** Cuts of a one-feature tree of `depth` over rows [from, to), as first-row-above indices. */
function treeCuts(
  s: Sorted,
  from: number,
  to: number,
  depth: number,
  o: SplitLearning,
  wF: number,
): number[] {
  if (depth === 0) return [];
  const cut = bestCut(s, from, to, o.minLeafRows, wF);
  if (cut < 0) return [];
  return [
    ...treeCuts(s, from, cut, depth - 1, o, wF),
    cut,
    ...treeCuts(s, cut, to, depth - 1, o, wF),
  ];
}

/** The cut starting the longest fraud-only run at either end, when it has enough frauds. */
function tailCuts(s: Sorted, minFrauds: number): number[] {
  const n = s.values.length;
  const cuts: number[] = [];
  // Upper tail: rows [cut, n) all frauds, and no genuine row shares the cut's value.
  let i = n;
  while (i > 0 && s.labels[i - 1] === 1) i -= 1;
  while (i < n && i > 0 && s.values[i] === s.values[i - 1]) i += 1;
  if (n - i >= minFrauds && i > 0) cuts.push(i);
  let j = 0;
  while (j < n && s.labels[j] === 1) j += 1;
  while (j > 0 && j < n && s.values[j] === s.values[j - 1]) j -= 1;
  if (j >= minFrauds && j < n) cuts.push(j);
  return cuts;
}

/**
 * Learns splits from normalised training rows: per feature, the cuts of a one-feature decision
 * tree (class-balanced Gini) and the cuts that start a fraud-only tail. A cut between sorted
 * values a < b becomes a ramp over [a, b], widened about its middle to MIN_RAMP_WIDTH.
 */
export function learnSplits(
  x: Float32Array,
  y: Uint8Array,
  cols: number,
  o: SplitLearning,
): LearnedSplit[] {
  let frauds = 0;
  for (let i = 0; i < y.length; i += 1) frauds += y[i] ?? 0;
  // Class-balanced: the frauds weigh as much, together, as the genuine rows.
  const wF = frauds === 0 ? 1 : (y.length - frauds) / frauds;
  const splits: LearnedSplit[] = [];
  for (let c = 0; c < cols; c += 1) {
    const s = sortFeature(x, y, cols, c);
    const cuts = new Set([
      ...treeCuts(s, 0, y.length, o.depth, o, wF),
      ...tailCuts(s, o.minTailFrauds),
    ]);
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      let lo = s.values[cut - 1] ?? 0;
      let hi = s.values[cut] ?? 0;
      if (hi - lo < MIN_RAMP_WIDTH) {
        const mid = (lo + hi) / 2;
        lo = mid - MIN_RAMP_WIDTH / 2;
        hi = mid + MIN_RAMP_WIDTH / 2;
      }
      splits.push({ feature: c, lo, hi });
    }
  }
  return splits;
}

/** The network's input: each row's features, then its ramps (row-major, cols + splits wide). */
export function expandWithSplits(
  x: Float32Array,
  cols: number,
  splits: readonly LearnedSplit[],
): Float32Array {
  const rows = x.length / cols;
  const width = cols + splits.length;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r += 1) {
    out.set(x.subarray(r * cols, (r + 1) * cols), r * width);
    splits.forEach((s, j) => {
      const v = ((x[r * cols + s.feature] ?? 0) - s.lo) / (s.hi - s.lo);
      out[r * width + cols + j] = Math.min(1, Math.max(0, v));
    });
  }
  return out;
}

/**
 * `network` (trained on `expandWithSplits` rows) as a model of the features alone: a fixed ReLU
 * layer computing relu(±x) and the two halves of each ramp, then the network with its first
 * kernel taking the differences. Same Dense-stack shape as any model; `network` is not disposed.
 */
export function prependSplits(
  tf: Tf,
  network: LayersModel,
  cols: number,
  splits: readonly LearnedSplit[],
): LayersModel {
  const m = splits.length;
  const units = 2 * cols + 2 * m;
  // Layer A: units [relu(x), relu(−x), relu(k(x − lo)), relu(k(x − lo) − 1)].
  const kernelA = new Float32Array(cols * units);
  const biasA = new Float32Array(units);
  for (let c = 0; c < cols; c += 1) {
    kernelA[c * units + c] = 1;
    kernelA[c * units + cols + c] = -1;
  }
  splits.forEach((s, j) => {
    const k = 1 / (s.hi - s.lo);
    const up = 2 * cols + j;
    const cap = 2 * cols + m + j;
    kernelA[s.feature * units + up] = k;
    kernelA[s.feature * units + cap] = k;
    biasA[up] = -k * s.lo;
    biasA[cap] = -k * s.lo - 1;
  });
  const weights = network.getWeights();
  const first = weights[0];
  if (first === undefined || first.shape[0] !== cols + m) {
    throw new RangeError(`network input: expected ${cols + m} columns, got ${first?.shape[0]}`);
  }
  // The first trained kernel W (cols + m rows) on A's units: rows of W for x, −W for −x, etc.
  const w = first.dataSync();
  const out = first.shape[1] ?? 0;
  const kernel1 = new Float32Array(units * out);
  for (let i = 0; i < cols + m; i += 1) {
    const row = w.subarray(i * out, (i + 1) * out);
    const plus = i < cols ? i : 2 * cols + (i - cols);
    const minus = i < cols ? cols + i : 2 * cols + m + (i - cols);
    kernel1.set(row, plus * out);
    kernel1.set(
      row.map((v) => -v),
      minus * out,
    );
  }
  const model = tf.sequential();
  model.add(tf.layers.dense({ units, activation: 'relu', inputShape: [cols] }));
  for (const layer of network.layers) {
    if (layer.getClassName() !== 'Dense') continue;
    const config = layer.getConfig();
    const kernel = layer.getWeights()[0];
    model.add(
      tf.layers.dense({
        units: kernel?.shape[1] ?? 0,
        activation: config.activation as 'relu' | 'sigmoid' | 'linear',
      }),
    );
  }
  const tensors: Tensor[] = [
    tf.tensor2d(kernelA, [cols, units]),
    tf.tensor1d(biasA),
    tf.tensor2d(kernel1, [units, out]),
    ...weights.slice(1).map((t) => t.clone()),
  ];
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}
