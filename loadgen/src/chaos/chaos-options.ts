// Options of `fraudstream bench chaos`: the steady load, the worker fleet, the faults and their
// durations, with a smoke mode that shrinks every duration to seconds. Worker faults act on the
// run's own worker processes; stack faults (a Kafka node, Redis) on the local stack that
// deploy/local/stack.sh runs, found through FRAUDSTREAM_HOME.
import { DEFAULT_SERVICE_ENDPOINTS, WORKER_SETTINGS } from '@fraudstream/workers';
import { KAFKA_CLIENT_NAMES, type KafkaClientName } from '@fraudstream/workers/kafka';
import { LoadOptionsError } from '../errors';
import { DEFAULT_BENCH_PARTITIONS } from '../bench/bench-topics';
import type { StartWorker } from '../bench/bench-types';
import type { FaultTarget } from './chaos-figures';

/** The faults `--faults` chooses from (each is one window of the run). */
export const FAULT_KINDS = [
  'kill',
  'kill-restart',
  'rolling',
  'stop',
  'broker-kill',
  'redis-stop',
  'redis-kill',
  'redis-oom',
  'poison',
  'bad-model',
  'redis-failover',
] as const;

/** One of {@link FAULT_KINDS}. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The faults that act on the local stack rather than on the run's workers. */
export const STACK_FAULT_KINDS: readonly FaultKind[] = [
  'broker-kill',
  'redis-stop',
  'redis-kill',
  'redis-oom',
  'redis-failover',
];

/** What a fault kind acts on. */
export function faultTarget(kind: FaultKind): FaultTarget {
  if (kind === 'broker-kill') return 'kafka';
  if (kind === 'poison') return 'input';
  if (kind === 'bad-model') return 'model';
  return kind.startsWith('redis-') ? 'redis' : 'worker';
}

/** The consumer group protocols of the workers (FS_KAFKA_GROUP_PROTOCOL). */
export const GROUP_PROTOCOLS = ['classic', 'consumer'] as const;

/** One of {@link GROUP_PROTOCOLS}. */
export type GroupProtocol = (typeof GROUP_PROTOCOLS)[number];

/** How long each part of a run lasts, ms. */
export interface ChaosDurations {
  /** Quiet load after the fleet is ready and before the first fault. */
  readonly leadInMs: number;
  /** Quiet load after each fault's window (the last one's included). */
  readonly quietMs: number;
  /** kill: how long the fleet runs one worker short before the replacement starts. */
  readonly killMs: number;
  /** kill-restart: the window after the replacement is ready. */
  readonly killRestartMs: number;
  /** rolling: the window after the last worker has been replaced. */
  readonly rollingSettleMs: number;
  /** stop: the window after SIGCONT (the SIGSTOP itself lasts {@link ChaosOptions.stopMs}). */
  readonly stopAfterMs: number;
  /** broker-kill: the window after the restarted node answers again. */
  readonly brokerKillMs: number;
  /** redis-stop: how long Redis stays stopped (SIGSTOP to SIGCONT). */
  readonly redisStopMs: number;
  /** redis-stop: the window after SIGCONT. */
  readonly redisStopAfterMs: number;
  /** redis-kill: the window after the restarted Redis answers again. */
  readonly redisKillMs: number;
  /** redis-oom: how long Redis answers writes with OOM errors. */
  readonly redisOomMs: number;
  /** redis-oom: the window after its memory limit is restored. */
  readonly redisOomAfterMs: number;
  /** poison: the window after the malformed records are sent. */
  readonly poisonMs: number;
  /** bad-model: how long CURRENT names the corrupt version before it is switched back. */
  readonly badModelMs: number;
  /** redis-failover: the window after the old primary rejoined as a replica. */
  readonly redisFailoverMs: number;
  /**
   * After sending stops: how long verdicts of what was sent are still waited for (the wait ends
   * as soon as every transaction has one). At least {@link BROKER_FAULT_GRACE_MS} when a Kafka
   * node is killed, unless set.
   */
  readonly graceMs: number;
}

