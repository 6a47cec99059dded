// LayersModel.predict walks the layer graph in JavaScript and cuts its input into batches of 32;
// for the worker's small, frequent batches that bookkeeping costs far more than the arithmetic.
// A Sequential stack of Dense layers is run instead as bare matMul kernels, with each layer's bias
// folded into its kernel: the input carries a constant 1 column and every hidden layer an extra
// unit that stays 1, so a layer is one matMul (plus a ReLU) and the output's sigmoid is applied
// in JavaScript. On the native backend a kernel call costs tens to hundreds of microseconds
// whatever its size, so the count of calls is the cost (bench, 1 row, one intra-op thread: the
// fused matMul + bias + activation kernel per layer 1.16 ms, matMul + add + relu 0.41 ms, this
// form 0.28 ms).
import type { LayersModel, Tensor2D } from '@tensorflow/tfjs-node';
import type { Tf } from './tf';

/** Hidden activations the folded form runs (and whose gradient it knows). */
type HiddenActivation = 'relu' | 'linear';
const HIDDEN: ReadonlySet<string> = new Set<HiddenActivation>(['relu', 'linear']);
/** Output activations the folded form applies in JavaScript to the logits. */
type OutputActivation = 'sigmoid' | 'linear';
const OUTPUT: ReadonlySet<string> = new Set<OutputActivation>(['sigmoid', 'linear']);
/** Layers that do nothing at inference time. */
const INFERENCE_NO_OPS: ReadonlySet<string> = new Set(['Dropout', 'InputLayer']);

/** A Dense-only Sequential model as bias-folded matMul kernels. */
export interface DenseStack {
  /** Input columns per row. */
  readonly inputs: number;
  /** Output columns per row. */
  readonly outputs: number;
  /** The model's output for `rows` rows of `x` (row-major), as `predict` would give it. */
  predict(x: Float32Array, rows: number): Float32Array;
  /**
   * The gradient of each row's logit (the single output's pre-activation) with respect to its
   * input, row-major rows × inputs, by the chain rule through the ReLU masks, computed in
   * JavaScript on the same weights (see below). Undefined for stacks with more than one output.
   */
  readonly logitGradient: ((x: Float32Array, rows: number) => Float32Array) | undefined;
  /** Frees the folded kernels (the model's own weights are the model's to free). */
  dispose(): void;
}

interface FoldedLayer {
  /** (in + 1) × (out + 1) for hidden layers, (in + 1) × out for the output layer. */
  readonly kernel: Tensor2D;
  /** The same weights, row-major, for the gradient in JavaScript. */
  readonly values: Float32Array;
  readonly rows: number;
  readonly cols: number;
  readonly relu: boolean;
}

/**
 * The folded form of `model` when it is a stack of Dense layers (Dropout ignored) with ReLU or
 * linear hidden layers and a sigmoid or linear output, else undefined (callers keep using
 * `predict`). The folded kernels are copies: dispose the stack as well as the model.
 */
