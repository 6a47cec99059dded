// A backtest's result: the live figures beside the offline replay's for the same window and
// label timing, per replayed day and in total, the per-transaction agreement, the noise within
// which the two may legitimately differ, and what lies beyond it (findings). The load run's own
// report (latency, lost, duplicates) is kept whole under `load`.
import type { LoadReport } from '../load/load-report';
import type { QualitySummary } from '../measure/quality-tally';
import { count, percent } from '../measure/format';
import type { AgreementFigures, DayFigures } from './backtest-tally';
import type { ReplayPace } from './replay-clock';

/** The four headline figures compared. */
export const COMPARED_FIGURES = [
  'precision',
  'recall',
  'declinePrecision',
  'declineRecall',
] as const;

/** One of {@link COMPARED_FIGURES}. */
export type ComparedFigure = (typeof COMPARED_FIGURES)[number];

/** How far live and offline may legitimately differ, and why. */
export interface NoiseBound {
  /** Wall-clock allowance for a label to reach the workers' state after it is sent. */
  readonly labelLatencyAllowanceMs: number;
  /** Replayed ms per wall ms (the speed, or the rate's equivalent). */
  readonly replayedMsPerWallMs: number;
  /** The allowance on the replayed clock: event-time span in which a label may race. */
  readonly exposureMs: number;
  /** Window transactions whose terminal had a label due within exposureMs, in a bucket they read. */
  readonly exposed: number;
  /** Window transactions scored within 1e-5 of a threshold (Redis and memory floats may split them). */
  readonly nearThreshold: number;
  /** Most transactions whose decision may differ: exposed + nearThreshold. */
  readonly allowedDiffering: number;
  /** Of those, frauds: the most by which the frauds flagged (recall) may differ. */
  readonly allowedDifferingFrauds: number;
  /** Per figure, the most `allowedDiffering` changed decisions can move it (null: nothing to measure). */
  readonly tolerance: Readonly<Record<ComparedFigure, number | null>>;
}

/** Everything a backtest measured. */
export interface BacktestReport {
  readonly kind: 'fraudstream.backtest-report';
  readonly version: 1;
  readonly source: string;
  readonly model: { readonly version: string; readonly dir: string };
  readonly window: {
    readonly from: string;
    /** Exclusive end; null: the end of the source. */
    readonly to: string | null;
    readonly rows: number;
    readonly frauds: number;
    readonly firstEvent: string;
    readonly lastEvent: string;
  };
  readonly pace: ReplayPace;
  /** Case management's delays, simulated ms. */
  readonly delays: { readonly flaggedLabelDelayMs: number; readonly chargebackDelayMs: number };
  readonly backfill: {
    readonly days: number;
    readonly from: string;
    readonly transactions: number;
    readonly labelsApplied: number;
    readonly seconds: number;
  } | null;
  /** Most a row was sent behind its due time, wall ms (the sender or the file falling behind). */
  readonly maxLateMs: number;
  readonly live: QualitySummary;
  readonly offline: QualitySummary;
  readonly days: readonly DayFigures[];
  readonly agreement: AgreementFigures;
  readonly noise: NoiseBound;
  /** Differences beyond the noise, in words; empty when live and offline agree within it. */
  readonly findings: readonly string[];
  readonly load: LoadReport;
}

/** The noise bound of a window, from the offline replay's exposure counts and both sides' counts. */
export function noiseBound(
  allowance: { labelLatencyAllowanceMs: number; replayedMsPerWallMs: number },
  counts: { exposed: number; nearThreshold: number; frauds: number },
  live: QualitySummary,
  offline: QualitySummary,
): NoiseBound {
  const { exposed, nearThreshold } = counts;
  const allowed = exposed + nearThreshold;
  const frauds = Math.max(
    live.truePositives + live.falseNegatives,
    offline.truePositives + offline.falseNegatives,
  );
  const flagged = Math.min(
    live.truePositives + live.falsePositives,
    offline.truePositives + offline.falsePositives,
  );
  const declined = Math.min(live.bands.DECLINE, offline.bands.DECLINE);
  // Each changed decision moves a count by one: a recall only when it is a fraud's (by 1/frauds),
  // a precision by about 1/flagged (its denominator may move too; the smaller side bounds it).
  const over = (k: number, n: number): number | null => (n === 0 ? null : Math.min(1, k / n));
  return {
    ...allowance,
    exposureMs: allowance.labelLatencyAllowanceMs * allowance.replayedMsPerWallMs,
    exposed,
    nearThreshold,
    allowedDiffering: allowed,
    allowedDifferingFrauds: counts.frauds,
    tolerance: {
      precision: over(allowed, flagged),
      recall: over(counts.frauds, frauds),
      declinePrecision: over(allowed, declined),
      declineRecall: over(counts.frauds, frauds),
    },
  };
}

/** Differences between live and offline beyond the noise, in words. */
export function findings(
  live: QualitySummary,
  offline: QualitySummary,
  agreement: AgreementFigures,
  noise: NoiseBound,
  load: LoadReport,
): string[] {
  const out: string[] = [];
  const differing = agreement.compared - agreement.agreeing;
  if (differing > noise.allowedDiffering) {
    out.push(
      `${count(differing)} transactions decided differently live and offline, more than the ${count(noise.allowedDiffering)} the noise allows (${count(noise.exposed)} exposed to a label race, ${count(noise.nearThreshold)} near a threshold); ${count(agreement.differingExplained)} of them are among those`,
    );
  }
  for (const f of COMPARED_FIGURES) {
    const a = live[f];
    const b = offline[f];
    const tol = noise.tolerance[f];
    if (a === null || b === null || tol === null) continue;
    if (Math.abs(a - b) > tol + 1e-12) {
      out.push(
        `${f}: live ${percent(a, 2)} vs offline ${percent(b, 2)}, a difference of ${percent(Math.abs(a - b), 2)} beyond the ${percent(tol, 2)} the noise allows`,
      );
    }
  }
  if (load.verdicts.lost > 0 || agreement.withoutLiveVerdict > 0) {
    out.push(
      `${count(load.verdicts.lost)} transactions lost (${count(agreement.withoutLiveVerdict)} rows compared without a live verdict)`,
    );
  }
  if (load.verdicts.duplicates > 0)
    out.push(`${count(load.verdicts.duplicates)} duplicate verdicts`);
  if (load.verdicts.deadLetters > 0)
    out.push(`${count(load.verdicts.deadLetters)} transactions dead-lettered`);
  return out;
}

/** The headline figures as `--json` prints them: the live run's, then the offline ones. */
export function backtestFigures(
  r: BacktestReport,
  loadFigures: Record<string, number | string | null>,
): Record<string, unknown> {
  const pick = (q: QualitySummary): Record<string, number | null> => ({
    precision: q.precision,
    recall: q.recall,
    decline_precision: q.declinePrecision,
    decline_recall: q.declineRecall,
  });
  return {
    ...loadFigures,
    ...pick(r.live),
    offline: pick(r.offline),
    agreement_share: r.agreement.share,
    differing: r.agreement.compared - r.agreement.agreeing,
    allowed_differing: r.noise.allowedDiffering,
    findings: r.findings,
    window_from: r.window.from,
    window_to: r.window.to,
    rows: r.window.rows,
  };
}
