// The scripted sequence of a chaos run, planned before anything starts: which fault, on which
// worker slot (or which part of the stack), held how long, and the quiet load after it. Pure, so the plan is tested apart from
// the processes it is applied to; the run records when each step actually happened.
import type { FaultTarget } from './chaos-figures';
import type { CompiledChaosOptions, FaultKind } from './chaos-options';
import { faultTarget } from './chaos-options';

/** One planned fault of a chaos run. */
export interface FaultStep {
  /** 0-based position in the sequence. */
  readonly index: number;
  /** `<position>-<kind>`, e.g. `1-kill-restart` (unique within a run). */
  readonly name: string;
  readonly kind: FaultKind;
  /** What it acts on: the run's workers, a Kafka node or Redis of the local stack. */
  readonly target: FaultTarget;
  /**
   * Worker faults: the slot hit (kill, kill-restart, stop; rolling replaces every slot in
   * order). They rotate over the slots so that one worker is not the only one ever tested.
   * Undefined for stack faults.
   */
  readonly slot?: number;
  /**
   * How long the fault is held after its action: kill runs one worker short this long, stop
   * keeps the worker stopped this long, redis-stop keeps Redis stopped and redis-oom keeps it
   * out of memory this long; kill-restart, rolling, broker-kill and redis-kill wait this long
   * after what they hit is whole again; poison watches this long after its records are sent;
   * bad-model keeps the corrupt version current this long.
   */
  readonly holdMs: number;
  /** stop, redis-stop, redis-oom: how long the fleet is watched after the fault is lifted; 0 for the others. */
  readonly afterMs: number;
  /** kill: a replacement starts at the end of the window, so the next fault meets N workers. */
  readonly replaceAtEnd: boolean;
  /** Quiet load after the window. */
  readonly quietAfterMs: number;
}

/** The whole plan: quiet lead-in, then each fault with its quiet period. */
export interface FaultSchedule {
  readonly leadInMs: number;
  readonly steps: readonly FaultStep[];
  /** The least the plan lasts (rolling and restarts add the workers' start-up time). */
  readonly minimumMs: number;
}

type ScheduleInput = Pick<CompiledChaosOptions, 'faults' | 'workers' | 'durations' | 'stopMs'>;

/** Plans the faults of `o` in order. */
export function planFaults(o: ScheduleInput): FaultSchedule {
  const d = o.durations;
  const hold: Record<FaultKind, number> = {
    kill: d.killMs,
    'kill-restart': d.killRestartMs,
    rolling: d.rollingSettleMs,
    stop: o.stopMs,
    'broker-kill': d.brokerKillMs,
    'redis-stop': d.redisStopMs,
    'redis-kill': d.redisKillMs,
    'redis-oom': d.redisOomMs,
    poison: d.poisonMs,
    'bad-model': d.badModelMs,
    'redis-failover': d.redisFailoverMs,
  };
  const after: Partial<Record<FaultKind, number>> = {
    stop: d.stopAfterMs,
    'redis-stop': d.redisStopAfterMs,
    'redis-oom': d.redisOomAfterMs,
  };
  // Only worker faults take a slot: stack faults in between do not skip a worker.
  let workerFaults = 0;
  const steps = o.faults.map((kind, index): FaultStep => {
    const target = faultTarget(kind);
    const slot = target === 'worker' ? workerFaults++ % o.workers : undefined;
    return {
      index,
      name: `${index + 1}-${kind}`,
      kind,
      target,
      ...(slot === undefined ? {} : { slot }),
      holdMs: hold[kind],
      afterMs: after[kind] ?? 0,
      replaceAtEnd: kind === 'kill',
      quietAfterMs: d.quietMs,
    };
  });
  const minimumMs = steps.reduce((t, s) => t + s.holdMs + s.afterMs + s.quietAfterMs, d.leadInMs);
  return { leadInMs: d.leadInMs, steps, minimumMs };
}