export function compileDenseStack(tf: Tf, model: LayersModel): DenseStack | undefined {
  const dense: { kernel: Tensor2D; bias: Float32Array | undefined; activation: string }[] = [];
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (INFERENCE_NO_OPS.has(kind)) continue;
    if (kind !== 'Dense') return undefined;
    const activation = layer.getConfig().activation ?? 'linear';
    // A custom activation object (not a name) is not one the folded form knows.
    if (typeof activation !== 'string') return undefined;
    const [kernel, bias, ...rest] = layer.getWeights();
    if (kernel === undefined || kernel.rank !== 2 || rest.length > 0) return undefined;
    dense.push({
      kernel: kernel as Tensor2D,
      bias: bias === undefined ? undefined : (bias.dataSync() as Float32Array),
      activation,
    });
  }
  const last = dense[dense.length - 1];
  const first = dense[0];
  if (last === undefined || first === undefined) return undefined;
  if (!OUTPUT.has(last.activation) || dense.slice(0, -1).some((l) => !HIDDEN.has(l.activation)))
    return undefined;

  const layers: FoldedLayer[] = dense.map((l, i) =>
    fold(tf, l.kernel, l.bias, i < dense.length - 1, l.activation === 'relu'),
  );
  const inputs = first.kernel.shape[0];
  const outputs = last.kernel.shape[1];
  const sigmoid = last.activation === 'sigmoid';
  const hidden = layers.slice(0, -1);
  const output = layers[layers.length - 1] as FoldedLayer;

  const checkShape = (x: Float32Array, rows: number): void => {
    if (x.length !== rows * inputs) {
      throw new RangeError(`expected ${rows} × ${inputs} values, got ${x.length}`);
    }
  };
  /** The input with its constant column, as a tensor. */
  const augmented = (x: Float32Array, rows: number): Tensor2D => {
    checkShape(x, rows);
    const a = new Float32Array(rows * (inputs + 1));
    for (let r = 0; r < rows; r += 1) {
      a.set(x.subarray(r * inputs, (r + 1) * inputs), r * (inputs + 1));
      a[r * (inputs + 1) + inputs] = 1;
    }
    return tf.tensor2d(a, [rows, inputs + 1]);
  };

  const predict = (x: Float32Array, rows: number): Float32Array => {
    const logits = tf.tidy(() => {
      const h = hidden.reduce(
        (a, l) => {
          const z: Tensor2D = tf.matMul(a, l.kernel);
          return l.relu ? tf.relu(z) : z;
        },
        augmented(x, rows),
      );
      return tf.matMul(h, output.kernel).dataSync() as Float32Array;
    });
    if (!sigmoid) return logits;
    const p = new Float32Array(logits.length);
    for (let i = 0; i < logits.length; i += 1) p[i] = 1 / (1 + Math.exp(-(logits[i] as number)));
    return p;
  };

  // The gradient runs in JavaScript on the folded weights: it is asked for the few flagged rows
  // of a batch, where a dozen native kernels (1.3 ms for one row) cost far more than the 25 k
  // multiply-adds per row. A test holds it to tf.grad.
  const logitGradient = (x: Float32Array, rows: number): Float32Array => {
    checkShape(x, rows);
    const out = new Float32Array(rows * inputs);
    for (let r = 0; r < rows; r += 1) {
      // Forward, keeping each layer's activations (with the constant 1 at the end).
      const acts: Float64Array[] = [];
      let a = new Float64Array(inputs + 1);
      for (let c = 0; c < inputs; c += 1) a[c] = x[r * inputs + c] as number;
      a[inputs] = 1;
      for (const { values: w, rows: n, cols: m, relu } of hidden) {
        const z = new Float64Array(m);
        for (let k = 0; k < n; k += 1) {
          const ak = a[k] as number;
          if (ak === 0) continue;
          for (let j = 0; j < m; j += 1) z[j] = (z[j] as number) + ak * (w[k * m + j] as number);
        }
        if (relu) for (let j = 0; j < m; j += 1) if ((z[j] as number) < 0) z[j] = 0;
        acts.push(z);
        a = z;
      }
      // Backward: d logit / d activation, from the output column down through the ReLU masks
      // (gradient 0 where a ReLU's output is 0, as tf.grad has it).
      // The output kernel has one column: d logit / d (last hidden output, constant unit too).
      let g = Float64Array.from(output.values);
      for (let i = hidden.length - 1; i >= 0; i -= 1) {
        const { values: w, rows: n, cols: m, relu } = hidden[i] as FoldedLayer;
        const act = acts[i] as Float64Array;
        if (relu) for (let j = 0; j < m; j += 1) if ((act[j] as number) <= 0) g[j] = 0;
        const prev = new Float64Array(n);
        for (let k = 0; k < n; k += 1) {
          let sum = 0;
          const base = k * m;
          for (let j = 0; j < m; j += 1) sum += (g[j] as number) * (w[base + j] as number);
          prev[k] = sum;
        }
        g = prev;
      }
      // The last entry is the constant input's: not a feature.
      for (let c = 0; c < inputs; c += 1) out[r * inputs + c] = g[c] as number;
    }
    return out;
  };

  return {
    inputs,
    outputs,
    predict,
    logitGradient: outputs === 1 ? logitGradient : undefined,
    dispose: () => layers.forEach((l) => l.kernel.dispose()),
  };
}

/**
 * `kernel` (in × out) with `bias` as an extra input row; a hidden layer also gets an extra output
 * unit fed only by the constant input, so the next layer sees its constant 1 too.
 */
function fold(
  tf: Tf,
  kernel: Tensor2D,
  bias: Float32Array | undefined,
  hidden: boolean,
  relu: boolean,
): FoldedLayer {
  const [rowsIn, colsOut] = kernel.shape;
  const cols = hidden ? colsOut + 1 : colsOut;
  const k = kernel.dataSync();
  const folded = new Float32Array((rowsIn + 1) * cols);
  for (let i = 0; i < rowsIn; i += 1)
    folded.set(k.subarray(i * colsOut, (i + 1) * colsOut), i * cols);
  if (bias !== undefined) folded.set(bias, rowsIn * cols);
  if (hidden) folded[rowsIn * cols + colsOut] = 1;
  return {
    kernel: tf.tensor2d(folded, [rowsIn + 1, cols]),
    values: folded,
    rows: rowsIn + 1,
    cols,
    relu,
  };
}
