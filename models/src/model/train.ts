import { createHash } from 'node:crypto';
import { Random } from '@fraudstream/simulator';
import { TrainingError } from '../errors';
import type { Tf } from './tf';
import { loadTf } from './tf';
import type { TrainingOptions } from './training-options';
import { compileTrainingOptions } from './training-options';
import { expandWithSplits, learnSplits, prependSplits } from './learned-splits';

import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs-node';

/** Builds the MLP: ReLU hidden layers with L2, a sigmoid output; seeded Glorot initialisation. */
export function buildNetwork(tf: Tf, inputs: number, o: TrainingOptions): LayersModel {
  const model = tf.sequential();
  o.hiddenUnits.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        inputShape: i === 0 ? [inputs] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed + i }),
        kernelRegularizer: o.l2 > 0 ? tf.regularizers.l2({ l2: o.l2 }) : undefined,
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed + o.hiddenUnits.length }),
    }),
  );
  return model;
}

/**
 * sha256 (hex) of a model's weights, in layer order, as float32 bytes: what names a trained
 * model's version and what the reproducibility test holds training to.
 */
export function weightsSha256(model: LayersModel): string {
  const hash = createHash('sha256');
  for (const w of model.getWeights()) {
    const data = w.dataSync();
    hash.update(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex');
}

/** Per-epoch progress, for the CLI. */
export type EpochCallback = (epoch: number, loss: number) => void;

/**
 * Trains on normalised rows with weighted binary cross-entropy (frauds weigh `positiveWeight`),
 * with the learned splits of the recipe (if any) computed inside the returned model.
 * Our own seeded shuffling and a plain optimizer loop (not `fit`, which shuffles with
 * Math.random), so the same data and seed give the same weights.
 */
export function trainNetwork(
  x: Float32Array,
  y: Uint8Array,
  cols: number,
  options: Partial<TrainingOptions> = {},
  onEpoch?: EpochCallback,
): LayersModel {
  const o = compileTrainingOptions(options);
  const splits =
    o.splitDepth === 0
      ? []
      : learnSplits(x, y, cols, {
          depth: o.splitDepth,
          minLeafRows: o.splitMinLeafRows,
          minTailFrauds: o.splitMinTailFrauds,
        });
  const width = cols + splits.length;
  const input = splits.length === 0 ? x : expandWithSplits(x, cols, splits);
  let network: LayersModel;
  if (o.ensembleSize === 1) network = trainOne(input, y, width, o, onEpoch);
  else {
    const members: LayersModel[] = [];
    for (let j = 0; j < o.ensembleSize; j += 1) {
      members.push(trainOne(input, y, width, { ...o, seed: o.seed + 1000 * j }, onEpoch));
    }
    network = mergeEnsemble(loadTf(), members, width);
    for (const m of members) m.dispose();
  }
  if (splits.length === 0) return network;
  const model = prependSplits(loadTf(), network, cols, splits);
  network.dispose();
  return model;
}

/**
 * One Dense stack computing sigmoid(mean of the members' logits): hidden layers side by side
 * (block-diagonal kernels), the output kernel stacked and divided by the member count.
 */
export function mergeEnsemble(
  tf: Tf,
  members: readonly LayersModel[],
  inputs: number,
): LayersModel {
  const k = members.length;
  const weights = members.map((m) =>
    m.getWeights().map((w) => w.arraySync() as number[] | number[][]),
  );
  const first = weights[0] ?? [];
  const layers = first.length / 2;
  const model = tf.sequential();
  const merged: Tensor[] = [];
  let rowsPerMember = inputs;
  for (let l = 0; l < layers; l += 1) {
    const kernels = weights.map((w) => w[2 * l] as number[][]);
    const biases = weights.map((w) => w[2 * l + 1] as number[]);
    const units = (biases[0] ?? []).length;
    const last = l === layers - 1;
    model.add(
      tf.layers.dense({
        units: last ? 1 : k * units,
        activation: last ? 'sigmoid' : 'relu',
        inputShape: l === 0 ? [inputs] : undefined,
      }),
    );
    if (last) {
      merged.push(tf.tensor2d(kernels.flatMap((kr) => kr.map((r) => r.map((v) => v / k)))));
      merged.push(tf.tensor1d([biases.reduce((a, b) => a + (b[0] ?? 0), 0) / k]));
    } else {
      const rows = l === 0 ? inputs : k * rowsPerMember;
      const kernel = Array.from({ length: rows }, () => new Array<number>(k * units).fill(0));
      kernels.forEach((kr, j) => {
        kr.forEach((r, i) => {
          const row = kernel[l === 0 ? i : j * rowsPerMember + i];
          if (row !== undefined) r.forEach((v, u) => (row[j * units + u] = v));
        });
      });
      merged.push(tf.tensor2d(kernel));
      merged.push(tf.tensor1d(biases.flat()));
    }
    rowsPerMember = units;
  }
  model.setWeights(merged);
  tf.dispose(merged);
  return model;
}

function trainOne(
  x: Float32Array,
  y: Uint8Array,
  cols: number,
  o: TrainingOptions,
  onEpoch?: EpochCallback,
): LayersModel {
  const tf = loadTf();
  const rows = y.length;
  if (rows === 0 || x.length !== rows * cols) {
    throw new TrainingError(
      `training data: expected ${rows}×${cols} features, got ${x.length} values`,
    );
  }
  let positives = 0;
  for (let i = 0; i < rows; i += 1) positives += y[i] ?? 0;
  if (positives === 0 || positives === rows) {
    throw new TrainingError('training data: both frauds and genuine transactions are needed');
  }
  const model = buildNetwork(tf, cols, o);
  const optimizer = tf.train.adam(o.learningRate);
  const rng = new Random([o.seed, 0x7261696e]);
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const xb = new Float32Array(o.batchSize * cols);
  const yb = new Float32Array(o.batchSize);
  const weights = model.trainableWeights.map((w) => w.read() as Variable);
  for (let epoch = 0; epoch < o.epochs; epoch += 1) {
    for (let i = rows - 1; i > 0; i -= 1) {
      const j = rng.int(i + 1);
      const t = order[i] ?? 0;
      order[i] = order[j] ?? 0;
      order[j] = t;
    }
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < rows; start += o.batchSize) {
      const n = Math.min(o.batchSize, rows - start);
      for (let k = 0; k < n; k += 1) {
        const r = order[start + k] ?? 0;
        xb.set(x.subarray(r * cols, (r + 1) * cols), k * cols);
        yb[k] = y[r] ?? 0;
      }
      const xs = tf.tensor2d(xb.subarray(0, n * cols), [n, cols]);
      const ys = tf.tensor2d(yb.subarray(0, n), [n, 1]);
      const w = tf.tidy(() => ys.mul(o.positiveWeight - 1).add(1));
      const loss = optimizer.minimize(
        () => {
          const p = (model.apply(xs, { training: true }) as Tensor).clipByValue(1e-7, 1 - 1e-7);
          const bce = ys
            .mul(p.log())
            .add(tf.scalar(1).sub(ys).mul(tf.scalar(1).sub(p).log()))
            .neg();
          let total = bce.mul(w).sum().div<Scalar>(w.sum());
          for (const l of model.calculateLosses()) total = total.add(l);
          return total;
        },
        true,
        weights,
      );
      tf.dispose([xs, ys, w]);
      if (loss !== null) {
        lossSum += loss.dataSync()[0] ?? 0;
        loss.dispose();
      }
      batches += 1;
    }
    const mean = lossSum / batches;
    if (!Number.isFinite(mean)) throw new TrainingError(`epoch ${epoch + 1}: loss is ${mean}`);
    onEpoch?.(epoch + 1, mean);
  }
  optimizer.dispose();
  return model;
}
