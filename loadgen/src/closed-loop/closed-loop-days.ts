// The closed-loop benchmark's day-by-day reading of a backtest: each simulated day's live and
// offline figures, their running totals from the first day of the run, whether the running
// totals agree within the noise the backtest states, and the target (DECLINE precision
// ≥ 0.50 and recall ≥ 0.80 on every day's running total from the second simulated week on).
import type { ComparedFigure, NoiseBound } from '../backtest/backtest-report';
import { COMPARED_FIGURES, noiseBound } from '../backtest/backtest-report';
import type { DayFigures } from '../backtest/backtest-tally';
import type { QualitySummary, ScenarioRecall } from '../measure/quality-tally';
import { percent } from '../measure/format';

/** The four figures of one side (precision/recall of REVIEW-or-DECLINE, and of DECLINE alone). */
export type SideFigures = Readonly<Record<ComparedFigure, number | null>>;

/** One simulated day of the run. */
export interface ClosedLoopDay {
  /** YYYY-MM-DD (UTC, simulated). */
  readonly day: string;
  /** 1 for the run's first simulated day. */
  readonly index: number;
  readonly transactions: number;
  readonly frauds: number;
  /** The day's own figures. */
  readonly live: SideFigures;
  readonly offline: SideFigures;
  /** From the run's first day to this one. */
  readonly liveTotal: SideFigures;
  readonly offlineTotal: SideFigures;
  /** Transactions of the day decided differently live and offline. */
  readonly differing: number;
  /** The running totals agree within the run's noise bound, figure by figure. */
  readonly withinNoise: boolean;
}

/** The floors on the live running totals, judged from `fromDay` on. */
export interface ClosedLoopTarget {
  readonly fromDay: number;
  readonly declinePrecisionFloor: number;
  readonly declineRecallFloor: number;
}

/** The target of issue #19: from the second simulated week on, DECLINE P ≥ 0.50 and R ≥ 0.80. */
export const CLOSED_LOOP_TARGET: ClosedLoopTarget = Object.freeze({
  fromDay: 8,
  declinePrecisionFloor: 0.5,
  declineRecallFloor: 0.8,
});

/** Whether the target held, and the worst day of each figure. */
export interface TargetOutcome extends ClosedLoopTarget {
  /** Days judged (index ≥ fromDay); 0: the run is too short to judge. */
  readonly judgedDays: number;
  /** null when no day was judged. */
  readonly met: boolean | null;
  readonly worstDeclinePrecision: { readonly day: string; readonly value: number | null } | null;
  readonly worstDeclineRecall: { readonly day: string; readonly value: number | null } | null;
  /** When missed: by how much, in words. */
  readonly missedBy: string | null;
}

