import { BenchmarkBackendError } from '../errors';
import type { FeaturesBenchResult } from './features-bench';
import { DEFAULT_FEATURES_BENCH_OPTIONS } from './features-bench';
import type { InferenceBenchResult, InferenceRow } from './inference-bench';
import { DEFAULT_INFERENCE_BENCH_OPTIONS } from './inference-bench';
import { readFlags, UsageError } from '@fraudstream/settings';
import {
  FEATURES_BENCH_FLAGS,
  INFERENCE_BENCH_FLAGS,
  featuresFigures,
  featuresTable,
  inferenceFigures,
  inferenceTable,
} from './micro-bench-commands';

const ROW: InferenceRow = {
  batchSize: 32,
  path: 'wasm',
  call: 'Scorer.scoreBatch',
  backend: 'wasm',
  usPerCall: 123.456,
  rowsPerS: 259_201.3,
  timeVsTfjsNode: 1.23456,
  rounds: 15,
  callsPerBlock: 800,
};

const INFERENCE: InferenceBenchResult = {
  options: DEFAULT_INFERENCE_BENCH_OPTIONS,
  modelDir: '/m',
  modelVersion: 'mlp-test',
  inputRows: 'rows',
  versions: {},
  wasm: { simd: true, threads: false, threadsCount: 1 },
  maxAbsDiffVsTfjsNode: { cpu: 1e-7, wasm: 2e-7, layers_predict: 0 },
  rows: [ROW],
};

const FEATURES: FeaturesBenchResult = {
  options: DEFAULT_FEATURES_BENCH_OPTIONS,
  keyPrefix: 'fs:bench:x:',
  batchSize: 500,
  rounds: 30,
  historyTransactions: 30_000,
  computeUsPerTx: 40,
  computeTxPerS: 25_000,
  readUsPerTx: 10,
  readTxPerS: 100_000,
  computeVsRead: 4,
  readHitShare: 1,
  distinctCustomersPerBatch: 470,
  distinctTerminalsPerBatch: 480,
  keysDeleted: 90_000,
};

describe('micro-benchmark figures', () => {
  it('flattens inference rows as b<size>_<path>_<figure>, rounded', () => {
    expect(inferenceFigures(INFERENCE)).toEqual({
      model_version: 'mlp-test',
      cpu_max_abs_score_diff: 1e-7,
      wasm_max_abs_score_diff: 2e-7,
      layers_predict_max_abs_score_diff: 0,
      b32_wasm_backend: 'wasm',
      b32_wasm_us_per_call: 123.46,
      b32_wasm_rows_per_s: 259_201,
      b32_wasm_vs_tfjs_node: 1.235,
    });
  });

  it('names the backend that ran in the inference table', () => {
    const [, , line] = inferenceTable(INFERENCE).split('\n');
    expect(line).toMatch(/^\s*32\s+wasm\s+Scorer\.scoreBatch\s+wasm\s+123\.5\s+259,201\s+×1\.23$/);
  });

  it('reports the features per transaction with the keys read by the baseline', () => {
    expect(featuresFigures(FEATURES)).toMatchObject({
      keys_per_tx: 3,
      compute_us_per_tx: 40,
      read_us_per_tx: 10,
      compute_vs_read: 4,
      keys_deleted: 90_000,
    });
    // 40 µs per transaction × 500 = 20 ms per batch.
    expect(featuresTable(FEATURES)).toMatch(/computeBatch\s+40\.0\s+25,000\s+20\.00\s+×4\.00/);
  });

  it('types a backend that did not run as FS_BENCH_BACKEND', () => {
    const e = new BenchmarkBackendError('wasm', 'did not initialise');
    expect([e.code, e.retriable, e.wanted, e.message]).toEqual([
      'FS_BENCH_BACKEND',
      false,
      'wasm',
      'backend "wasm": did not initialise',
    ]);
  });
});

describe('micro-benchmark flags', () => {
  it('parses the shared flags and the command’s own', () => {
    const { values } = readFlags(INFERENCE_BENCH_FLAGS, [
      '--smoke',
      '--rounds',
      '4',
      '--batch-sizes',
      '1,8',
    ]);
    expect(values).toMatchObject({ smoke: true, json: false, out: 'reports', rounds: 4 });
    expect(values.batchSizes).toEqual([1, 8]);
  });

  it('names the bad flag in a UsageError', () => {
    expect(() => readFlags(INFERENCE_BENCH_FLAGS, ['--rounds', '0'])).toThrow(
      /--rounds: expected an integer/,
    );
    expect(() => readFlags(FEATURES_BENCH_FLAGS, ['--nope'])).toThrow(UsageError);
    expect(() => readFlags(INFERENCE_BENCH_FLAGS, ['--batch-sizes', '1,x'])).toThrow(
      '--batch-sizes: expected integers ≥ 1, comma-separated, got "1,x"',
    );
  });

  it('never repeats a bad --redis URL: it may hold a password', () => {
    expect(() =>
      readFlags(FEATURES_BENCH_FLAGS, ['--redis', 'http://u:pl4nted@cache:6379']),
    ).toThrow('--redis: expected a redis:// or rediss:// URL, got (hidden)');
  });
});
