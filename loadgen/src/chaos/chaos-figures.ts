// Reduces a chaos run's ledger to its figures: per fault window the longest partition stall,
// late verdicts, lost and duplicated transactions, dead letters by reason (of transactions and of
// the poison records injected), verdicts by model version; for the whole run the share of
// verdicts in time inside and outside the fault windows. Pure: the run's clock times in, the
// figures out (docs/benchmarks.md, "bench chaos", defines each).
import type { LedgerEntry, PoisonEntry } from './chaos-ledger';
import { settledAtMs } from './chaos-ledger';
import { reducePoison, type PoisonFigures } from './poison-figures';

/**
 * What an action hit: a worker of the fleet, a Kafka node or Redis of the local stack, the
 * input topic (malformed records), or the workers' model store.
 */
export type FaultTarget = 'worker' | 'kafka' | 'redis' | 'input' | 'model';

/** One thing done during a fault (a signal sent, a process started, Redis reconfigured). */
export interface FaultAction {
  /** Run clock, ms. */
  readonly atMs: number;
  /**
   * e.g. `SIGKILL`, `start`, `SIGTERM`, `SIGSTOP`, `SIGCONT` (processes), `maxmemory-squeeze`,
   * `maxmemory-restore` (Redis settings), `inject-poison` (input), `publish-corrupt-model`,
   * `restore-model` (the model store's CURRENT).
   */
  readonly action: string;
  readonly target: FaultTarget;
  /** The worker slot (worker actions). */
  readonly slot?: number;
  /** The Kafka node, 1-based as in deploy/local (kafka actions). */
  readonly node?: number;
  /** Process id acted on (started: the new one's). */
  readonly pid?: number;
}

/** A fault as it happened: its window on the run clock and what was done in it. */
export interface FaultWindow {
  readonly name: string;
  readonly kind: string;
  /** The fault's first action. */
  readonly startMs: number;
  /** The end of its window (after its hold, and for kill the replacement's readiness). */
  readonly endMs: number;
  /** Actions that can stall a partition: the stall is measured from each of them. */
  readonly actions: readonly FaultAction[];
  /** What the fault observed of the fleet itself (bad-model: the workers' model load failures). */
  readonly observed?: Readonly<Record<string, number>>;
  /** Why the fault did not apply, when it did not (e.g. redis-failover without sentinels). */
  readonly note?: string;
}

/** Figures of one fault window (snake_case: printed as they are by `--json`). */
export interface FaultFigures {
  readonly name: string;
  readonly kind: string;
  /** Window start, seconds after sending began. */
  readonly start_s: number;
  /** From the first action to the end of the fault's last step (its hold, a replacement's readiness). */
  readonly length_s: number;
  /**
   * From there until the window closed: until no transaction was waiting longer than the budget
   * (see {@link withRecovery}), so the backlog the fault left counts against it, not against the
   * quiet time after it.
   */
  readonly recovery_s: number;
  /** Longest stall of a partition after one of the fault's actions, s (0: no partition stalled). */
  readonly stall_s: number;
  /** True when that partition never saw a verdict again before the run ended (stall_s is a floor). */
  readonly stall_censored: boolean;
  /** Partitions stalled longer than the threshold after any action of the fault. */
  readonly stalled_partitions: number;
  /** Transactions of the window: handed over during it, or found in flight by it (see {@link windowOf}). */
  readonly sent: number;
  readonly over_100ms: number;
  readonly over_1s: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly duplicates_identical: boolean;
  /** Dead letters of the window: its transactions' and its poison records'. */
  readonly dead_letters: number;
  readonly dead_letters_by_reason: Readonly<Record<string, number>>;
  /** Dead letters of valid transactions (the target: 0). */
  readonly valid_dead_letters: number;
  /** The poison records injected during the window, and their dead letters. */
  readonly poison: PoisonFigures;
  /** Verdicts of the window's transactions by the model version that scored them. */
  readonly model_versions: Readonly<Record<string, number>>;
  /** Of those, verdicts by another version than the expected one (null: no version expected). */
  readonly unexpected_model_verdicts: number | null;
  /** What the fault observed of the fleet itself (see {@link FaultWindow.observed}). */
  readonly observed: Readonly<Record<string, number>>;
  readonly within_100ms_share: number | null;
  /** The window's note (a skipped fault says why), when it has one. */
  readonly note?: string;
}

