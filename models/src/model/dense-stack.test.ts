import path from 'node:path';
import type { LayersModel, Rank, Tensor, Tensor2D } from '@tensorflow/tfjs-node';
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

  const inputs = (rows: number, cols: number): Tensor2D =>
    tf.randomNormal<Rank.R2>([rows, cols], 0, 2, 'float32', 7);

  it('computes what predict computes, for 1 and for 700 rows', () => {
    const stack = compileDenseStack(tf, model);
    expect(stack).toBeDefined();
    const cols = model.inputs[0]?.shape[1] ?? 0;
    for (const rows of [1, 700]) {
      const [fused, layers] = tf.tidy(() => {
        const x = inputs(rows, cols);
        return [
          stack?.forward(x).dataSync() ?? new Float32Array(0),
          (model.predict(x) as Tensor2D).dataSync(),
        ];
      });
      expect(fused).toHaveLength(rows);
      fused.forEach((v, i) => expect(Math.abs(v - (layers[i] ?? Number.NaN))).toBeLessThan(1e-5));
    }
  });

  it('gives the gradient of the logit that a gradient tape gives', () => {
    const stack = compileDenseStack(tf, model);
    const cols = model.inputs[0]?.shape[1] ?? 0;
    const gradient = stack?.logitGradient;
    expect(gradient).toBeDefined();
    if (gradient === undefined) return;
    const [ours, tape] = tf.tidy(() => {
      // Small inputs: a saturated probability hits the clip below and the tape's gradient is 0.
      const x = tf.mul<Tensor2D>(inputs(6, cols), 0.05);
      const logOdds = (t: Tensor) => {
        const p = (model.predict(t) as Tensor).clipByValue(1e-7, 1 - 1e-7);
        return p.div(tf.scalar(1).sub(p)).log().sum();
      };
      return [gradient(x).dataSync(), tf.grad(logOdds)(x).dataSync()];
    });
    expect(ours).toHaveLength(6 * cols);
    expect(ours.some((v) => v !== 0)).toBe(true);
    ours.forEach((v, i) => expect(v).toBeCloseTo(tape[i] ?? Number.NaN, 3));
  });

  it('broadcasts the one gradient of a stack without ReLU to every row', () => {
    const linear = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 4, activation: 'linear' }),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    try {
      const g = tf.tidy(
        () =>
          compileDenseStack(tf, linear)
            ?.logitGradient?.(tf.ones([5, 3]))
            .arraySync() ?? [],
      );
      expect(g).toHaveLength(5);
      expect(g[4]).toEqual(g[0]);
    } finally {
      linear.dispose();
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
    const withDropout = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 4, activation: 'elu' }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    try {
      expect(compileDenseStack(tf, withNorm)).toBeUndefined();
      expect(compileDenseStack(tf, softmax)).toBeUndefined();
      expect(compileDenseStack(tf, tanhHidden)).toBeUndefined();
      // Dropout is skipped; ELU has no fused gradient, so explanations use the layers API.
      const stack = compileDenseStack(tf, withDropout);
      expect(stack).toBeDefined();
      expect(stack?.logitGradient).toBeUndefined();
    } finally {
      [withNorm, softmax, tanhHidden, withDropout].forEach((m) => m.dispose());
    }
  });
});
