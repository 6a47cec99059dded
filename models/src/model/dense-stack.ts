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
   * input, row-major rows × inputs, by the chain rule through the ReLU masks. Undefined for
   * stacks with more than one output.
   */
  readonly logitGradient: ((x: Float32Array, rows: number) => Float32Array) | undefined;
  /** Frees the folded kernels (the model's own weights are the model's to free). */
  dispose(): void;
}

interface FoldedLayer {
  /** (in + 1) × (out + 1) for hidden layers, (in + 1) × out for the output layer. */
  readonly kernel: Tensor2D;
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

  /** The input with its constant column, as a tensor. */
  const augmented = (x: Float32Array, rows: number): Tensor2D => {
    if (x.length !== rows * inputs) {
      throw new RangeError(`expected ${rows} × ${inputs} values, got ${x.length}`);
    }
    const a = new Float32Array(rows * (inputs + 1));
    for (let r = 0; r < rows; r += 1) {
      a.set(x.subarray(r * inputs, (r + 1) * inputs), r * (inputs + 1));
      a[r * (inputs + 1) + inputs] = 1;
    }
    return tf.tensor2d(a, [rows, inputs + 1]);
  };
  /** Each hidden layer's output, in order (the gradient needs them all, not just the last). */
  const hiddenOutputs = (x: Tensor2D): Tensor2D[] => {
    const out: Tensor2D[] = [];
    hidden.reduce((h, l) => {
      const z: Tensor2D = tf.matMul(h, l.kernel);
      const next: Tensor2D = l.relu ? tf.relu(z) : z;
      out.push(next);
      return next;
    }, x);
    return out;
  };

  const predict = (x: Float32Array, rows: number): Float32Array => {
    const logits = tf.tidy(() => {
      const h = augmented(x, rows);
      return tf.matMul(hiddenOutputs(h).at(-1) ?? h, output.kernel).dataSync() as Float32Array;
    });
    if (!sigmoid) return logits;
    const p = new Float32Array(logits.length);
    for (let i = 0; i < logits.length; i += 1) p[i] = 1 / (1 + Math.exp(-(logits[i] as number)));
    return p;
  };

  const logitGradient = (x: Float32Array, rows: number): Float32Array => {
    const g = tf.tidy(() => {
      const outs = hiddenOutputs(augmented(x, rows));
      // d logit / d (last hidden output, with its constant unit) is the output kernel's column.
      let grad = tf.transpose(output.kernel);
      for (let i = hidden.length - 1; i >= 0; i -= 1) {
        const l = hidden[i] as FoldedLayer;
        // ReLU passes the gradient where its output is positive (0 at 0, as tf.grad has it).
        if (l.relu) grad = tf.mul<Tensor2D>(grad, tf.step(outs[i] as Tensor2D));
        // A folded kernel's constant unit has no weights from the real inputs, so its gradient
        // never leaks into theirs: only the last column (the constant input's) is dropped below.
        grad = tf.matMul(grad, l.kernel, false, true);
      }
      return { values: grad.dataSync() as Float32Array, gradRows: grad.shape[0] };
    });
    // A stack without ReLU has the same gradient for every row: it came out as one row.
    const out = new Float32Array(rows * inputs);
    for (let r = 0; r < rows; r += 1) {
      const from = (g.gradRows === 1 ? 0 : r) * (inputs + 1);
      out.set(g.values.subarray(from, from + inputs), r * inputs);
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
  return { kernel: tf.tensor2d(folded, [rowsIn + 1, cols]), relu };
}
