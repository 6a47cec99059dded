// Options of `fraudstream bench chaos`: the steady load, the worker fleet, the faults and their
// durations, with a smoke mode that shrinks every duration to seconds. Worker faults only for
// now; broker and Redis faults are meant to join FAULT_KINDS as more kinds of the same schedule.
import { KAFKA_CLIENT_NAMES, type KafkaClientName } from '@fraudstream/workers/kafka';
import { LoadOptionsError } from '../errors';
import { DEFAULT_BENCH_PARTITIONS } from '../bench/bench-topics';
import type { StartWorker } from '../bench/bench-types';

/** The faults `--faults` chooses from (each is one window of the run). */
export const FAULT_KINDS = ['kill', 'kill-restart', 'rolling', 'stop'] as const;

/** One of {@link FAULT_KINDS}. */
export type FaultKind = (typeof FAULT_KINDS)[number];

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
  /** After sending stops: how long verdicts of what was sent are still waited for. */
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
  /** The faults in order. @defaultValue kill-restart, rolling, kill */
  readonly faults?: readonly FaultKind[];
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
  graceMs: 8000,
});

/** The default fault sequence. */
export const DEFAULT_FAULTS: readonly FaultKind[] = ['kill-restart', 'rolling', 'kill'];

/** Chaos options with defaults applied. */
export interface CompiledChaosOptions {
  readonly brokers: readonly string[];
  readonly startWorker: StartWorker;
  readonly rateTps: number;
  readonly workers: number;
  readonly faults: readonly FaultKind[];
  readonly clients: readonly KafkaClientName[];
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly staticMembership: boolean;
  readonly groupProtocol: GroupProtocol;
  readonly stopMs: number;
  readonly partitions: number;
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
  for (const [k, v] of Object.entries(durations)) positive(`durations.${k}`, v, true);
  // A zombie is only a zombie if the group has given up on it before it wakes.
  const stopMs = positive('stopMs', raw.stopMs ?? sessionTimeoutMs + (smoke ? 1000 : 4000), true);
  return {
    brokers: raw.brokers,
    startWorker: raw.startWorker,
    rateTps: positive('rateTps', raw.rateTps ?? 100),
    workers: positive('workers', raw.workers ?? 3, true),
    faults,
    clients,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    staticMembership,
    groupProtocol,
    stopMs,
    partitions: positive('partitions', raw.partitions ?? DEFAULT_BENCH_PARTITIONS, true),
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
