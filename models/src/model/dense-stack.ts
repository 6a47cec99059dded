// LayersModel.predict walks the layer graph in JavaScript and cuts its input into batches of 32;
// for the worker's small, frequent batches that bookkeeping costs far more than the arithmetic
// (measured: about 2 ms per call for a 3-layer MLP). A Sequential stack of Dense layers is run
// instead as one fused matMul + bias + activation kernel per layer: the same weights, the same
// native backend, a handful of kernel calls per batch.
import type { LayersModel, Tensor, Tensor2D } from '@tensorflow/tfjs-node';
import type { Tf } from './tf';

/** Activations the fused matMul kernel applies itself. */
type FusedActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu';
const FUSED: ReadonlySet<string> = new Set<FusedActivation>([
  'linear',
  'relu',
  'relu6',
  'elu',
  'sigmoid',
  'leakyrelu',
]);
/** Hidden activations whose gradient logitGradient knows. */
const DIFFERENTIABLE: ReadonlySet<string> = new Set(['linear', 'relu']);
/** Layers that do nothing at inference time. */
const INFERENCE_NO_OPS: ReadonlySet<string> = new Set(['Dropout', 'InputLayer']);

interface DenseLayer {
  readonly kernel: Tensor2D;
  readonly bias: Tensor | undefined;
  readonly activation: FusedActivation;
}

/** A Dense-only Sequential model as fused kernels. */
export interface DenseStack {
  /** The model's output (probabilities), as `predict` would give it. */
  forward(x: Tensor2D): Tensor2D;
  /**
   * The gradient of each row's logit (the last layer's pre-activation) with respect to its
   * input, by the chain rule through the ReLU masks: a dozen kernels, where a gradient tape over
   * the forward pass runs about thirty (explaining a batch cost as much as scoring it).
   * Undefined unless the hidden layers are ReLU or linear and the output sigmoid or linear
   * (explanations then go through the layers API).
   */
  readonly logitGradient: ((x: Tensor2D) => Tensor2D) | undefined;
}

/**
 * The fused form of `model` when it is a stack of Dense layers (Dropout ignored) with fused
 * activations, else undefined (callers keep using `predict`). The kernels share the model's
 * weight tensors: they live and die with the model.
 */
export function compileDenseStack(tf: Tf, model: LayersModel): DenseStack | undefined {
  const layers: DenseLayer[] = [];
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (INFERENCE_NO_OPS.has(kind)) continue;
    if (kind !== 'Dense') return undefined;
    const configured = layer.getConfig().activation ?? 'linear';
    // A custom activation object (not a name) has no fused kernel.
    if (typeof configured !== 'string' || !FUSED.has(configured)) return undefined;
    const activation = configured;
    const [kernel, bias, ...rest] = layer.getWeights();
    if (kernel === undefined || kernel.rank !== 2 || rest.length > 0) return undefined;
    layers.push({
      kernel: kernel as Tensor2D,
      bias,
      activation: activation as FusedActivation,
    });
  }
  const last = layers[layers.length - 1];
  if (last === undefined) return undefined;

  const apply = (x: Tensor2D, l: DenseLayer): Tensor2D =>
    tf.fused.matMul({ a: x, b: l.kernel, bias: l.bias, activation: l.activation }) as Tensor2D;
  const hidden = layers.slice(0, -1);
  /** Each hidden layer's output, in order (the gradient needs them all, not just the last). */
  const hiddenOutputs = (x: Tensor2D): Tensor2D[] => {
    const outputs: Tensor2D[] = [];
    hidden.reduce((h, l) => {
      const out = apply(h, l);
      outputs.push(out);
      return out;
    }, x);
    return outputs;
  };
  const hiddenDifferentiable = hidden.every((l) => DIFFERENTIABLE.has(l.activation));
  const logitDefined = last.activation === 'sigmoid' || last.activation === 'linear';
  const logitGradient = (x: Tensor2D): Tensor2D => {
    const outputs = hiddenOutputs(x);
    // d logit / d (last hidden output) is the output kernel, the same for every row (1 × units).
    let g = tf.transpose(last.kernel);
    for (let i = hidden.length - 1; i >= 0; i -= 1) {
      const l = hidden[i] as DenseLayer;
      const out = outputs[i] as Tensor2D;
      // ReLU passes the gradient where its output is positive (0 at 0, as tf.grad has it).
      if (l.activation === 'relu') g = tf.mul<Tensor2D>(g, tf.step(out));
      g = tf.matMul(g, l.kernel, false, true);
    }
    // A stack without ReLU has the same gradient for every row: broadcast it.
    return g.shape[0] === x.shape[0] ? g : tf.tile(g, [x.shape[0], 1]);
  };
  const differentiable = hiddenDifferentiable && logitDefined;
  return {
    forward: (x) => apply(hiddenOutputs(x).at(-1) ?? x, last),
    logitGradient: differentiable ? logitGradient : undefined,
  };
}