/** Options of {@link runChaos}; only `brokers` and `startWorker` are required. */
export interface ChaosOptions {
  readonly brokers: readonly string[];
  /** Starts one worker process (it must have a pid: faults are signals). */
  readonly startWorker: StartWorker;
  /** @defaultValue 100 tx/s */
  readonly rateTps?: number;
  /** @defaultValue 3 */
  readonly workers?: number;
  /** The faults in order. @defaultValue {@link DEFAULT_FAULTS} */
  readonly faults?: readonly FaultKind[];
  /** FS_EXACTLY_ONCE of the workers (Kafka transactions). @defaultValue false */
  readonly exactlyOnce?: boolean;
  /**
   * The workers' Redis (their FS_REDIS_URL), where the Redis faults act: it must be the local
   * stack's. @defaultValue FS_REDIS_URL's default, the local stack's
   */
  readonly redisUrl?: string;
  /**
   * The environment the local stack is found in (FRAUDSTREAM_HOME, else the repository's
   * .fraudstream) and `stack.sh up` runs in; only stack faults use it. @defaultValue process.env
   */
  readonly stackEnv?: Readonly<Record<string, string | undefined>>;
  /**
   * How long a stack component hit by a fault may take to answer again (stack.sh up included)
   * before the run fails with FaultNotRestoredError. @defaultValue 180000
   */
  readonly restoreTimeoutMs?: number;
  /** The whole sequence runs once per client, on fresh topics and a fleet of its own. @defaultValue [kafkajs] */
  readonly clients?: readonly KafkaClientName[];
  /** FS_SESSION_TIMEOUT_MS of the workers. @defaultValue 6000 */
  readonly sessionTimeoutMs?: number;
  /** FS_HEARTBEAT_INTERVAL_MS of the workers. @defaultValue min(1000, a third of the session timeout) */
  readonly heartbeatIntervalMs?: number;
  /** FS_GROUP_INSTANCE_ID=<fleet>-<slot> per worker slot (librdkafka only). @defaultValue false */
  readonly staticMembership?: boolean;
  /** FS_KAFKA_GROUP_PROTOCOL (consumer: librdkafka only). @defaultValue classic */
  readonly groupProtocol?: GroupProtocol;
  /** stop: how long the worker stays stopped. @defaultValue session timeout + 4 s (smoke: + 1 s) */
  readonly stopMs?: number;
  /** Partitions of the run's topics. @defaultValue 12 */
  readonly partitions?: number;
  /**
   * FS_MAX_RECORD_BYTES of the workers (set on each): the poison fault's oversized records are
   * just over it and far over it. @defaultValue the workers' default (262144)
   */
  readonly maxRecordBytes?: number;
  /**
   * The model store the bad-model fault copies the current version from into a store of the
   * run's own (the workers' FS_MODEL_DIR). @defaultValue the models package's artifacts
   */
  readonly modelStore?: string;
  /** Shrink every duration to seconds. @defaultValue false */
  readonly smoke?: boolean;
  /** Durations to override (the rest: default or smoke). */
  readonly durations?: Partial<ChaosDurations>;
  /** A partition counts as stalled by a fault when it sees no verdict for longer than this. @defaultValue 1000 */
  readonly stallThresholdMs?: number;
  /** The latency a verdict must be within to count as in time. @defaultValue 100 */
  readonly budgetMs?: number;
  /** How long a (re)started worker may take to answer /readyz. @defaultValue 90000 */
  readonly readyTimeoutMs?: number;
  /** Keep each run's topics. @defaultValue false */
  readonly keepTopics?: boolean;
  /** One line per step. @defaultValue silent */
  readonly log?: (line: string) => void;
  /** Stops the run: the current fault ends, the fleet is stopped and what was measured reported. */
  readonly signal?: AbortSignal;
}

/** Default durations. */
export const DEFAULT_CHAOS_DURATIONS: ChaosDurations = Object.freeze({
  leadInMs: 20_000,
  quietMs: 20_000,
  killMs: 30_000,
  killRestartMs: 20_000,
  rollingSettleMs: 10_000,
  stopAfterMs: 20_000,
  brokerKillMs: 20_000,
  redisStopMs: 10_000,
  redisStopAfterMs: 20_000,
  redisKillMs: 20_000,
  redisOomMs: 20_000,
  redisOomAfterMs: 20_000,
  poisonMs: 10_000,
  badModelMs: 20_000,
  redisFailoverMs: 20_000,
  graceMs: 20_000,
});

