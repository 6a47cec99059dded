// A benchmark's fleet: N workers started through the injected launcher, in one consumer group,
// ready when the group is Stable with all N members (so no rebalance lands in the measurement).
import type { Admin } from 'kafkajs';
import { FleetNotReadyError } from '../errors';
import type { LoadTopics } from '../load/load-options';
import type { WatchedProcess } from '../measure/cpu-sampler';
import type { LoadOptions } from '../load/load-options';
import type { SimulationParams } from '@fraudstream/simulator';
import type { KafkaClientName } from '@fraudstream/workers/kafka';
import type {
  StartWorker,
  WarmFeatureState,
  WorkerCpuProfile,
  WorkerEnv,
  WorkerHandle,
} from './bench-types';

/** How long bench workers keep a transaction's feature record (longer than any run). */
export const FLEET_FEATURE_RECORD_TTL_MS = 3_600_000;

/** The feature key prefix of a run's workers: state of its own, which no other run reads. */
export function fleetFeatureKeyPrefix(runTag: string): string {
  return `fs:bench:${runTag}:`;
}

/**
 * Backfills the simulator's first `days` days into the feature state of the fleet tagged
 * `runTag`, and returns the load options that continue that history: the next simulated day, on
 * the simulator's clock.
 */
export async function backfillFleetHistory(
  warm: WarmFeatureState,
  spec: {
    readonly runTag: string;
    readonly simulation: Partial<SimulationParams>;
    readonly days: number;
    readonly log: (line: string) => void;
  },
): Promise<Pick<LoadOptions, 'skipDays' | 'eventTime'>> {
  spec.log(`backfilling ${spec.days} simulated days into the run's feature state`);
  const w = await warm({
    keyPrefix: fleetFeatureKeyPrefix(spec.runTag),
    simulation: spec.simulation,
    days: spec.days,
    recordTtlMs: FLEET_FEATURE_RECORD_TTL_MS,
  });
  spec.log(`backfilled ${w.transactions} transactions in ${w.seconds.toFixed(1)} s`);
  return { skipDays: spec.days, eventTime: 'simulated' };
}

/** Running workers of one benchmark run. */
export interface Fleet {
  readonly groupId: string;
  readonly workers: readonly WorkerHandle[];
  /** Worker processes to watch for CPU (those with a pid other than this process's). */
  processes(): readonly WatchedProcess[];
  /** Stops every worker (in parallel); safe to call twice. */
  stop(): Promise<void>;
}

/** What a fleet is started with. */
export interface FleetSpec {
  readonly size: number;
  readonly brokers: readonly string[];
  /**
   * The Kafka client library every worker of the fleet runs on (FS_KAFKA_CLIENT).
   * @defaultValue undefined: the workers' own default (FS_KAFKA_CLIENT of their environment)
   */
  readonly kafkaClient?: KafkaClientName;
  readonly groupId: string;
  readonly topics: LoadTopics;
  /** Short tag of the run, used in instance ids and per-run names. */
  readonly runTag: string;
  readonly readyTimeoutMs: number;
  /** Settings of worker `index` on top of the fleet's (a scenario's variant, e.g. sampling). */
  readonly env?: (index: number) => Readonly<Record<string, string>>;
  /** Where worker `index` writes its CPU profile; undefined: not profiled. */
  readonly cpuProfile?: (index: number) => WorkerCpuProfile | undefined;
}

/** The environment of worker `index` of a fleet (see {@link WorkerEnv.env}). */
export function workerEnv(spec: FleetSpec, index: number): WorkerEnv {
  const instanceId = `bench-${spec.runTag}-${index}`;
  const cpuProfile = spec.cpuProfile?.(index);
  const client = spec.kafkaClient;
  return {
    ...(cpuProfile === undefined ? {} : { cpuProfile }),
    ...(client === undefined ? {} : { kafkaClient: client }),
    index,
    brokers: spec.brokers,
    groupId: spec.groupId,
    topics: spec.topics,
    instanceId,
    env: {
      FS_KAFKA_BROKERS: spec.brokers.join(','),
      ...(client === undefined ? {} : { FS_KAFKA_CLIENT: client }),
      FS_CONSUMER_GROUP: spec.groupId,
      FS_TOPIC_TRANSACTIONS: spec.topics.transactions,
      FS_TOPIC_DECISIONS: spec.topics.decisions,
      FS_TOPIC_LABELS: spec.topics.labels,
      FS_TOPIC_DLQ: spec.topics.deadLetters,
      FS_INSTANCE_ID: instanceId,
      FS_LABELS_CONSUMER_GROUP: `${spec.groupId}-labels`,
      FS_RETRY_QUEUE: `${spec.groupId}-retry`,
      // Feature state of its own, so no run reads another's (or production's) cards, and
      // records that expire within the hour: a run's hundreds of thousands of transactions
      // would otherwise sit in Redis for the default 8 days, and every snapshot would copy them.
      FS_FEATURE_KEY_PREFIX: fleetFeatureKeyPrefix(spec.runTag),
      FS_FEATURE_RECORD_TTL_MS: String(FLEET_FEATURE_RECORD_TTL_MS),
      // Several workers on one machine: let each health server pick a free port.
      FS_HEALTH_PORT: '0',
      FS_LOG_LEVEL: 'warn',
      ...spec.env?.(index),
    },
  };
}

/** Polls the group until it is Stable with `members` members. */
export async function waitForGroup(
  admin: Admin,
  groupId: string,
  members: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups.find((g) => g.groupId === groupId);
    seen = group?.members.length ?? 0;
    const assigned = group?.members.filter((m) => m.memberAssignment.length > 0).length ?? 0;
    if (group?.state === 'Stable' && seen === members && assigned === members) return;
    if (Date.now() > deadline) throw new FleetNotReadyError(groupId, members, seen, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Starts `spec.size` workers and waits for their group; stops them again if it never forms. */
export async function startFleet(
  admin: Admin,
  start: StartWorker,
  spec: FleetSpec,
): Promise<Fleet> {
  const workers: WorkerHandle[] = [];
  let stopping: Promise<void> | undefined;
  const fleet: Fleet = {
    groupId: spec.groupId,
    workers,
    processes: () =>
      workers
        .map((w, i) => ({ label: `worker ${i + 1}`, pid: w.pid }))
        .filter((p): p is WatchedProcess => p.pid !== undefined && p.pid !== process.pid),
    stop: () => {
      stopping ??= Promise.all(workers.map((w) => w.stop().catch(() => undefined))).then(
        () => undefined,
      );
      return stopping;
    },
  };
  try {
    for (let i = 0; i < spec.size; i += 1) workers.push(await start(workerEnv(spec, i)));
    await waitForGroup(admin, spec.groupId, spec.size, spec.readyTimeoutMs);
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}
