import type { Tensor } from '@tensorflow/tfjs-node';
import { loadTf } from './tf';
import { buildNetwork, mergeEnsemble } from './train';
import { compileTrainingOptions } from './training-options';

describe('mergeEnsemble', () => {
  it('scores sigmoid(mean of the members’ logits) in one Dense stack', () => {
    const tf = loadTf();
    const inputs = 5;
    const members = [1, 2, 3].map((seed) =>
      buildNetwork(tf, inputs, compileTrainingOptions({ seed, hiddenUnits: [4, 3] })),
    );
    // Non-zero biases, so a misplaced bias shows up.
    for (const m of members) {
      m.setWeights(
        m
          .getWeights()
          .map((w, i) => (i % 2 === 1 ? tf.randomUniform(w.shape, -1, 1, 'float32', i) : w)),
      );
    }
    const merged = mergeEnsemble(tf, members, inputs);
    expect(merged.layers.map((l) => l.getWeights()[0]?.shape)).toEqual([
      [5, 12],
      [12, 9],
      [9, 1],
    ]);
    const x = tf.randomNormal([16, inputs], 0, 1, 'float32', 7);
    const logit = (p: Tensor): Tensor => p.div(tf.scalar(1).sub(p)).log();
    const expected = tf.sigmoid(
      tf.stack(members.map((m) => logit(m.predict(x) as Tensor))).mean(0),
    );
    const got = merged.predict(x) as Tensor;
    const e = expected.dataSync();
    const g = got.dataSync();
    expect(g.length).toBe(16);
    g.forEach((v, i) => expect(Math.abs(v - (e[i] ?? 0))).toBeLessThan(1e-5));
    // Members differ, so the check is not satisfied by any one of them alone.
    const one = (members[0]?.predict(x) as Tensor).dataSync();
    expect(Math.max(...Array.from(g, (v, i) => Math.abs(v - (one[i] ?? 0))))).toBeGreaterThan(1e-3);
    tf.dispose([x, expected, got]);
    for (const m of [...members, merged]) m.dispose();
  });
});