/**
 * Durations of smoke mode. kill still outlasts the default session timeout (6 s): a window that
 * ends before the group notices the dead worker would not show the recovery at all.
 */
export const SMOKE_CHAOS_DURATIONS: ChaosDurations = Object.freeze({
  leadInMs: 3000,
  quietMs: 3000,
  killMs: 9000,
  killRestartMs: 4000,
  rollingSettleMs: 2000,
  stopAfterMs: 5000,
  brokerKillMs: 3000,
  redisStopMs: 3000,
  redisStopAfterMs: 3000,
  redisKillMs: 3000,
  redisOomMs: 4000,
  redisOomAfterMs: 3000,
  poisonMs: 3000,
  // Two of the workers' CURRENT polls (FS_MODEL_POLL_MS, 2 s): every worker meets the corrupt version.
  badModelMs: 5000,
  redisFailoverMs: 3000,
  graceMs: 8000,
});

/**
 * The least grace of a run with a broker fault: after a Kafka node's restart the consumer groups
 * (the workers', the load generator's verdict readers) took 25 to 45 s to deliver again here, so
 * a shorter wait would count late verdicts as lost.
 */
export const BROKER_FAULT_GRACE_MS = 90_000;

/** The default fault sequence. */
export const DEFAULT_FAULTS: readonly FaultKind[] = [
  'kill-restart',
  'stop',
  'rolling',
  'broker-kill',
  'redis-stop',
  'redis-kill',
  'redis-oom',
  'poison',
  'bad-model',
  'kill',
];

/** Chaos options with defaults applied. */
export interface CompiledChaosOptions {
  readonly brokers: readonly string[];
  readonly startWorker: StartWorker;
  readonly rateTps: number;
  readonly workers: number;
  readonly faults: readonly FaultKind[];
  readonly exactlyOnce: boolean;
  readonly redisUrl: string;
  readonly stackEnv: Readonly<Record<string, string | undefined>>;
  readonly restoreTimeoutMs: number;
  readonly clients: readonly KafkaClientName[];
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly staticMembership: boolean;
  readonly groupProtocol: GroupProtocol;
  readonly stopMs: number;
  readonly partitions: number;
  readonly maxRecordBytes: number;
  /** Undefined: the models package's artifacts. */
  readonly modelStore: string | undefined;
  readonly smoke: boolean;
  readonly durations: ChaosDurations;
  readonly stallThresholdMs: number;
  readonly budgetMs: number;
  readonly readyTimeoutMs: number;
  readonly keepTopics: boolean;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal | undefined;
}

function positive(setting: string, value: number, integer = false): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new LoadOptionsError(setting, integer ? 'an integer ≥ 1' : 'a number > 0', value);
  }
  return value;
}

function distinct<T extends string>(
  setting: string,
  xs: readonly T[],
  known: readonly T[],
): readonly T[] {
  if (xs.length === 0) throw new LoadOptionsError(setting, 'at least one value', '[]');
  xs.forEach((x, i) => {
    if (!known.includes(x))
      throw new LoadOptionsError(`${setting}[${i}]`, `one of ${known.join(', ')}`, x);
  });
  return xs;
}

/** The group settings a client's run gets: static membership and the consumer protocol are librdkafka's. */
export function settingsFor(
  o: Pick<CompiledChaosOptions, 'staticMembership' | 'groupProtocol'>,
  client: KafkaClientName,
): { readonly staticMembership: boolean; readonly groupProtocol: GroupProtocol } {
  return client === 'librdkafka'
    ? { staticMembership: o.staticMembership, groupProtocol: o.groupProtocol }
    : { staticMembership: false, groupProtocol: 'classic' };
}

/**
 * Applies defaults (and smoke durations) and validates. Static membership and the consumer
 * protocol are librdkafka's alone: asked for with kafkajs alone they are refused here, before
 * anything starts, rather than silently ignored by the workers.
 */
