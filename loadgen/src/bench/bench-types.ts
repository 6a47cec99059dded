// The contract between the benchmarks (here, in loadgen) and whoever can start a worker (the
// CLI layer in @fraudstream/workers, which loadgen must not import): the benchmark says what
// the worker must consume and produce, the launcher starts one and hands back a way to stop it.
import type { LoadTopics } from '../load/load-options';

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
   * The same settings as `fraudstream worker` environment variables (FS_KAFKA_BROKERS,
   * FS_CONSUMER_GROUP, FS_TOPIC_*, FS_INSTANCE_ID, FS_HEALTH_PORT=0, ...), ready to merge into a
   * child process's environment.
   */
  readonly env: Readonly<Record<string, string>>;
}

/** A running worker. */
export interface WorkerHandle {
  /** Process id, when the worker is a process of its own. */
  readonly pid?: number;
  /** Stops the worker gracefully and resolves when it has gone; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts one worker; resolves once it has started (it need not have joined its group yet —
 * the benchmark waits for the whole fleet to join before sending).
 */
export type StartWorker = (env: WorkerEnv) => Promise<WorkerHandle>;
