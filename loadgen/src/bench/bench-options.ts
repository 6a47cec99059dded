// Options of `fraudstream bench`: which workers to start and how, and the size of each
// scenario of docs/benchmarks.md, with a smoke mode that shrinks every scenario to seconds.
import * as path from 'node:path';
import type { LoadOptions } from '../load/load-options';
import { DEFAULT_LOAD_OPTIONS } from '../load/load-options';
import { readSettings } from '@fraudstream/settings';
import { DEFAULT_TELEMETRY_OPTIONS, SERVICE_SETTINGS } from '@fraudstream/workers';
import { KAFKA_CLIENT_NAMES, type KafkaClientName } from '@fraudstream/workers/kafka';
import { LoadOptionsError } from '../errors';
import type { LoadObserver } from '../load/load-report';
import type { WatchedProcess } from '../measure/cpu-sampler';
import type { StartWorker, WarmFeatureState } from './bench-types';
import { DEFAULT_BENCH_PARTITIONS } from './bench-topics';
import type { PassthroughMode } from './passthrough-process';

/** The end-to-end scenarios of docs/benchmarks.md. */
export const BENCH_SCENARIOS = [
  'seed',
  'capacity',
  'passthrough',
  'burst',
  'fleet',
  'tracing',
] as const;

/** One of {@link BENCH_SCENARIOS}. */
export type BenchScenario = (typeof BENCH_SCENARIOS)[number];

/** The scenarios that measure several Kafka clients side by side (`clients` with more than one). */
export const CLIENT_SCENARIOS: readonly BenchScenario[] = ['capacity', 'passthrough'];

/** Load options a benchmark passes through to every run (the rest it sets itself). */
export type BenchLoadOptions = Partial<
  Omit<
    LoadOptions,
    | 'brokers'
    | 'profile'
    | 'durationMs'
    | 'count'
    | 'topics'
    | 'workerGroupId'
    | 'stopWhen'
    | 'watchProcesses'
  >
>;

