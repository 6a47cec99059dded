// What a fault runner is given to act with: its planned step, the worker slots, the run's clock
// and, for stack faults, the local stack and the workers' Redis; for the poison fault the run's
// input, for the bad-model fault the run's model store. Types only, in a file of their own so
// that every fault file can name them without a cycle.
import type { FaultAction } from './chaos-figures';
import type { ChaosModelStore } from './chaos-model-store';
import type { PoisonInput, PoisonRecord } from './poison-records';
import type { FaultStep } from './fault-schedule';
import type { LocalStack } from './local-stack';
import type { RedisControl } from './redis-control';
import type { WorkerSlots } from './worker-slots';

/** The parts of the local stack a fault uses. */
export type StackOps = Pick<LocalStack, 'pid' | 'running' | 'up'>;

/** The Redis calls a fault makes. */
export type RedisOps = Pick<
  RedisControl,
  'waitUntilAnswers' | 'memorySettings' | 'setMemorySettings' | 'usedMemory' | 'probeWrite'
>;

/** The local stack's Redis Sentinels (redis-failover.ts: StackSentinels). */
export interface SentinelOps {
  /** FS_REDIS_SENTINELS of the workers. */
  readonly setting: string;
  /** The primary's port as the sentinels name it; undefined when none answers. */
  primaryPort(): Promise<number | undefined>;
  /** The stack component (redis, sentinel@replica) listening on `port`. */
  nodeOn(port: number): { readonly component: string; readonly port: number } | undefined;
}

/** What the stack faults act with (set on the fault context when a run has stack faults). */
export interface StackTools {
  readonly stack: StackOps;
  /** The workers' Redis (FS_REDIS_URL). */
  readonly redis: RedisOps;
  /** The Redis of the stack on `port`, with FS_REDIS_URL's credentials (a sentinel's primary). */
  readonly redisAt: (port: number) => RedisOps;
  /** How long what a fault hit may take to answer again, ms. */
  readonly restoreTimeoutMs: number;
  /** The Kafka node (1-based) a broker-kill hits now. */
  readonly pickKafkaNode: () => Promise<number>;
  /** Resolves true once Kafka node `node` is in the cluster's metadata again, false after `timeoutMs`. */
  readonly kafkaNodeAnswers: (node: number, timeoutMs: number) => Promise<boolean>;
  /** A key of the run's own for probe writes (never one the workers use). */
  readonly probeKey: string;
  /** The stack's sentinels, when they run (a redis-failover is skipped without them). */
  readonly sentinels?: SentinelOps;
}

/** What the poison fault acts with: the run's input topic, through the steady load's producer. */
export interface InputTools {
  /** What the poison records of the injection tagged `tag` are built from. */
  readonly poisonInput: (tag: string) => PoisonInput;
  /** Records `records` in the ledger, then sends them; resolves once Kafka acknowledged them. */
  readonly inject: (records: readonly PoisonRecord[]) => Promise<void>;
}

/** The model store calls the bad-model fault makes. */
export type ModelStoreOps = Pick<
  ChaosModelStore,
  'dir' | 'goodVersion' | 'addCorrupt' | 'setCurrent'
>;

/** What a fault is given to act with. */
export interface FaultContext {
  readonly step: FaultStep;
  readonly slots: WorkerSlots;
  /** Slots of the fleet. */
  readonly workers: number;
  /** Run clock, ms. */
  readonly now: () => number;
  /** Sleeps `ms`, or less when the run is stopped. */
  readonly wait: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
  /** True once the run has been asked to stop (a fault then finishes its cleanup quickly). */
  readonly aborted: () => boolean;
  /** The local stack, for stack faults (undefined when the run has none). */
  readonly stack?: StackTools;
  /** The run's input, for the poison fault. */
  readonly input?: InputTools;
  /** The workers' model store, for the bad-model fault (undefined when the run has none). */
  readonly models?: ModelStoreOps;
  /** Records a figure the fault observed of the fleet itself (e.g. model_load_failures). */
  readonly observe?: (name: string, value: number) => void;
}

/**
 * Applies one fault, appending each action it takes (those a stall is measured from); a fault
 * that could not apply here (redis-failover without sentinels) resolves with a note saying why.
 */
export type FaultRunner = (
  ctx: FaultContext,
  actions: FaultAction[],
) => Promise<void | { readonly note: string }>;
