import path from 'node:path';
import type { LayersModel, Rank, Tensor2D } from '@tensorflow/tfjs-node';
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

  it('gives the logit of the sigmoid output, differentiable', () => {
    const stack = compileDenseStack(tf, model);
    const cols = model.inputs[0]?.shape[1] ?? 0;
    const logit = stack?.logit;
    expect(logit).toBeDefined();
    if (logit === undefined) return;
    const [z, p, g] = tf.tidy(() => {
      const x = inputs(5, cols);
      return [
        logit(x).dataSync(),
        (model.predict(x) as Tensor2D).dataSync(),
        tf
          .grad((t) => logit(t as Tensor2D).sum())(x)
          .dataSync(),
      ];
    });
    z.forEach((v, i) => expect(1 / (1 + Math.exp(-v))).toBeCloseTo(p[i] ?? Number.NaN, 5));
    expect(g.some((v) => v !== 0)).toBe(true);
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
      expect(stack?.logit).toBeUndefined();
    } finally {
      [withNorm, softmax, tanhHidden, withDropout].forEach((m) => m.dispose());
    }
  });
});
