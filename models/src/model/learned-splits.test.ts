import type { Tensor } from '@tensorflow/tfjs-node';
import { compileDenseStack } from './dense-stack';
import { expandWithSplits, learnSplits, prependSplits } from './learned-splits';
import { loadTf } from './tf';
import { buildNetwork, trainNetwork } from './train';
import { compileTrainingOptions } from './training-options';

/** Rows of two features: a step (fraud above 0.7, the rest 2 % fraud at random) and noise. */
function stepData(rows: number): { x: Float32Array; y: Uint8Array } {
  const x = new Float32Array(rows * 2);
  const y = new Uint8Array(rows);
  let seed = 7;
  const rand = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  for (let r = 0; r < rows; r += 1) {
    const a = rand();
    x[r * 2] = a;
    x[r * 2 + 1] = rand();
    y[r] = a > 0.7 || rand() < 0.02 ? 1 : 0;
  }
  return { x, y };
}

describe('learned splits', () => {
  const tf = loadTf();
  const o = { depth: 1, minLeafRows: 20, minTailFrauds: 10 };

  it('learn the step a tree would take, from the rows', () => {
    const { x, y } = stepData(4000);
    const splits = learnSplits(x, y, 2, o);
    const onStep = splits.filter((s) => s.feature === 0);
    // The tree's cut and the fraud-only tail are the same cut here: the last genuine row below
    // 0.7 and the first row of the all-fraud run above it.
    expect(onStep).toHaveLength(1);
    const [s] = onStep;
    expect(s?.lo).toBeLessThanOrEqual(0.7);
    expect(s?.hi).toBeGreaterThan(0.7);
    expect((s?.hi ?? 1) - (s?.lo ?? 0)).toBeLessThan(0.01);
    // Above the ramp every training row is a fraud.
    for (let r = 0; r < y.length; r += 1) if ((x[r * 2] ?? 0) >= (s?.hi ?? 1)) expect(y[r]).toBe(1);
  });

  it('expand rows with ramps clamped to [0, 1]', () => {
    const x = Float32Array.from([0, 5, 1, 5, 0.5, 5]);
    const out = expandWithSplits(x, 2, [{ feature: 0, lo: 0.25, hi: 0.75 }]);
    expect(Array.from(out)).toEqual([0, 5, 0, 1, 5, 1, 0.5, 5, 0.5]);
  });

  it('fold the ramps into a Dense stack that scores features as the network scores expanded rows', () => {
    const splits = [
      { feature: 0, lo: 0.3, hi: 0.31 },
      { feature: 1, lo: -1, hi: 1 },
      { feature: 0, lo: -0.5, hi: 0.5 },
    ];
    const network = buildNetwork(tf, 5, compileTrainingOptions({ hiddenUnits: [6, 4], seed: 3 }));
    const model = prependSplits(tf, network, 2, splits);
    const x = Float32Array.from({ length: 2 * 64 }, (_, i) => 3 * Math.sin(i * 1.7));
    const direct = tf.tidy(
      () =>
        (
          network.predict(tf.tensor2d(expandWithSplits(x, 2, splits), [64, 5])) as Tensor
        ).dataSync() as Float32Array,
    );
    const stack = compileDenseStack(tf, model);
    expect(stack).toBeDefined();
    const folded = stack?.predict(x, 64) ?? new Float32Array(0);
    expect(folded).toHaveLength(64);
    folded.forEach((v, i) => expect(Math.abs(v - (direct[i] ?? Number.NaN))).toBeLessThan(1e-5));
    // Reason codes: the folded form's gradient is the tape's, ramps included (flat outside them).
    const tape = tf.tidy(() =>
      tf
        .grad((t: Tensor) => {
          const p = (model.predict(t) as Tensor).clipByValue(1e-7, 1 - 1e-7);
          return p.div(tf.scalar(1).sub(p)).log().sum();
        })(tf.tensor2d(x, [64, 2]))
        .dataSync(),
    );
    const ours = stack?.logitGradient?.(x, 64) ?? new Float32Array(0);
    expect(ours).toHaveLength(128);
    ours.forEach((v, i) => expect(v).toBeCloseTo(tape[i] ?? Number.NaN, 3));
    stack?.dispose();
    network.dispose();
    model.dispose();
  });

  it('let a trained model score the whole step above any row below it', () => {
    const { x, y } = stepData(3000);
    const before = tf.memory().numTensors;
    const model = trainNetwork(x, y, 2, {
      epochs: 3,
      ensembleSize: 2,
      hiddenUnits: [8],
      splitDepth: 1,
      splitMinLeafRows: 20,
      splitMinTailFrauds: 10,
    });
    expect(model.inputs[0]?.shape[1]).toBe(2);
    const probe = Float32Array.from([0.69, 0.5, 0.71, 0.5, 0.2, 0.5, 0.99, 0.5]);
    const p = tf.tidy(() => (model.predict(tf.tensor2d(probe, [4, 2])) as Tensor).dataSync());
    expect(Math.min(p[1] ?? 0, p[3] ?? 0)).toBeGreaterThan(Math.max(p[0] ?? 1, p[2] ?? 1));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
