// What a benchmark hands back: its headline figures (the `--json` object), the targets it was
// held to, what limited it, and the load runs it made (each with its full report).
import type { LoadReport, PhaseReport } from '../load/load-report';
import type { LatencySummary } from '../measure/latency-histogram';
import type { MachineInfo } from '../measure/machine-info';
import type { CompactProfile, WorkerProfile } from './worker-profiles';

/**
 * Headline figures of a benchmark, snake_case as printed by `--json`. The common ones are always
 * present (null when the scenario measured nothing of the kind); scenarios add their own.
 */
export interface BenchFigures extends ScenarioFigures {
  readonly scenario: string;
  readonly smoke: boolean;
}

/** The figures a scenario measures (BenchFigures without the scenario's name and mode). */
export interface ScenarioFigures {
  /** The rate held, tx/s (capacity: the highest rate held with p99 within budget and flat lag). */
  readonly rate_tps: number;
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly p99_ms: number | null;
  readonly p999_ms: number | null;
  readonly max_ms: number | null;
  readonly within_100ms_share: number | null;
  readonly lost: number;
  readonly duplicates: number;
  readonly dead_letters: number;
  readonly [extra: string]: number | string | boolean | null;
}

/** One target of the issue and whether the run met it. */
export interface TargetCheck {
  readonly name: string;
  /** The target, e.g. "≤ 20 ms". */
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
  /** When missed: by how much, e.g. "12.5 ms over (63 % above target)". */
  readonly missedBy: string | null;
}

/** One load run of a benchmark. */
export interface BenchRun {
  /** e.g. "passthrough ramp", "scoring ramp, 2 workers". */
  readonly label: string;
  /** File-name-safe form of the label. */
  readonly slug: string;
  readonly worker: 'scoring' | 'passthrough';
  readonly workers: number;
  /** The Kafka client library the workers ran on (FS_KAFKA_CLIENT); absent in older results. */
  readonly client?: string;
  readonly report: LoadReport;
  /** With `--profile`: each worker's CPU profile summary (or why there is none). */
  readonly profiles?: readonly WorkerProfile[];
}

/** A table a scenario adds to its result (printed by the CLI, written to summary.md). */
export interface BenchTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** How to read it, one sentence each. */
  readonly notes: readonly string[];
}

/** The result of one `fraudstream bench <scenario>`. */
export interface BenchResult {
  readonly kind: 'fraudstream.bench-result';
  readonly version: 1;
  readonly scenario: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly figures: BenchFigures;
  /**
   * capacity and passthrough: the figures of each Kafka client measured (`--clients`), by name.
   * With several clients the headline figures are the first one's, but lost, duplicates and
   * dead letters count every run.
   */
  readonly clients?: Readonly<Record<string, ScenarioFigures>>;
  readonly targets: readonly TargetCheck[];
  /** What limited the figures, in plain sentences (CPU, sender, worker, transport...). */
  readonly limits: readonly string[];
  /** Comparisons a scenario tabulates (tracing: one row per sampling ratio). */
  readonly tables?: readonly BenchTable[];
  /** With `--profile`: the workers' busy share and self time by package (each run has the detail). */
  readonly cpuProfile?: CompactProfile | null;
  readonly runs: readonly BenchRun[];
}

/** The latency part of the figures of a run that measured no latency: null each. */
export const NO_LATENCY_FIGURES: Readonly<ReturnType<typeof latencyFigures>> = Object.freeze({
  p50_ms: null,
  p95_ms: null,
  p99_ms: null,
  p999_ms: null,
  max_ms: null,
  within_100ms_share: null,
});

/** The latency part of the figures from a latency summary. */
export function latencyFigures(
  l: LatencySummary,
): Pick<
  ScenarioFigures,
  'p50_ms' | 'p95_ms' | 'p99_ms' | 'p999_ms' | 'max_ms' | 'within_100ms_share'
> {
  return {
    p50_ms: l.p50Ms,
    p95_ms: l.p95Ms,
    p99_ms: l.p99Ms,
    p999_ms: l.p999Ms,
    max_ms: l.maxMs,
    within_100ms_share: l.withinBudgetShare,
  };
}

/** Lost, duplicated and dead-lettered counts summed over runs. */
export function deliveryFigures(
  runs: readonly BenchRun[],
): Pick<ScenarioFigures, 'lost' | 'duplicates' | 'dead_letters'> {
  return {
    lost: runs.reduce((n, r) => n + r.report.verdicts.lost, 0),
    duplicates: runs.reduce((n, r) => n + r.report.verdicts.duplicates, 0),
    dead_letters: runs.reduce((n, r) => n + r.report.verdicts.deadLetters, 0),
  };
}

/**
 * The phase of a ramp with the highest offered rate that held (offered rate delivered, p99 within
 * budget, flat backlog), if any. Steps are ranked by their offered rate, not by the rate measured
 * over them, which falls a hair short of it on a step that was held.
 */
export function bestHeldPhase(report: LoadReport): PhaseReport | undefined {
  let best: PhaseReport | undefined;
  for (const phase of report.phases) {
    if (phase.held && (best === undefined || phase.targetTps > best.targetTps)) best = phase;
  }
  return best;
}

/** The rate a ramp held: the offered rate of its highest held step (0 when none held). */
export function heldRateTps(best: PhaseReport | undefined): number {
  return best?.targetTps ?? 0;
}

/** `value ≤ limit` as a target check; `unit` is appended to numbers. */
export function atMost(
  name: string,
  value: number | null,
  limit: number,
  unit: string,
  digits = 1,
): TargetCheck {
  const met = value !== null && value <= limit;
  return {
    name,
    target: `≤ ${limit}${unit}`,
    measured: value === null ? 'not measured' : `${value.toFixed(digits)}${unit}`,
    met,
    missedBy:
      met || value === null
        ? null
        : `${(value - limit).toFixed(digits)}${unit} over (${(((value - limit) / limit) * 100).toFixed(0)} % above target)`,
  };
}

/** `value ≥ limit` as a target check. */
export function atLeast(
  name: string,
  value: number | null,
  limit: number,
  unit: string,
  digits = 1,
): TargetCheck {
  const met = value !== null && value >= limit;
  return {
    name,
    target: `≥ ${limit}${unit}`,
    measured: value === null ? 'not measured' : `${value.toFixed(digits)}${unit}`,
    met,
    missedBy:
      met || value === null
        ? null
        : `${(limit - value).toFixed(digits)}${unit} short (${(((limit - value) / limit) * 100).toFixed(0)} % below target)`,
  };
}

/** The median of a non-empty list (the mean of the middle two for even lengths). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
