// End-to-end latency distribution: an HDR histogram in microseconds (3 significant digits, so
// every percentile is within 0.1 % of the true value), an exact count of samples within the
// latency budget, and coarse log-spaced bins for the histogram plot.
import * as hdr from 'hdr-histogram-js';

/** Percentiles of one latency distribution, in milliseconds; null when it has no samples. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
  readonly p999Ms: number | null;
  readonly maxMs: number | null;
  readonly meanMs: number | null;
  /** Samples at or under the budget (exact, not from the histogram's buckets). */
  readonly withinBudget: number;
  /** withinBudget / count; null when there are no samples. */
  readonly withinBudgetShare: number | null;
  readonly budgetMs: number;
}

/** One bin of the latency histogram plot: samples in `[fromMs, toMs)`. */
export interface LatencyBin {
  readonly fromMs: number;
  readonly toMs: number;
  readonly count: number;
}

/** Bins per decade of the plot's log scale, and its floor. */
const BINS_PER_DECADE = 20;
const FLOOR_MS = 0.1;
const BIN_COUNT = BINS_PER_DECADE * 7; // 0.1 ms .. 1,000 s

function binEdge(i: number): number {
  return FLOOR_MS * 10 ** (i / BINS_PER_DECADE);
}

/** HDR latency histogram with a latency budget (e.g. 100 ms) and plot bins. */
export class LatencyHistogram {
  private readonly hist = hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  private readonly bins = new Float64Array(BIN_COUNT);
  private within = 0;
  private sumMs = 0;

  /** `budgetMs` is the service level the within-budget share is counted against. */
  constructor(readonly budgetMs: number) {}

  /** Records one latency in milliseconds (negative values, from clock skew, count as 0). */
  record(latencyMs: number): void {
    const ms = latencyMs > 0 ? latencyMs : 0;
    this.hist.recordValue(Math.max(1, Math.round(ms * 1000)));
    if (ms <= this.budgetMs) this.within += 1;
    this.sumMs += ms;
    const bin = ms <= FLOOR_MS ? 0 : Math.floor(Math.log10(ms / FLOOR_MS) * BINS_PER_DECADE);
    const at = Math.min(BIN_COUNT - 1, bin);
    this.bins[at] = (this.bins[at] as number) + 1;
  }

  /** Samples recorded so far. */
  get count(): number {
    return this.hist.totalCount;
  }

  /** Samples over the budget. */
  get overBudget(): number {
    return this.count - this.within;
  }

  /**
   * Latency at a percentile (0–100) in ms, or null when empty. HDR reports the top of the
   * value's bucket, which can exceed the largest sample; capped at it so p99.9 ≤ max always.
   */
  percentileMs(percentile: number): number | null {
    if (this.count === 0) return null;
    return Math.min(this.hist.getValueAtPercentile(percentile), this.hist.maxValue) / 1000;
  }

  /** The percentiles and budget share of everything recorded. */
  summary(): LatencySummary {
    const count = this.count;
    const p = (q: number): number | null => this.percentileMs(q);
    return {
      count,
      p50Ms: p(50),
      p95Ms: p(95),
      p99Ms: p(99),
      p999Ms: p(99.9),
      maxMs: p(100),
      meanMs: count === 0 ? null : this.sumMs / count,
      withinBudget: this.within,
      withinBudgetShare: count === 0 ? null : this.within / count,
      budgetMs: this.budgetMs,
    };
  }

  /** Non-empty plot bins, log-spaced (20 per decade from 0.1 ms). */
  plotBins(): LatencyBin[] {
    const out: LatencyBin[] = [];
    this.bins.forEach((count, i) => {
      if (count > 0) out.push({ fromMs: binEdge(i), toMs: binEdge(i + 1), count });
    });
    return out;
  }

  /** Forgets every sample (for per-interval histograms). */
  reset(): void {
    this.hist.reset();
    this.bins.fill(0);
    this.within = 0;
    this.sumMs = 0;
  }
}