/** Options of {@link runBench}; only `brokers` is required (and `startWorker` for scoring scenarios). */
export interface BenchOptions {
  readonly brokers: readonly string[];
  /** Starts one scoring worker; seed, capacity, burst and fleet need it. */
  readonly startWorker?: StartWorker;
  /**
   * The Kafka client libraries the workers (scoring and passthrough) run on, through the worker's
   * seam (FS_KAFKA_CLIENT). capacity and passthrough measure each in one invocation, their ramps
   * alternating; the other scenarios take one.
   * @defaultValue [FS_KAFKA_CLIENT of this process, else kafkajs]
   */
  readonly clients?: readonly KafkaClientName[];
  /** Where passthrough workers run, or a launcher of your own. @defaultValue 'process' */
  readonly passthrough?: PassthroughMode | StartWorker;
  /**
   * Backfills a run's feature state (seed): without it the seed run starts on an empty state and
   * its precision and recall are those of a fleet that has seen nothing. @defaultValue none
   */
  readonly warmFeatureState?: WarmFeatureState;
  /** Simulated days the seed run backfills and then skips in its load. @defaultValue 28 */
  readonly seedWarmDays?: number;
  /** Shrink every scenario to seconds (CI keeps them working; figures mean nothing). @defaultValue false */
  readonly smoke?: boolean;
  /** Workers of seed, capacity, passthrough and burst. @defaultValue 1 */
  readonly workers?: number;
  /** Fleet sizes of the fleet scenario. @defaultValue [1, 2, 4] */
  readonly fleetSizes?: readonly number[];
  /** Capacity: passthrough and scoring ramps alternate this many times; figures are medians. @defaultValue 1 */
  readonly repeats?: number;
  /** Partitions of the run's transactions and decisions topics. @defaultValue 12 */
  readonly partitions?: number;
  /** How long the fleet may take to join its group. @defaultValue 60000 */
  readonly fleetReadyTimeoutMs?: number;
  /** Offered rates of the capacity ramp, tx/s. @defaultValue 250, 500, 1000, 2000, ... 6000, 8000, 10000 */
  readonly rampTps?: readonly number[];
  /** Length of each ramp step. @defaultValue 60000 */
  readonly stepMs?: number;
  /** Seed rate, tx/s. @defaultValue 50,000 an hour */
  readonly seedTps?: number;
  /** @defaultValue 600000 (10 minutes) */
  readonly seedDurationMs?: number;
  /**
   * Seed: after the scoring run, the same rate and length on passthrough workers, so the report
   * tells the transport's latency from what scoring adds. @defaultValue true
   */
  readonly seedBaseline?: boolean;
  /**
   * Seed: an unjudged stretch at the seed rate before the measured one (0: none). A broker or
   * worker started minutes ago is still compiling its hot paths, which is not the steady state
   * the practitioner's load asks about. @defaultValue 60000
   */
  readonly seedWarmUpMs?: number;
  /** Steady rate of the burst scenario. @defaultValue 500 */
  readonly burstBaseTps?: number;
  /** @defaultValue 10 */
  readonly burstFactor?: number;
  /** @defaultValue 30000 */
  readonly burstMs?: number;
  /** Steady load before the burst. @defaultValue 60000 */
  readonly burstBeforeMs?: number;
  /** Steady load after the burst. @defaultValue 120000 */
  readonly burstAfterMs?: number;
  /** Tracing: the workers' trace sampling ratios (FS_TRACE_SAMPLE_RATIO), one ramp each. @defaultValue 0, 0.01, 1 */
  readonly samplingRatios?: readonly number[];
  /**
   * Tracing: the OTLP/HTTP receiver the workers export to (FS_OTLP_ENDPOINT).
   * @defaultValue 'http://127.0.0.1:14318' (the local stack's Jaeger)
   */
  readonly otlpEndpoint?: string;
  /**
   * Run the workers under V8's CPU profiler, writing `<run>-worker-<n>.cpuprofile` files into
   * this directory, and summarise them in the result (CLI: `--profile` → `<report dir>/profiles`).
   * @defaultValue undefined (not profiled)
   */
  readonly profileDir?: string;
  /** Keep each run's topics instead of deleting them. @defaultValue false */
  readonly keepTopics?: boolean;
  /** Passed to every load run (simulation, label delays, traceSend...). */
  readonly load?: BenchLoadOptions;
  /** Live progress of each run, by run label. */
  readonly observer?: (runLabel: string) => LoadObserver;
  /** One line per step ("starting 2 scoring workers..."). @defaultValue silent */
  readonly log?: (line: string) => void;
  /** Stops the benchmark: the current run finishes early (and is reported), no further run starts. */
  readonly signal?: AbortSignal;
  /** Other processes whose CPU each run records beside its workers (e.g. Kafka, Redis). @defaultValue none */
  readonly watchProcesses?: () => readonly WatchedProcess[];
}

/** Defaults of {@link BenchOptions}. */
export const DEFAULT_BENCH_OPTIONS = Object.freeze({
  passthrough: 'process',
  workers: 1,
  fleetSizes: [1, 2, 4] as readonly number[],
  repeats: 1,
  partitions: DEFAULT_BENCH_PARTITIONS,
  fleetReadyTimeoutMs: 60_000,
  rampTps: [250, 500, 1000, 2000, 3000, 4000, 5000, 6000, 8000, 10_000] as readonly number[],
  stepMs: 60_000,
  seedTps: 50_000 / 3600,
  seedDurationMs: 600_000,
  seedBaseline: true,
  seedWarmUpMs: 60_000,
  // The history a seed run backfills is exactly what its load skips by default.
  seedWarmDays: DEFAULT_LOAD_OPTIONS.skipDays,
  burstBaseTps: 500,
  burstFactor: 10,
  burstMs: 30_000,
  burstBeforeMs: 60_000,
  burstAfterMs: 120_000,
  // None, the workers' default (FS_TRACE_SAMPLE_RATIO), all.
  samplingRatios: [0, DEFAULT_TELEMETRY_OPTIONS.traceSampleRatio, 1] as readonly number[],
  otlpEndpoint: DEFAULT_TELEMETRY_OPTIONS.otlpEndpoint,
});