export function compileChaosOptions(raw: ChaosOptions): CompiledChaosOptions {
  if (!Array.isArray(raw.brokers) || raw.brokers.length === 0) {
    throw new LoadOptionsError('brokers', 'at least one host:port', JSON.stringify(raw.brokers));
  }
  const smoke = raw.smoke ?? false;
  const clients = distinct('clients', raw.clients ?? ['kafkajs'], KAFKA_CLIENT_NAMES);
  if (new Set(clients).size !== clients.length) {
    throw new LoadOptionsError('clients', 'each client once', clients.join(','));
  }
  const faults = distinct('faults', raw.faults ?? DEFAULT_FAULTS, FAULT_KINDS);
  const staticMembership = raw.staticMembership ?? false;
  const groupProtocol = raw.groupProtocol ?? 'classic';
  if (!GROUP_PROTOCOLS.includes(groupProtocol)) {
    throw new LoadOptionsError('groupProtocol', GROUP_PROTOCOLS.join(' or '), groupProtocol);
  }
  // With kafkajs alone they would measure nothing they name: refused. Beside librdkafka they
  // apply to the librdkafka runs only (see settingsFor), which each run's figures state.
  const librdkafka = clients.includes('librdkafka');
  if (!librdkafka && staticMembership) {
    throw new LoadOptionsError(
      'staticMembership',
      'a librdkafka client (kafkajs has no static membership)',
      true,
    );
  }
  if (!librdkafka && groupProtocol === 'consumer') {
    throw new LoadOptionsError(
      'groupProtocol',
      'classic with kafkajs alone (the consumer protocol is librdkafka only)',
      groupProtocol,
    );
  }
  const sessionTimeoutMs = positive('sessionTimeoutMs', raw.sessionTimeoutMs ?? 6000, true);
  const heartbeatIntervalMs = positive(
    'heartbeatIntervalMs',
    raw.heartbeatIntervalMs ?? Math.max(1, Math.min(1000, Math.floor(sessionTimeoutMs / 3))),
    true,
  );
  // The workers refuse it too, but only after the fleet has started: say so before.
  if (heartbeatIntervalMs * 3 > sessionTimeoutMs) {
    throw new LoadOptionsError(
      'heartbeatIntervalMs',
      `at most a third of sessionTimeoutMs (${sessionTimeoutMs})`,
      heartbeatIntervalMs,
    );
  }
  const base = smoke ? SMOKE_CHAOS_DURATIONS : DEFAULT_CHAOS_DURATIONS;
  const durations = { ...base, ...raw.durations };
  if (faults.includes('broker-kill') && raw.durations?.graceMs === undefined) {
    durations.graceMs = Math.max(durations.graceMs, BROKER_FAULT_GRACE_MS);
  }
  for (const [k, v] of Object.entries(durations)) positive(`durations.${k}`, v, true);
  // A zombie is only a zombie if the group has given up on it before it wakes.
  const stopMs = positive('stopMs', raw.stopMs ?? sessionTimeoutMs + (smoke ? 1000 : 4000), true);
  return {
    brokers: raw.brokers,
    startWorker: raw.startWorker,
    rateTps: positive('rateTps', raw.rateTps ?? 100),
    workers: positive('workers', raw.workers ?? 3, true),
    faults,
    exactlyOnce: raw.exactlyOnce ?? false,
    redisUrl: raw.redisUrl ?? DEFAULT_SERVICE_ENDPOINTS.redisUrl,
    stackEnv: raw.stackEnv ?? process.env,
    restoreTimeoutMs: positive('restoreTimeoutMs', raw.restoreTimeoutMs ?? 180_000, true),
    clients,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    staticMembership,
    groupProtocol,
    stopMs,
    partitions: positive('partitions', raw.partitions ?? DEFAULT_BENCH_PARTITIONS, true),
    maxRecordBytes: positive(
      'maxRecordBytes',
      raw.maxRecordBytes ?? WORKER_SETTINGS.maxRecordBytes.default,
      true,
    ),
    modelStore: raw.modelStore,
    smoke,
    durations,
    stallThresholdMs: positive('stallThresholdMs', raw.stallThresholdMs ?? 1000),
    budgetMs: positive('budgetMs', raw.budgetMs ?? 100),
    readyTimeoutMs: positive('readyTimeoutMs', raw.readyTimeoutMs ?? 90_000),
    keepTopics: raw.keepTopics ?? false,
    log: raw.log ?? (() => undefined),
    signal: raw.signal,
  };
}
