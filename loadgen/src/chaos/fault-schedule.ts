// The scripted sequence of a chaos run, planned before anything starts: which fault, on which
// worker slot, held how long, and the quiet load after it. Pure, so the plan is tested apart from
// the processes it is applied to; the run records when each step actually happened.
import type { CompiledChaosOptions, FaultKind } from './chaos-options';

/** One planned fault of a chaos run. */
export interface FaultStep {
  /** 0-based position in the sequence. */
  readonly index: number;
  /** `<position>-<kind>`, e.g. `1-kill-restart` (unique within a run). */
  readonly name: string;
  readonly kind: FaultKind;
  /**
   * The slot hit (kill, kill-restart, stop); rolling replaces every slot in order. Faults rotate
   * over the slots so that one worker is not the only one ever tested.
   */
  readonly slot: number;
  /**
   * How long the fault is held after its action: kill runs one worker short this long, stop
   * keeps the worker stopped this long; kill-restart and rolling wait this long after the
   * fleet is whole again.
   */
  readonly holdMs: number;
  /** stop: how long the fleet is watched after SIGCONT; 0 for the others. */
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
  const steps = o.faults.map((kind, index): FaultStep => {
    const hold: Record<FaultKind, number> = {
      kill: d.killMs,
      'kill-restart': d.killRestartMs,
      rolling: d.rollingSettleMs,
      stop: o.stopMs,
    };
    return {
      index,
      name: `${index + 1}-${kind}`,
      kind,
      slot: index % o.workers,
      holdMs: hold[kind],
      afterMs: kind === 'stop' ? d.stopAfterMs : 0,
      replaceAtEnd: kind === 'kill',
      quietAfterMs: d.quietMs,
    };
  });
  const minimumMs = steps.reduce((t, s) => t + s.holdMs + s.afterMs + s.quietAfterMs, d.leadInMs);
  return { leadInMs: d.leadInMs, steps, minimumMs };
}
