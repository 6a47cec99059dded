// Figures per phase of the rate profile. A transaction belongs to the phase in which it was
// scheduled, known exactly from its sequence number (the profile's integral at the phase's
// end), so a phase is judged on its own traffic even when its verdicts arrive in the next one.
import type { RatePhase, RateProfile } from './rate-profile';
import { scheduledCount } from './rate-profile';
import { LatencyHistogram } from '../measure/latency-histogram';

/** A point of a growth fit: time in ms and a backlog in transactions. */
export interface BacklogPoint {
  readonly tMs: number;
  readonly backlog: number;
}

/** Least-squares slope of the backlog over time, in transactions per second (0 with < 2 points). */
export function backlogSlopeTps(points: readonly BacklogPoint[]): number {
  const n = points.length;
  if (n < 2) return 0;
  let st = 0;
  let sb = 0;
  for (const p of points) {
    st += p.tMs;
    sb += p.backlog;
  }
  const mt = st / n;
  const mb = sb / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.tMs - mt) * (p.backlog - mb);
    den += (p.tMs - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 1000;
}

/** Running counters of one phase. */
export class PhaseStats {
  readonly latency: LatencyHistogram;
  acked = 0;
  matched = 0;
  deadLettered = 0;
  firstAckAtMs = Number.NaN;
  lastAckAtMs = Number.NaN;

  /** `firstSeq`/`endSeq` bound the phase's sequence numbers. */
  constructor(
    readonly phase: RatePhase,
    readonly firstSeq: number,
    readonly endSeq: number,
    budgetMs: number,
  ) {
    this.latency = new LatencyHistogram(budgetMs);
  }

  /** Acked transactions still without a verdict or dead letter. */
  get outstanding(): number {
    return Math.max(0, this.acked - this.matched - this.deadLettered);
  }

  /** Acked transactions over budget or still waiting: the share a p99 judgement needs. */
  overBudget(): number {
    return this.latency.overBudget + this.outstanding;
  }
}

/** Maps sequence numbers to phases and keeps each phase's counters. */
export class PhaseBook {
  readonly stats: PhaseStats[];

  /** `totalCount` caps the last phase (a run cut short by `count`). */
  constructor(
    profile: RateProfile,
    phases: readonly RatePhase[],
    totalCount: number,
    budgetMs: number,
  ) {
    let first = 0;
    this.stats = phases.map((phase, i) => {
      const last = i === phases.length - 1;
      const end = last
        ? totalCount
        : Math.min(totalCount, Math.floor(scheduledCount(profile, phase.endMs)));
      const s = new PhaseStats(phase, first, Math.max(first, end), budgetMs);
      first = s.endSeq;
      return s;
    });
  }

  /** The phase of a sequence number (binary search over the phase bounds). */
  of(seq: number): PhaseStats {
    let lo = 0;
    let hi = this.stats.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq < (this.stats[mid] as PhaseStats).endSeq) hi = mid;
      else lo = mid + 1;
    }
    return this.stats[lo] as PhaseStats;
  }

  /** Counts an ack of `[fromSeq, toSeq)` against the phases it spans. */
  acked(fromSeq: number, toSeq: number, atMs: number): void {
    let seq = fromSeq;
    while (seq < toSeq) {
      const s = this.of(seq);
      const upTo = Math.min(toSeq, Math.max(s.endSeq, seq + 1));
      s.acked += upTo - seq;
      if (Number.isNaN(s.firstAckAtMs)) s.firstAckAtMs = atMs;
      s.lastAckAtMs = atMs;
      seq = upTo;
    }
  }
}
