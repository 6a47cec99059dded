// `fraudstream bench inference`: the committed default model, scored through Scorer.scoreBatch
// on the native tfjs-node backend, against the SAME artifact on the pure-JS `cpu` and the WASM
// backends, and on tfjs-node against the layers API's `predict` and against `explainBatch`.
// Every backend is one process-wide switch (tf.setBackend), so each model is loaded while its
// backend is current (its weights live there: no copies between backends inside a timed block),
// each timed block checks tf.getBackend() after it ran, and the native backend is restored.
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { LayersModel, Tensor } from '@tensorflow/tfjs-node';
import { median } from '../bench/bench-result';
import { BenchmarkBackendError } from '../errors';
import { currentModelDir, defaultArtifactsRoot, loadModel } from '@fraudstream/models';
import type { EvaluationFixture } from '@fraudstream/models/training';
import type { ModelManifest } from '@fraudstream/models';
import { applyNormalisation } from '@fraudstream/models';
import { Scorer } from '@fraudstream/models';
import type { Tf } from '@fraudstream/models';
import { assertNativeBackend, loadTf } from '@fraudstream/models';
import { callsPerBlock, runAlternating, summarisePairs } from './ab-rounds';

/** The TF.js backends compared. */
export type TfBackendName = 'tensorflow' | 'cpu' | 'wasm';

/** What is timed: the reference (Scorer on tfjs-node) and its four contenders. */
export type InferencePath = 'tfjs_node' | 'cpu' | 'wasm' | 'layers_predict' | 'explain';

/** Settings of the inference benchmark. */
export interface InferenceBenchOptions {
  /** Model artifact directory. @defaultValue the committed default (models/artifacts/CURRENT) */
  readonly modelDir: string | undefined;
  /** Rows per call. @defaultValue [1, 32, 512] */
  readonly batchSizes: readonly number[];
  /** Alternating A/B rounds per comparison. @defaultValue 15 */
  readonly rounds: number;
  /** Length of one timed block of calls. @defaultValue 100 */
  readonly blockMs: number;
  /** Reasons per row asked of explainBatch (the worker asks 3). @defaultValue 3 */
  readonly reasons: number;
}

/** Defaults of a full run. */
export const DEFAULT_INFERENCE_BENCH_OPTIONS: Readonly<InferenceBenchOptions> = Object.freeze({
  modelDir: undefined,
  batchSizes: Object.freeze([1, 32, 512]),
  rounds: 15,
  blockMs: 100,
  reasons: 3,
});

/** What `--smoke` changes: two rounds of blocks of a few milliseconds. */
export const SMOKE_INFERENCE_BENCH_OPTIONS: Readonly<Partial<InferenceBenchOptions>> =
  Object.freeze({ rounds: 2, blockMs: 3 });

/** One path at one batch size. */
export interface InferenceRow {
  readonly batchSize: number;
  readonly path: InferencePath;
  /** What was called, e.g. "Scorer.scoreBatch". */
  readonly call: string;
  /** The backend tf.getBackend() reported when the timed blocks ended. */
  readonly backend: string;
  /** Median over the rounds of the time per call. */
  readonly usPerCall: number;
  /** Rows per second at that median. */
  readonly rowsPerS: number;
  /** Median over the rounds of (this path's time / Scorer on tfjs-node's time); 1 for it. */
  readonly timeVsTfjsNode: number;
  readonly rounds: number;
  readonly callsPerBlock: number;
}

/** What the inference benchmark measured. */
export interface InferenceBenchResult {
  /** The settings the run used, defaults filled in. */
  readonly options: InferenceBenchOptions;
  readonly modelDir: string;
  readonly modelVersion: string;
  readonly inputRows: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly wasm: {
    readonly simd: boolean;
    readonly threads: boolean;
    readonly threadsCount: number;
  };
  /**
   * Largest |score − tfjs-node's score| over the input rows, per contender: a fast backend that
   * scored differently would not be running the same model.
   */
  readonly maxAbsDiffVsTfjsNode: Readonly<Record<'cpu' | 'wasm' | 'layers_predict', number>>;
  readonly rows: readonly InferenceRow[];
}

interface Contender {
  readonly path: InferencePath;
  readonly call: string;
  readonly backend: TfBackendName;
  readonly run: (rows: readonly Float32Array[]) => void;
}

/** Makes `name` the current backend; BenchmarkBackendError when it cannot be (never silent). */
async function useBackend(tf: Tf, name: TfBackendName): Promise<void> {
  if (tf.getBackend() === name) return;
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    throw new BenchmarkBackendError(name, `failed to initialise: ${String(err)}`, { cause: err });
  }
  const now = tf.getBackend();
  if (!ok || now !== name) {
    throw new BenchmarkBackendError(name, `did not initialise (current backend "${now}")`);
  }
}