/** The sizes smoke mode uses instead (seconds, low rates). */
export const SMOKE_BENCH_SIZES = Object.freeze({
  fleetSizes: [1, 2] as readonly number[],
  rampTps: [100, 200] as readonly number[],
  stepMs: 2000,
  seedTps: 50,
  seedDurationMs: 3000,
  seedWarmUpMs: 1000,
  seedWarmDays: 1,
  burstBaseTps: 50,
  burstFactor: 4,
  burstMs: 1000,
  burstBeforeMs: 1500,
  burstAfterMs: 2500,
  graceMs: 5000,
});

/** Bench options with defaults (and smoke sizes) applied. */
export interface CompiledBenchOptions {
  readonly brokers: readonly string[];
  readonly startWorker: StartWorker | undefined;
  /** At least one, no repeats; the first is the one the headline figures are of. */
  readonly clients: readonly KafkaClientName[];
  readonly passthrough: PassthroughMode | StartWorker;
  readonly warmFeatureState: WarmFeatureState | undefined;
  readonly seedWarmDays: number;
  readonly smoke: boolean;
  readonly workers: number;
  readonly fleetSizes: readonly number[];
  readonly repeats: number;
  readonly partitions: number;
  readonly fleetReadyTimeoutMs: number;
  readonly rampTps: readonly number[];
  readonly stepMs: number;
  readonly seedTps: number;
  readonly seedDurationMs: number;
  readonly seedBaseline: boolean;
  readonly seedWarmUpMs: number;
  readonly burstBaseTps: number;
  readonly burstFactor: number;
  readonly burstMs: number;
  readonly burstBeforeMs: number;
  readonly burstAfterMs: number;
  readonly samplingRatios: readonly number[];
  readonly otlpEndpoint: string;
  readonly profileDir: string | undefined;
  readonly keepTopics: boolean;
  readonly load: BenchLoadOptions;
  readonly observer: (runLabel: string) => LoadObserver;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal | undefined;
  readonly watchProcesses: () => readonly WatchedProcess[];
}

function positive(setting: string, value: number, integer = false): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new LoadOptionsError(setting, integer ? 'an integer ≥ 1' : 'a number > 0', value);
  }
  return value;
}

function nonNegativeInteger(setting: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new LoadOptionsError(setting, 'an integer ≥ 0', value);
  }
  return value;
}

function ratios(xs: readonly number[]): readonly number[] {
  if (xs.length === 0) throw new LoadOptionsError('samplingRatios', 'at least one value', '[]');
  xs.forEach((x, i) => {
    if (!(x >= 0 && x <= 1)) {
      throw new LoadOptionsError(`samplingRatios[${i}]`, 'a share between 0 and 1', x);
    }
  });
  return xs;
}

function httpUrl(setting: string, raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new LoadOptionsError(setting, 'an http:// or https:// URL', raw);
  }
  return raw.replace(/\/+$/, '');
}

function profileDir(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  // Absolute: the worker processes may run in another working directory.
  if (raw.trim() === '') throw new LoadOptionsError('profileDir', 'a directory path', '""');
  return path.resolve(raw);
}

/** FS_KAFKA_CLIENT of `env` (the worker's own setting), else kafkajs. */
export function defaultKafkaClient(
  env: Readonly<Record<string, string | undefined>> = process.env,
): KafkaClientName {
  return readSettings({ kafkaClient: SERVICE_SETTINGS.kafkaClient }, env).kafkaClient;
}

function kafkaClients(xs: readonly string[]): readonly KafkaClientName[] {
  if (xs.length === 0) throw new LoadOptionsError('clients', 'at least one client', '[]');
  xs.forEach((x, i) => {
    if (!(KAFKA_CLIENT_NAMES as readonly string[]).includes(x)) {
      throw new LoadOptionsError(`clients[${i}]`, `one of ${KAFKA_CLIENT_NAMES.join(', ')}`, x);
    }
    if (xs.indexOf(x) !== i) throw new LoadOptionsError(`clients[${i}]`, 'each client once', x);
  });
  return xs as readonly KafkaClientName[];
}

