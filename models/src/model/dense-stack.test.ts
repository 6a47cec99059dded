import path from 'node:path';
import type { LayersModel, Tensor, Tensor2D } from '@tensorflow/tfjs-node';
import { currentModelDir, defaultArtifactsRoot } from './artifact';
import { compileDenseStack } from './dense-stack';
import { loadTf } from './tf';

describe('compileDenseStack', () => {
  const tf = loadTf();
  let model: LayersModel;
  beforeAll(async () => {
    const dir = await currentModelDir(defaultArtifactsRoot());
    model = await tf.loadLayersModel(`file://${path.join(dir, 'model.json')}`);
  });
  afterAll(() => model.dispose());

  /** Deterministic inputs around 0, scaled by `scale`, row-major. */
  const inputs = (rows: number, cols: number, scale = 2): Float32Array =>
    Float32Array.from({ length: rows * cols }, (_, i) => scale * Math.sin(i * 12.9898 + 0.5));

  it('computes what predict computes, for 1 and for 700 rows', () => {
    const stack = compileDenseStack(tf, model);
    expect(stack).toBeDefined();
    const cols = model.inputs[0]?.shape[1] ?? 0;
    expect(stack?.inputs).toBe(cols);
    for (const rows of [1, 700]) {
      const x = inputs(rows, cols);
      const folded = stack?.predict(x, rows) ?? new Float32Array(0);
      const layers = tf.tidy(
        () => (model.predict(tf.tensor2d(x, [rows, cols])) as Tensor2D).dataSync() as Float32Array,
      );
      expect(folded).toHaveLength(rows);
      folded.forEach((v, i) => expect(Math.abs(v - (layers[i] ?? Number.NaN))).toBeLessThan(1e-5));
    }
    stack?.dispose();
  });

  it('gives the gradient of the logit that a gradient tape gives', () => {
    const stack = compileDenseStack(tf, model);
    const cols = model.inputs[0]?.shape[1] ?? 0;
    const gradient = stack?.logitGradient;
    expect(gradient).toBeDefined();
    if (gradient === undefined) return;
    // Small inputs: a saturated probability hits the clip below and the tape's gradient is 0.
    const x = inputs(6, cols, 0.1);
    const ours = gradient(x, 6);
    const tape = tf.tidy(() => {
      const logOdds = (t: Tensor) => {
        const p = (model.predict(t) as Tensor).clipByValue(1e-7, 1 - 1e-7);
        return p.div(tf.scalar(1).sub(p)).log().sum();
      };
      return tf
        .grad(logOdds)(tf.tensor2d(x, [6, cols]))
        .dataSync();
    });
    expect(ours).toHaveLength(6 * cols);
    expect(ours.some((v) => v !== 0)).toBe(true);
    ours.forEach((v, i) => expect(v).toBeCloseTo(tape[i] ?? Number.NaN, 3));
    stack?.dispose();
  });

  it('broadcasts the one gradient of a stack without ReLU to every row', () => {
    const linear = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 4, activation: 'linear' }),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    const stack = compileDenseStack(tf, linear);
    try {
      const g = stack?.logitGradient?.(new Float32Array(15).fill(1), 5) ?? new Float32Array(0);
      expect(g).toHaveLength(15);
      expect(Array.from(g.subarray(12, 15))).toEqual(Array.from(g.subarray(0, 3)));
      expect(g.some((v) => v !== 0)).toBe(true);
    } finally {
      stack?.dispose();
      linear.dispose();
    }
  });

  it('rejects an input whose length is not rows × inputs', () => {
    const stack = compileDenseStack(tf, model);
    try {
      expect(() => stack?.predict(new Float32Array(5), 1)).toThrow(RangeError);
    } finally {
      stack?.dispose();
    }
  });

  it('declines models it cannot fuse, so callers keep using predict', () => {
    const withNorm = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu' }),
        tf.layers.batchNormalization(),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    const softmax = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'softmax' })],
    });
    const tanhHidden = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 4, activation: 'tanh' }),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    const eluHidden = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 4, activation: 'elu' }),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    const withDropout = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu' }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 2, activation: 'linear' }),
      ],
    });
    try {
      expect(compileDenseStack(tf, withNorm)).toBeUndefined();
      expect(compileDenseStack(tf, softmax)).toBeUndefined();
      expect(compileDenseStack(tf, tanhHidden)).toBeUndefined();
      expect(compileDenseStack(tf, eluHidden)).toBeUndefined();
      // Dropout is skipped; with two outputs there is no single logit to explain.
      const stack = compileDenseStack(tf, withDropout);
      expect(stack?.outputs).toBe(2);
      expect(stack?.logitGradient).toBeUndefined();
      const x = new Float32Array([0.5, -1, 2]);
      const layers = tf.tidy(() =>
        (withDropout.predict(tf.tensor2d(x, [1, 3])) as Tensor).dataSync(),
      );
      Array.from(stack?.predict(x, 1) ?? []).forEach((v, i) =>
        expect(v).toBeCloseTo(layers[i] ?? Number.NaN, 5),
      );
      stack?.dispose();
    } finally {
      [withNorm, softmax, tanhHidden, eluHidden, withDropout].forEach((m) => m.dispose());
    }
  });
});
