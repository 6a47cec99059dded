import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_FEATURE_OPTIONS,
  FEATURE_NAMES,
  loadTf,
  type FeatureOptions,
} from '@fraudstream/models';
import {
  buildNetwork,
  DEFAULT_TRAINING_OPTIONS,
  saveModelArtifact,
} from '@fraudstream/models/training';
import { compileWorkerConfig } from '../config/worker-config';
import { ModelLoadError } from '../errors';
import { SILENT_LOGGER } from '../logging/logger';
import { featureInputOf, loadModelBackends, TfModel } from './models-backend';

/** Saves an untrained network as an artifact: enough to exercise loading and scoring. */
async function saveArtifact(
  dir: string,
  options: { features?: readonly string[]; featureOptions?: FeatureOptions } = {},
): Promise<void> {
  const features = [...(options.features ?? FEATURE_NAMES)];
  const tf = loadTf();
  const model = buildNetwork(tf, features.length, {
    ...DEFAULT_TRAINING_OPTIONS,
    hiddenUnits: [8],
  });
  await saveModelArtifact(dir, model, {
    version: 'test',
    features,
    normalisation: {
      log1p: features.map(() => false),
      mean: features.map(() => 0),
      std: features.map(() => 1),
    },
    thresholds: { review: 0.3, decline: 0.6 },
    featureOptions: options.featureOptions ?? { ...DEFAULT_FEATURE_OPTIONS },
    training: {
      recipe: DEFAULT_TRAINING_OPTIONS,
      trainStart: '2018-04-01',
      trainEnd: '2018-04-08',
      rows: 0,
      frauds: 0,
      validationRows: 0,
    },
    data: { sha256: '0'.repeat(64), source: 'unit test' },
    metrics: {
      auc_roc: 0,
      average_precision: 0,
      card_precision_at_100: 0,
      precision_at_recall_80: 0,
      recall_at_precision_50: 0,
    },
  });
  model.dispose();
}

describe('models backend', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'fs-models-test-'));
    await saveArtifact(join(root, 'champion-7'));
    await saveArtifact(join(root, 'other-features'), { features: FEATURE_NAMES.slice(1) });
    await saveArtifact(join(root, 'other-delay'), {
      featureOptions: { ...DEFAULT_FEATURE_OPTIONS, feedbackDelayDays: 1 },
    });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('loads and warms a model named after its directory, scoring a batch without leaking tensors', async () => {
    const { modelLoader } = await loadModelBackends(compileWorkerConfig(), SILENT_LOGGER);
    const model = await modelLoader.load(join(root, 'champion-7'));
    expect(model).toBeInstanceOf(TfModel);
    expect(model.version).toBe('champion-7');
    const tf = loadTf();
    const rows = Array.from({ length: 50 }, (_, r) =>
      Float32Array.from(FEATURE_NAMES, (_n, c) => (r * c) % 7),
    );
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i += 1) {
      await model.score(rows);
      model.explain(
        rows,
        rows.map(() => 1),
      );
    }
    expect(tf.memory().numTensors).toBe(before);
    const scores = Array.from(await model.score(rows));
    expect(scores).toHaveLength(50);
    for (const s of scores)
      expect(model.decide(s)).toBe(s >= 0.6 ? 'DECLINE' : s >= 0.3 ? 'REVIEW' : 'APPROVE');
    model.dispose();
  });

  it('explains only the rows it would not approve, with the raw feature values', async () => {
    const { modelLoader } = await loadModelBackends(compileWorkerConfig(), SILENT_LOGGER);
    const model = await modelLoader.load(join(root, 'champion-7'));
    const rows = [
      Float32Array.from(FEATURE_NAMES, (_n, c) => c + 1),
      Float32Array.from(FEATURE_NAMES, () => 0),
    ];
    const reasons = model.explain(rows, [0.9, 0.1]);
    expect(reasons[1]).toEqual([]);
    expect(reasons[0]).toHaveLength(3);
    for (const r of reasons[0] ?? []) expect(r.value).toBe(FEATURE_NAMES.indexOf(r.feature) + 1);
    model.dispose();
  });

  it('refuses a model trained on another feature list', async () => {
    const { modelLoader } = await loadModelBackends(compileWorkerConfig(), SILENT_LOGGER);
    await expect(modelLoader.load(join(root, 'other-features'))).rejects.toThrow(ModelLoadError);
  });

  it('refuses a swap to a model trained with another feature computation', async () => {
    const backends = await loadModelBackends(compileWorkerConfig(), SILENT_LOGGER);
    const champion = await backends.modelLoader.load(join(root, 'champion-7'));
    // Building the feature backend fixes the computation for the process (no Redis call is made).
    const { default: Redis } = await import('ioredis');
    const redis = new Redis({ lazyConnect: true });
    const features = await backends.features(redis, compileWorkerConfig(), champion);
    await expect(backends.modelLoader.load(join(root, 'other-delay'))).rejects.toThrow(
      /feature options/,
    );
    await features.close();
    redis.disconnect();
    champion.dispose();
  });

  it('computes degraded vectors from the transaction alone', async () => {
    const backends = await loadModelBackends(compileWorkerConfig(), SILENT_LOGGER);
    const champion = await backends.modelLoader.load(join(root, 'champion-7'));
    const { default: Redis } = await import('ioredis');
    const redis = new Redis({ lazyConnect: true });
    const features = await backends.features(redis, compileWorkerConfig(), champion);
    const input = featureInputOf({
      transaction_id: 't1',
      event_time: Date.UTC(2018, 3, 7, 3),
      customer_id: 'c1',
      terminal_id: 'k1',
      amount_minor: 1234,
      currency: 'EUR',
      channel: 'POS',
      merchant_category: null,
      merchant_country: null,
    });
    expect(input.amount).toBe(12.34);
    const [vector] = features.statelessBatch([input, input]);
    const at = (name: string): number | undefined => vector?.[FEATURE_NAMES.indexOf(name)];
    expect(at('amount')).toBeCloseTo(12.34, 5);
    expect(at('during_weekend')).toBe(1);
    expect(at('during_night')).toBe(1);
    expect(at('customer_nb_tx_30d')).toBe(1);
    expect(at('terminal_nb_tx_30d')).toBe(0);
    await features.close();
    redis.disconnect();
    champion.dispose();
  });
});