/** Figures of a whole chaos run. */
export interface ChaosFigures {
  readonly sent: number;
  readonly lost: number;
  /** Transactions with more than one verdict or dead letter. */
  readonly duplicates: number;
  /** Every duplicated transaction's verdicts agree (same decision; or the same dead-letter reason). */
  readonly duplicates_identical: boolean;
  /** Every dead letter: of transactions and of poison records. */
  readonly dead_letters: number;
  readonly dead_letters_by_reason: Readonly<Record<string, number>>;
  /** Dead letters of valid transactions (the target: 0). */
  readonly valid_dead_letters: number;
  /** Every poison record of the run, and its dead letters. */
  readonly poison: PoisonFigures;
  readonly model_versions: Readonly<Record<string, number>>;
  readonly unexpected_model_verdicts: number | null;
  readonly within_100ms_share: number | null;
  /** Latency percentiles of every settled transaction, ms (null: none settled). */
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly p99_ms: number | null;
  readonly p999_ms: number | null;
  readonly max_ms: number | null;
  readonly within_100ms_share_in_faults: number | null;
  readonly within_100ms_share_outside_faults: number | null;
  /**
   * Every transaction sent got exactly one verdict or dead letter: none lost, none duplicated.
   * (Not the workers' delivery mode: that is the run's `exactly_once`.)
   */
  readonly every_transaction_once: boolean;
  /**
   * The first lost transactions (at most {@link LOST_LISTED}): sequence number, input partition
   * and when loadgen handed it over, to find them in the topics and the workers' logs.
   */
  readonly lost_transactions: readonly {
    readonly seq: number;
    readonly partition: number;
    readonly handed_at_ms: number;
  }[];
  readonly faults: readonly FaultFigures[];
}

/** How many lost transactions the figures name. */
export const LOST_LISTED = 20;

/** Thresholds of the reduction. */
export interface ReduceOptions {
  /** A verdict within this many ms counts as in time (the `100ms` of the figures' names). @defaultValue 100 */
  readonly budgetMs?: number;
  /** A partition counts as stalled when it waited longer than this. @defaultValue 1000 */
  readonly stallThresholdMs?: number;
  /** Sending began (start_s counts from here). @defaultValue 0 */
  readonly sendStartMs?: number;
  /** The end of observation: a partition never served again is stalled until here. */
  readonly horizonMs: number;
  /** The poison records injected (they count apart from the transactions). @defaultValue none */
  readonly poison?: readonly PoisonEntry[];
  /** The model version every verdict should name; unset: none is expected. */
  readonly expectedModelVersion?: string;
}

interface Tally {
  sent: number;
  inTime: number;
  over100: number;
  over1s: number;
  lost: number;
  duplicates: number;
  identical: number;
  deadLetters: number;
  reasons: Record<string, number>;
  models: Record<string, number>;
  unexpectedModel: number;
}

function newTally(): Tally {
  return {
    sent: 0,
    inTime: 0,
    over100: 0,
    over1s: 0,
    lost: 0,
    duplicates: 0,
    identical: 0,
    deadLetters: 0,
    reasons: {},
    models: {},
    unexpectedModel: 0,
  };
}

function count(t: Tally, e: LedgerEntry, budgetMs: number, expectedModel?: string): void {
  t.sent += 1;
  const settled = settledAtMs(e);
  if (settled === undefined) t.lost += 1;
  else {
    const latency = settled - e.handedAtMs;
    if (latency <= budgetMs) t.inTime += 1;
    else t.over100 += 1;
    if (latency > 1000) t.over1s += 1;
  }
  const outcomes = e.verdictAtMs.length + e.deadLetters.length;
  // A copy loadgen itself put on the input twice (a resend) rightly gets an answer of its own.
  if (outcomes > e.copies) {
    t.duplicates += 1;
    const sameBand = e.deadLetters.length === 0 && e.bands.every((b) => b === e.bands[0]);
    const sameReason =
      e.verdictAtMs.length === 0 &&
      e.deadLetters.every((d) => d.reason === e.deadLetters[0]?.reason);
    if (sameBand || sameReason) t.identical += 1;
  }
  for (const d of e.deadLetters) {
    t.deadLetters += 1;
    t.reasons[d.reason] = (t.reasons[d.reason] ?? 0) + 1;
  }
  for (const m of e.models) {
    t.models[m] = (t.models[m] ?? 0) + 1;
    if (expectedModel !== undefined && m !== expectedModel) t.unexpectedModel += 1;
  }
}