/** Loads the artifact's layers model while `backend` is current, so its weights live there. */
async function loadOn(
  tf: Tf,
  backend: TfBackendName,
  dir: string,
  manifest: ModelManifest,
): Promise<LayersModel> {
  await useBackend(tf, backend);
  return tf.loadLayersModel(`file://${path.resolve(dir, manifest.files.topology)}`);
}

/**
 * The rows scored: the evaluation fixture's real feature vectors (models/fixtures), repeated to
 * fill the batch. Dense layers cost the same whatever the values; real rows keep the
 * explanations' sorting and the normalisation's branches honest.
 */
async function inputRows(
  featureNames: readonly string[],
): Promise<{ rows: Float32Array[]; source: string }> {
  const file = path.resolve(__dirname, '..', '..', 'fixtures', 'eval-fixture.json');
  try {
    const fixture = JSON.parse(await readFile(file, 'utf8')) as EvaluationFixture;
    const same =
      fixture.features.length === featureNames.length &&
      fixture.features.every((f, i) => f === featureNames[i]);
    if (same && fixture.rows.length > 0) {
      return {
        rows: fixture.rows.map((r) => Float32Array.from(r.features)),
        source: `${fixture.rows.length} rows of ${path.basename(file)}, repeated`,
      };
    }
  } catch {
    // No fixture beside this build: zero rows cost the same to score.
  }
  return { rows: [new Float32Array(featureNames.length)], source: 'rows of zeros (no fixture)' };
}

/** Largest |score difference| between `other` (run on `backend`) and the native scorer. */
async function agreement(
  tf: Tf,
  native: Scorer,
  other: { scoreBatch(rows: readonly Float32Array[]): Float32Array },
  backend: TfBackendName,
  rows: readonly Float32Array[],
): Promise<number> {
  await useBackend(tf, 'tensorflow');
  const reference = native.scoreBatch(rows);
  await useBackend(tf, backend);
  const scores = other.scoreBatch(rows);
  let max = 0;
  for (let i = 0; i < reference.length; i += 1) {
    max = Math.max(max, Math.abs((scores[i] ?? Number.NaN) - (reference[i] ?? 0)));
  }
  return max;
}

function batchOf(rows: readonly Float32Array[], size: number): Float32Array[] {
  return Array.from({ length: size }, (_, i) => rows[i % rows.length] as Float32Array);
}

/** Time per call of `calls` calls in a row, µs. */
function timeBlock(c: Contender, rows: readonly Float32Array[], calls: number): number {
  const t0 = performance.now();
  for (let i = 0; i < calls; i += 1) c.run(rows);
  return ((performance.now() - t0) * 1000) / calls;
}

/**
 * One timed block of `c` on its backend: switch, one untimed call (the switch's first-call
 * costs stay out), the block, then a check that the backend that ran is the one named.
 */
async function measure(
  tf: Tf,
  c: Contender,
  rows: readonly Float32Array[],
  calls: number,
  ranOn: Map<InferencePath, string>,
): Promise<number> {
  await useBackend(tf, c.backend);
  c.run(rows);
  const us = timeBlock(c, rows, calls);
  const ran = tf.getBackend();
  if (ran !== c.backend) throw new BenchmarkBackendError(c.backend, `the block ran on "${ran}"`);
  ranOn.set(c.path, ran);
  return us;
}

/** Calls per block for `c`, from a few warm calls. */
async function calibrate(
  tf: Tf,
  c: Contender,
  rows: readonly Float32Array[],
  blockMs: number,
): Promise<number> {
  await useBackend(tf, c.backend);
  for (let i = 0; i < 3; i += 1) c.run(rows);
  const us = timeBlock(c, rows, 3);
  return callsPerBlock(blockMs, us / 1000);
}

