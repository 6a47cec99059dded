// The contract between the benchmarks and whoever starts their workers (worker processes from
// cli/worker-launcher.ts, or in-process workers in tests): the benchmark says what the worker
// must consume and produce, the launcher starts one and hands back a way to stop it.
import type { LoadTopics } from '../load/load-options';
import type { SimulationParams } from '@fraudstream/simulator';
import type { KafkaClientName } from '@fraudstream/workers/kafka';

/** What one worker of a benchmark fleet is told: Kafka, its consumer group and its topics. */
export interface WorkerEnv {
  /** 0-based number of the worker in its fleet. */
  readonly index: number;
  readonly brokers: readonly string[];
  /** Consumer group of the fleet on `topics.transactions` (unique per benchmark run). */
  readonly groupId: string;
  readonly topics: LoadTopics;
  /** Unique name of this worker process (for logs and Kafka client ids). */
  readonly instanceId: string;
  /**
   * The Kafka client library the worker runs on (also FS_KAFKA_CLIENT in {@link env}).
   * @defaultValue undefined: the worker's own default (FS_KAFKA_CLIENT of its environment, else kafkajs)
   */
  readonly kafkaClient?: KafkaClientName;
  /**
   * The same settings as `fraudstream worker` environment variables (FS_KAFKA_BROKERS,
   * FS_KAFKA_CLIENT, FS_CONSUMER_GROUP, FS_TOPIC_*, FS_INSTANCE_ID, FS_HEALTH_PORT=0, ...), ready to merge into a
   * child process's environment.
   */
  readonly env: Readonly<Record<string, string>>;
  /**
   * When set (`bench --profile`), run the worker under V8's CPU profiler so that it writes
   * `dir/name` when it exits cleanly (`node --cpu-prof --cpu-prof-dir=dir --cpu-prof-name=name`).
   * A launcher that cannot (an in-process worker) ignores it; the report then says no profile
   * was written.
   */
  readonly cpuProfile?: WorkerCpuProfile;
}

/** Where a profiled worker writes its .cpuprofile. */
export interface WorkerCpuProfile {
  /** Absolute directory (exists before the worker starts). */
  readonly dir: string;
  /** File name, unique within `dir`. */
  readonly name: string;
}

/** The node arguments that make a process write `profile` when it exits. */
export function cpuProfileNodeArgs(profile: WorkerCpuProfile | undefined): string[] {
  // NODE_OPTIONS cannot carry --cpu-prof, so launchers put these on the node command line.
  return profile === undefined
    ? []
    : ['--cpu-prof', `--cpu-prof-dir=${profile.dir}`, `--cpu-prof-name=${profile.name}`];
}

/** A running worker. */
export interface WorkerHandle {
  /** Process id, when the worker is a process of its own. */
  readonly pid?: number;
  /** Stops the worker gracefully and resolves when it has gone; safe to call twice. */
  stop(): Promise<void>;
  /** How the worker's process ended, once it has; undefined while it runs or when unknown. */
  exitStatus?(): WorkerExit | undefined;
}

/** How a worker process ended (reports say why a profiled worker wrote no profile). */
export interface WorkerExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** It ended before the benchmark asked it to stop: it crashed during the run. */
  readonly beforeStop: boolean;
}

/**
 * Starts one worker; resolves once it has started (it need not have joined its group yet —
 * the benchmark waits for the whole fleet to join before sending).
 */
export type StartWorker = (env: WorkerEnv) => Promise<WorkerHandle>;

/** What a benchmark run asks of {@link WarmFeatureState}. */
export interface WarmFeatureSpec {
  /** The run's feature key prefix (its workers' FS_FEATURE_KEY_PREFIX). */
  readonly keyPrefix: string;
  /** The run's simulator parameters. */
  readonly simulation: Partial<SimulationParams>;
  /** The simulator's first `days` days: the days the run's load skips. */
  readonly days: number;
  /** Life of each backfilled transaction's idempotency record, ms. */
  readonly recordTtlMs: number;
}

/**
 * Writes the history a run's load skips into the run's feature state, as `fraudstream backfill`
 * does, so the workers score the run with the state they would have after those weeks. Passed
 * in (cli/load-commands.ts gives the real one) so that unit tests of a scenario need no Redis.
 */
export type WarmFeatureState = (
  spec: WarmFeatureSpec,
) => Promise<{ readonly transactions: number; readonly seconds: number }>;