/** The dead-letter figures of a tally and its poison records: every dead letter, by reason. */
function deadLetterFigures(
  t: Tally,
  poison: PoisonFigures,
): Pick<FaultFigures, 'dead_letters' | 'dead_letters_by_reason' | 'valid_dead_letters'> {
  const reasons: Record<string, number> = { ...t.reasons };
  let n = t.deadLetters;
  for (const [reason, k] of Object.entries(poison.dead_letters_by_reason)) {
    reasons[reason] = (reasons[reason] ?? 0) + k;
    n += k;
  }
  return { dead_letters: n, dead_letters_by_reason: reasons, valid_dead_letters: t.deadLetters };
}

/** The first window a poison record was handed over in (-1: none). */
export function poisonWindowOf(e: PoisonEntry, windows: readonly FaultWindow[]): number {
  return windows.findIndex((w) => e.handedAtMs >= w.startMs && e.handedAtMs < w.endMs);
}

/**
 * The window a transaction belongs to (-1: none): the first one during which it was handed
 * over, or which found it in flight (handed over before, without an outcome yet, or with an
 * outcome arriving during the window: a redelivered duplicate). So the transactions a fault
 * held up, lost or made the workers redo count against that fault, wherever they were sent.
 */
export function windowOf(e: LedgerEntry, windows: readonly FaultWindow[]): number {
  const settled = settledAtMs(e);
  const outcomes = [...e.verdictAtMs, ...e.deadLetters.map((d) => d.atMs)];
  return windows.findIndex((w) => {
    if (e.handedAtMs >= w.endMs) return false;
    if (e.handedAtMs >= w.startMs) return true;
    if (settled === undefined || settled >= w.startMs) return true;
    return outcomes.some((t) => t >= w.startMs && t < w.endMs);
  });
}

const share = (t: Tally): number | null => (t.sent === 0 ? null : t.inTime / t.sent);

/**
 * The windows, each closed only once the backlog its fault left is gone: at the first moment,
 * from the end of its last step on, when no transaction has been waiting longer than the
 * latency budget — never past the next window's start or the horizon. A quiet period then
 * measures the fleet at rest, and the catching up counts against the fault that caused it.
 */
export function withRecovery(
  entries: readonly LedgerEntry[],
  windows: readonly FaultWindow[],
  budgetMs: number,
  horizonMs: number,
): FaultWindow[] {
  // When each late transaction was waiting past the budget: (handed over + budget, outcome).
  const late: [number, number][] = [];
  for (const e of entries) {
    const settled = settledAtMs(e) ?? horizonMs;
    if (settled - e.handedAtMs > budgetMs) late.push([e.handedAtMs + budgetMs, settled]);
  }
  late.sort((a, b) => a[0] - b[0]);
  return windows.map((w, i) => {
    let end = w.endMs;
    for (const [from, to] of late) {
      if (from >= end) break;
      if (to > end) end = to;
    }
    return { ...w, endMs: Math.min(end, windows[i + 1]?.startMs ?? horizonMs, horizonMs) };
  });
}

/** Stall of one partition after the action at `t`, ms; undefined when nothing of it was waiting. */
export function partitionStall(
  entries: readonly LedgerEntry[],
  t: number,
  horizonMs: number,
): { readonly ms: number; readonly censored: boolean } | undefined {
  // From the later of the action and the hand-off of its oldest record still waiting at `t` (or
  // sent after it) to the first verdict or dead letter the partition gets after `t`: how long
  // the partition had work and nothing came out. Idle time without records is no stall.
  let from = Infinity;
  let to = Infinity;
  for (const e of entries) {
    if (e.handedAtMs >= horizonMs) continue;
    const settled = settledAtMs(e);
    if (settled !== undefined && settled < t) continue;
    from = Math.min(from, Math.max(t, e.handedAtMs));
    if (settled !== undefined) to = Math.min(to, settled);
  }
  if (!Number.isFinite(from)) return undefined;
  if (!Number.isFinite(to)) return { ms: horizonMs - from, censored: true };
  return { ms: to - from, censored: false };
}