/** Applies defaults, then smoke sizes for what the caller did not set, and validates. */
export function compileBenchOptions(raw: BenchOptions): CompiledBenchOptions {
  const d = DEFAULT_BENCH_OPTIONS;
  const smoke = raw.smoke ?? false;
  const s = smoke ? SMOKE_BENCH_SIZES : undefined;
  if (!Array.isArray(raw.brokers) || raw.brokers.length === 0) {
    throw new LoadOptionsError('brokers', 'at least one host:port', JSON.stringify(raw.brokers));
  }
  const list = (setting: string, xs: readonly number[], integer: boolean): readonly number[] => {
    if (xs.length === 0) throw new LoadOptionsError(setting, 'at least one value', '[]');
    xs.forEach((x, i) => positive(`${setting}[${i}]`, x, integer));
    return xs;
  };
  return {
    brokers: raw.brokers,
    startWorker: raw.startWorker,
    clients: kafkaClients(raw.clients ?? [defaultKafkaClient()]),
    passthrough: raw.passthrough ?? d.passthrough,
    warmFeatureState: raw.warmFeatureState,
    seedWarmDays: positive(
      'seedWarmDays',
      raw.seedWarmDays ?? s?.seedWarmDays ?? d.seedWarmDays,
      true,
    ),
    smoke,
    workers: positive('workers', raw.workers ?? d.workers, true),
    fleetSizes: list('fleetSizes', raw.fleetSizes ?? s?.fleetSizes ?? d.fleetSizes, true),
    repeats: positive('repeats', raw.repeats ?? d.repeats, true),
    partitions: positive('partitions', raw.partitions ?? d.partitions, true),
    fleetReadyTimeoutMs: positive(
      'fleetReadyTimeoutMs',
      raw.fleetReadyTimeoutMs ?? d.fleetReadyTimeoutMs,
    ),
    rampTps: list('rampTps', raw.rampTps ?? s?.rampTps ?? d.rampTps, false),
    stepMs: positive('stepMs', raw.stepMs ?? s?.stepMs ?? d.stepMs, true),
    seedTps: positive('seedTps', raw.seedTps ?? s?.seedTps ?? d.seedTps),
    seedDurationMs: positive(
      'seedDurationMs',
      raw.seedDurationMs ?? s?.seedDurationMs ?? d.seedDurationMs,
      true,
    ),
    seedBaseline: raw.seedBaseline ?? d.seedBaseline,
    seedWarmUpMs: nonNegativeInteger(
      'seedWarmUpMs',
      raw.seedWarmUpMs ?? s?.seedWarmUpMs ?? d.seedWarmUpMs,
    ),
    burstBaseTps: positive('burstBaseTps', raw.burstBaseTps ?? s?.burstBaseTps ?? d.burstBaseTps),
    burstFactor: positive('burstFactor', raw.burstFactor ?? s?.burstFactor ?? d.burstFactor),
    burstMs: positive('burstMs', raw.burstMs ?? s?.burstMs ?? d.burstMs, true),
    burstBeforeMs: positive(
      'burstBeforeMs',
      raw.burstBeforeMs ?? s?.burstBeforeMs ?? d.burstBeforeMs,
      true,
    ),
    burstAfterMs: positive(
      'burstAfterMs',
      raw.burstAfterMs ?? s?.burstAfterMs ?? d.burstAfterMs,
      true,
    ),
    samplingRatios: ratios(raw.samplingRatios ?? d.samplingRatios),
    otlpEndpoint: httpUrl('otlpEndpoint', raw.otlpEndpoint ?? d.otlpEndpoint),
    profileDir: profileDir(raw.profileDir),
    keepTopics: raw.keepTopics ?? false,
    load: { ...(s === undefined ? {} : { graceMs: s.graceMs }), ...raw.load },
    observer: raw.observer ?? (() => ({})),
    log: raw.log ?? (() => undefined),
    signal: raw.signal,
    watchProcesses: raw.watchProcesses ?? (() => []),
  };
}