/** Runs the inference benchmark; the native backend is current again when it settles. */
export async function runInferenceBench(
  options: Partial<InferenceBenchOptions> = {},
  log: (line: string) => void = () => undefined,
): Promise<InferenceBenchResult> {
  const o: InferenceBenchOptions = { ...DEFAULT_INFERENCE_BENCH_OPTIONS, ...options };
  const tf = loadTf();
  // Registers the `wasm` backend (the `cpu` one comes with tfjs); in Node it reads its .wasm
  // binaries from its own dist/ folder with fs, so it needs no network.
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  await import('@tensorflow/tfjs-backend-cpu');
  const dir = o.modelDir ?? (await currentModelDir(defaultArtifactsRoot()));
  const toDispose: { dispose(): void }[] = [];
  try {
    const native = await loadModel(dir);
    toDispose.push(native);
    const manifest = native.manifest;
    const cols = native.featureNames.length;
    // A second copy for the layers API: Scorer keeps its model to itself.
    const layers = await loadOn(tf, 'tensorflow', dir, manifest);
    toDispose.push(layers);
    const onBackend = async (backend: TfBackendName): Promise<Scorer> => {
      const scorer = new Scorer(tf, await loadOn(tf, backend, dir, manifest), manifest);
      toDispose.push(scorer);
      return scorer;
    };
    const cpu = await onBackend('cpu');
    const wasmScorer = await onBackend('wasm');
    const wasmInfo = {
      simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
      threads: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true,
      threadsCount: wasm.getThreadsCount(),
    };
    await useBackend(tf, 'tensorflow');

    const predictScores = (rows: readonly Float32Array[]): Float32Array => {
      const flat = new Float32Array(rows.length * cols);
      rows.forEach((r, i) => flat.set(r, i * cols));
      const x = applyNormalisation(flat, cols, null, manifest.normalisation);
      return tf.tidy(
        () =>
          (
            layers.predict(tf.tensor2d(x, [rows.length, cols])) as Tensor
          ).dataSync() as Float32Array,
      );
    };
    const predict = (rows: readonly Float32Array[]): void => {
      predictScores(rows);
    };
    const layersScorer = { scoreBatch: predictScores };
    const reference: Contender = {
      path: 'tfjs_node',
      call: 'Scorer.scoreBatch',
      backend: 'tensorflow',
      run: (rows) => native.scoreBatch(rows),
    };
    const contenders: Contender[] = [
      { path: 'cpu', call: 'Scorer.scoreBatch', backend: 'cpu', run: (r) => cpu.scoreBatch(r) },
      {
        path: 'wasm',
        call: 'Scorer.scoreBatch',
        backend: 'wasm',
        run: (r) => wasmScorer.scoreBatch(r),
      },
      {
        // The plain call, as the Scorer made it before the fused path: predict's own batching
        // (32 rows) included, which is part of what the fused path saves.
        path: 'layers_predict',
        call: 'LayersModel.predict (batchSize 32)',
        backend: 'tensorflow',
        run: predict,
      },
      {
        path: 'explain',
        call: `Scorer.explainBatch(top ${o.reasons})`,
        backend: 'tensorflow',
        run: (r) => native.explainBatch(r, o.reasons),
      },
    ];

    const input = await inputRows(native.featureNames);
    const maxAbsDiffVsTfjsNode = {
      cpu: await agreement(tf, native, cpu, 'cpu', input.rows),
      wasm: await agreement(tf, native, wasmScorer, 'wasm', input.rows),
      layers_predict: await agreement(tf, native, layersScorer, 'tensorflow', input.rows),
    };
    const ranOn = new Map<InferencePath, string>();
    const row = (
      size: number,
      c: Contender,
      usPerCall: number,
      timeVsTfjsNode: number,
      rounds: number,
      calls: number,
    ): InferenceRow => ({
      batchSize: size,
      path: c.path,
      call: c.call,
      backend: ranOn.get(c.path) ?? 'not run',
      usPerCall,
      rowsPerS: (size * 1e6) / usPerCall,
      timeVsTfjsNode,
      rounds,
      callsPerBlock: calls,
    });
    const out: InferenceRow[] = [];
    for (const size of o.batchSizes) {
      const rows = batchOf(input.rows, size);
      const refCalls = await calibrate(tf, reference, rows, o.blockMs);
      const refSamples: number[] = [];
      const measured: InferenceRow[] = [];
      for (const c of contenders) {
        const calls = await calibrate(tf, c, rows, o.blockMs);
        const samples = await runAlternating(o.rounds, (side) =>
          side === 'a'
            ? measure(tf, reference, rows, refCalls, ranOn)
            : measure(tf, c, rows, calls, ranOn),
        );
        const s = summarisePairs(samples);
        refSamples.push(...samples.map((p) => p.a));
        measured.push(row(size, c, s.bMedian, s.ratioMedian, s.rounds, calls));
        log(`batch ${size}: ${c.path} ${s.bMedian.toFixed(1)} µs/call`);
      }
      out.push(row(size, reference, median(refSamples), 1, refSamples.length, refCalls));
      out.push(...measured);
    }
    return {
      options: o,
      modelDir: dir,
      modelVersion: native.version,
      inputRows: input.source,
      versions: {
        'tfjs-core': tf.version_core,
        'tfjs-node': tf.version['tfjs-node'] ?? 'unknown',
        'tfjs-backend-wasm': wasm.version_wasm,
      },
      wasm: wasmInfo,
      maxAbsDiffVsTfjsNode,
      rows: out,
    };
  } finally {
    // Dispose while each model's own backend is registered (disposal routes to it), then leave
    // the process on the native backend whatever happened.
    for (const d of toDispose.reverse()) d.dispose();
    await useBackend(tf, 'tensorflow');
    assertNativeBackend(tf.getBackend());
  }
}