/** The figures of a run from its ledger and its fault windows (see {@link ChaosFigures}). */
export function reduceChaos(
  entries: readonly LedgerEntry[],
  faultWindows: readonly FaultWindow[],
  options: ReduceOptions,
): ChaosFigures {
  const budgetMs = options.budgetMs ?? 100;
  const threshold = options.stallThresholdMs ?? 1000;
  const sendStart = options.sendStartMs ?? 0;
  const windows = withRecovery(entries, faultWindows, budgetMs, options.horizonMs);
  const byPartition = new Map<number, LedgerEntry[]>();
  for (const e of entries) {
    const list = byPartition.get(e.partition);
    if (list === undefined) byPartition.set(e.partition, [e]);
    else list.push(e);
  }
  const all = newTally();
  const inFaults = newTally();
  const outside = newTally();
  const perWindow = windows.map(() => newTally());
  const expected = options.expectedModelVersion;
  for (const e of entries) {
    count(all, e, budgetMs, expected);
    const w = windowOf(e, windows);
    const tally = perWindow[w];
    if (tally === undefined) count(outside, e, budgetMs, expected);
    else {
      count(inFaults, e, budgetMs, expected);
      count(tally, e, budgetMs, expected);
    }
  }
  const poison = options.poison ?? [];
  const poisonPerWindow = windows.map((_, i) =>
    reducePoison(poison.filter((p) => poisonWindowOf(p, windows) === i)),
  );
  const unexpected = (t: Tally): number | null =>
    expected === undefined ? null : t.unexpectedModel;
  const faults = windows.map((w, i): FaultFigures => {
    const t = perWindow[i] ?? newTally();
    const p = poisonPerWindow[i] ?? reducePoison([]);
    const stepsEnd = faultWindows[i]?.endMs ?? w.endMs;
    let stall = 0;
    let censored = false;
    const stalled = new Set<number>();
    const moments = w.actions.length === 0 ? [w.startMs] : w.actions.map((a) => a.atMs);
    for (const at of moments) {
      for (const [p, list] of byPartition) {
        const s = partitionStall(list, at, options.horizonMs);
        if (s === undefined || s.ms <= threshold) continue;
        stalled.add(p);
        if (s.ms > stall) {
          stall = s.ms;
          censored = s.censored;
        }
      }
    }
    return {
      name: w.name,
      kind: w.kind,
      start_s: round3((w.startMs - sendStart) / 1000),
      length_s: round3((stepsEnd - w.startMs) / 1000),
      recovery_s: round3((w.endMs - stepsEnd) / 1000),
      stall_s: round3(stall / 1000),
      stall_censored: censored,
      ...(w.note === undefined ? {} : { note: w.note }),
      stalled_partitions: stalled.size,
      sent: t.sent,
      over_100ms: t.over100,
      over_1s: t.over1s,
      lost: t.lost,
      duplicates: t.duplicates,
      duplicates_identical: t.identical === t.duplicates,
      ...deadLetterFigures(t, p),
      poison: p,
      model_versions: t.models,
      unexpected_model_verdicts: unexpected(t),
      observed: w.observed ?? {},
      within_100ms_share: share(t),
    };
  });
  const runPoison = reducePoison(poison);
  const latencies: number[] = [];
  for (const e of entries) {
    const settled = settledAtMs(e);
    if (settled !== undefined) latencies.push(settled - e.handedAtMs);
  }
  latencies.sort((a, b) => a - b);
  return {
    sent: all.sent,
    lost: all.lost,
    duplicates: all.duplicates,
    duplicates_identical: all.identical === all.duplicates,
    ...deadLetterFigures(all, runPoison),
    poison: runPoison,
    model_versions: all.models,
    unexpected_model_verdicts: unexpected(all),
    within_100ms_share: share(all),
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
    p99_ms: percentile(latencies, 99),
    p999_ms: percentile(latencies, 99.9),
    max_ms: latencies.length === 0 ? null : round3(latencies[latencies.length - 1] ?? 0),
    within_100ms_share_in_faults: share(inFaults),
    within_100ms_share_outside_faults: share(outside),
    every_transaction_once: all.lost === 0 && all.duplicates === 0,
    lost_transactions: entries
      .flatMap((e, seq) =>
        settledAtMs(e) === undefined
          ? [{ seq, partition: e.partition, handed_at_ms: round3(e.handedAtMs) }]
          : [],
      )
      .slice(0, LOST_LISTED),
    faults,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The nearest-rank percentile `p` of ascending `sorted`, ms; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return round3(sorted[rank - 1] ?? 0);
}
