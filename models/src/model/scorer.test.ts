import path from 'node:path';
import { FEATURE_NAMES } from '../features/definitions';
import { currentModelDir, defaultArtifactsRoot, loadModel, readManifest } from './artifact';
import { readEvaluationFixture } from '../evaluation/fixture';
import type { Scorer } from './scorer';
import { loadTf } from './tf';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'eval-fixture.json');

describe('the committed default model', () => {
  let scorer: Scorer;
  beforeAll(async () => {
    scorer = await loadModel(await currentModelDir(defaultArtifactsRoot()));
  });
  afterAll(() => scorer.dispose());

  it('runs on the native TensorFlow backend', () => {
    expect(loadTf().getBackend()).toBe('tensorflow');
  });

  it('still scores the committed evaluation fixture as recorded (1e-5)', async () => {
    const fixture = await readEvaluationFixture(FIXTURE);
    expect(fixture.modelVersion).toBe(scorer.version);
    expect(fixture.features).toEqual([...FEATURE_NAMES]);
    expect(fixture.rows.length).toBeGreaterThanOrEqual(200);
    const scores = scorer.scoreBatch(fixture.rows.map((r) => r.features));
    fixture.rows.forEach((r, k) =>
      expect(Math.abs((scores[k] ?? 0) - r.score)).toBeLessThanOrEqual(1e-5),
    );
    // The fixture is not trivial: its frauds score above its genuine rows on average.
    const mean = (fraud: 0 | 1): number => {
      const s = fixture.rows
        .map((r, k) => ({ r, s: scores[k] ?? 0 }))
        .filter((x) => x.r.is_fraud === fraud);
      return s.reduce((a, x) => a + x.s, 0) / s.length;
    };
    expect(mean(1)).toBeGreaterThan(mean(0) + 0.3);
  });

  it('scores a batch in one call without leaking tensors, and explains flagged rows', async () => {
    const tf = loadTf();
    const fixture = await readEvaluationFixture(FIXTURE);
    const rows = fixture.rows.slice(0, 64).map((r) => r.features);
    const flat = Float32Array.from(rows.flat());
    scorer.scoreBatch(flat); // warm-up: first calls may create cached tensors
    const before = tf.memory().numTensors;
    const a = scorer.scoreBatch(flat);
    const b = scorer.scoreBatch(rows);
    const reasons = scorer.explainBatch(rows.slice(0, 4), 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(reasons).toHaveLength(4);
    expect(reasons[0]).toHaveLength(3);
    expect(FEATURE_NAMES).toContain(reasons[0]?.[0]?.feature);
    expect(['APPROVE', 'REVIEW', 'DECLINE']).toContain(scorer.decide(a[0] ?? 0));
  });

  it('rejects inputs of the wrong shape or with non-finite values', () => {
    expect(() => scorer.scoreBatch(new Float32Array(FEATURE_NAMES.length + 1))).toThrow(/rows ×/);
    expect(() => scorer.scoreBatch([[1, 2]])).toThrow(/expected/);
    const bad = new Array<number>(FEATURE_NAMES.length).fill(0);
    bad[0] = Number.NaN;
    expect(() => scorer.scoreBatch([bad])).toThrow(/finite/);
  });

  it('carries a complete manifest: features, normalisation, thresholds, metrics, data hash', async () => {
    const manifest = await readManifest(await currentModelDir(defaultArtifactsRoot()));
    expect(manifest.features).toEqual([...FEATURE_NAMES]);
    expect(manifest.thresholds.review).toBeLessThanOrEqual(manifest.thresholds.decline);
    expect(manifest.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.metrics.auc_roc).toBeGreaterThan(0.8);
    expect(manifest.training.recipe.seed).toBeGreaterThanOrEqual(0);
  });
});