function figuresOf(q: QualitySummary): SideFigures {
  return {
    precision: q.precision,
    recall: q.recall,
    declinePrecision: q.declinePrecision,
    declineRecall: q.declineRecall,
  };
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

// A summary keeps DECLINE's precision, not its count of declined frauds; the count is recovered
// exactly (a ratio of two integers well under 2^26 rounds back to its numerator).
function declinedFrauds(q: QualitySummary): number {
  return Math.round((q.declinePrecision ?? 0) * q.bands.DECLINE);
}

/** The sum of two quality summaries, as one tally over both sets of verdicts would give. */
export function addQuality(a: QualitySummary, b: QualitySummary): QualitySummary {
  const tp = a.truePositives + b.truePositives;
  const fp = a.falsePositives + b.falsePositives;
  const fn = a.falseNegatives + b.falseNegatives;
  const declined = a.bands.DECLINE + b.bands.DECLINE;
  const perScenario: ScenarioRecall[] = a.perScenario.map((s) => {
    const o = b.perScenario.find((x) => x.scenario === s.scenario);
    const frauds = s.frauds + (o?.frauds ?? 0);
    const flagged = s.flagged + (o?.flagged ?? 0);
    return { scenario: s.scenario, frauds, flagged, recall: ratio(flagged, frauds) };
  });
  return {
    bands: {
      APPROVE: a.bands.APPROVE + b.bands.APPROVE,
      REVIEW: a.bands.REVIEW + b.bands.REVIEW,
      DECLINE: declined,
      COPY: a.bands.COPY + b.bands.COPY,
    },
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: a.trueNegatives + b.trueNegatives,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    declinePrecision: ratio(declinedFrauds(a) + declinedFrauds(b), declined),
    declineRecall: ratio(declinedFrauds(a) + declinedFrauds(b), tp + fn),
    perScenario,
    unscored: a.unscored + b.unscored,
  };
}

/** Whether two sides' figures are within the tolerance of `noise` (a figure null on either side is not compared). */
function agreeWithin(live: QualitySummary, offline: QualitySummary, noise: NoiseBound): boolean {
  // The window's exposure counts bound every prefix of it too.
  const bound = noiseBound(
    noise,
    {
      exposed: noise.exposed,
      nearThreshold: noise.nearThreshold,
      frauds: noise.allowedDifferingFrauds,
    },
    live,
    offline,
  );
  return COMPARED_FIGURES.every((f) => {
    const a = live[f];
    const b = offline[f];
    const tol = bound.tolerance[f];
    return a === null || b === null || tol === null || Math.abs(a - b) <= tol + 1e-12;
  });
}

/** The backtest's days with their running totals and agreement, in day order. */
export function closedLoopDays(days: readonly DayFigures[], noise: NoiseBound): ClosedLoopDay[] {
  const out: ClosedLoopDay[] = [];
  let live: QualitySummary | undefined;
  let offline: QualitySummary | undefined;
  for (const [i, d] of days.entries()) {
    live = live === undefined ? d.live : addQuality(live, d.live);
    offline = offline === undefined ? d.offline : addQuality(offline, d.offline);
    out.push({
      day: d.day,
      index: i + 1,
      transactions: d.transactions,
      frauds: d.frauds,
      live: figuresOf(d.live),
      offline: figuresOf(d.offline),
      liveTotal: figuresOf(live),
      offlineTotal: figuresOf(offline),
      differing: d.transactions - d.agreeing,
      withinNoise: agreeWithin(live, offline, noise),
    });
  }
  return out;
}

function worst(
  days: readonly ClosedLoopDay[],
  f: 'declinePrecision' | 'declineRecall',
): { day: string; value: number | null } | null {
  let w: { day: string; value: number | null } | null = null;
  for (const d of days) {
    const v = d.liveTotal[f];
    // A day with nothing declined (or no fraud) yet has no figure: it cannot meet the floor.
    if (w === null || v === null || (w.value !== null && v < w.value)) w = { day: d.day, value: v };
    if (v === null) break;
  }
  return w;
}

/** Judges the live running totals against `target`. */
export function judgeTarget(
  days: readonly ClosedLoopDay[],
  target: ClosedLoopTarget = CLOSED_LOOP_TARGET,
): TargetOutcome {
  const judged = days.filter((d) => d.index >= target.fromDay);
  if (judged.length === 0) {
    return {
      ...target,
      judgedDays: 0,
      met: null,
      worstDeclinePrecision: null,
      worstDeclineRecall: null,
      missedBy: null,
    };
  }
  const p = worst(judged, 'declinePrecision');
  const r = worst(judged, 'declineRecall');
  const misses: string[] = [];
  const miss = (name: string, w: typeof p, floor: number): void => {
    if (w === null || (w.value !== null && w.value >= floor)) return;
    misses.push(
      w.value === null
        ? `${name}: no figure on ${w.day}`
        : `${name} ${percent(w.value, 1)} on ${w.day}, ${percent(floor - w.value, 1)} under ${percent(floor, 0)}`,
    );
  };
  miss('DECLINE precision', p, target.declinePrecisionFloor);
  miss('DECLINE recall', r, target.declineRecallFloor);
  return {
    ...target,
    judgedDays: judged.length,
    met: misses.length === 0,
    worstDeclinePrecision: p,
    worstDeclineRecall: r,
    missedBy: misses.length === 0 ? null : misses.join('; '),
  };
}
