// What a fault runner is given to act with: its planned step, the worker slots, the run's clock
// and, for stack faults, the local stack and the workers' Redis. Types only, in a file of their
// own so that the worker faults and the stack faults can both name them without a cycle.
import type { FaultAction } from './chaos-figures';
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

/** What the stack faults act with (set on the fault context when a run has stack faults). */
export interface StackTools {
  readonly stack: StackOps;
  /** The workers' Redis. */
  readonly redis: RedisOps;
  /** How long what a fault hit may take to answer again, ms. */
  readonly restoreTimeoutMs: number;
  /** The Kafka node (1-based) a broker-kill hits now. */
  readonly pickKafkaNode: () => Promise<number>;
  /** Resolves true once Kafka node `node` is in the cluster's metadata again, false after `timeoutMs`. */
  readonly kafkaNodeAnswers: (node: number, timeoutMs: number) => Promise<boolean>;
  /** A key of the run's own for probe writes (never one the workers use). */
  readonly probeKey: string;
}

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
}

/** Applies one fault, appending each action it takes (those a stall is measured from). */
export type FaultRunner = (ctx: FaultContext, actions: FaultAction[]) => Promise<void>;
