// Everything a run measures, fed by its events (acks, verdicts, dead letters) and read as live
// progress, phase checks and the final figures. One clock: the run's monotonic milliseconds.
import type { PhaseCheck } from './load-options';
import type { LatencyHops, PhaseReport, SeriesPoint } from './load-report';
import type { WorkerTimes } from '../wire/wire-codec';
import type { RatePhase, RateProfile } from './rate-profile';
import { scheduledCount } from './rate-profile';
import type { CpuSample } from '../measure/cpu-sampler';
import { LatencyHistogram } from '../measure/latency-histogram';
import { PhaseBook, backlogSlopeTps } from './phase-stats';
import type { BacklogPoint, PhaseStats } from './phase-stats';
import { QualityTally } from '../measure/quality-tally';
import type { DecisionBand, VerdictOutcome } from '../measure/run-ledger';
import { RunLedger } from '../measure/run-ledger';

/** Settings of a {@link RunMonitor}. */
export interface RunMonitorOptions {
  readonly profile: RateProfile;
  readonly phases: readonly RatePhase[];
  readonly totalCount: number;
  readonly latencyBudgetMs: number;
  /** How many dead letters to keep for the report's list. */
  readonly listLimit: number;
  /** Epoch ms of the run clock's zero (performance.timeOrigin), to compare with workers' clocks. */
  readonly epochOfClockMs?: number;
}

/** A dead letter of this run, as listed in the report. */
export interface DeadLetterEntry {
  readonly seq: number;
  readonly reasonCode: string;
  readonly reasonMessage: string;
}

/** Share of a phase's transactions allowed over budget for its p99 to be within it. */
const P99_ALLOWANCE = 0.01;
/** Shortfall of the achieved rate allowed for a phase's offered rate to count as delivered: 1 %... */
const OFFERED_SHORTFALL_SHARE = 0.01;
/** ...or 1 tx/s, whichever is larger (a rate measured over a step is never exactly the offered one). */
const OFFERED_SHORTFALL_TPS = 1;
/** Most backlog growth, as a share of the arrival rate, for a phase's backlog to count as flat. */
const FLAT_BACKLOG_SHARE = 0.01;

/**
 * Whether a phase delivered its offered rate: the achieved rate is the offered one within 1 % or
 * 1 tx/s, whichever is larger. A step is judged by its offered rate (and its latency and lag),
 * so 4,999 tx/s achieved at a 5,000 tx/s step is that step delivered, not "1 tx/s short".
 */
export function offeredRateDelivered(achievedTps: number, offeredTps: number): boolean {
  const tolerance = Math.max(offeredTps * OFFERED_SHORTFALL_SHARE, OFFERED_SHORTFALL_TPS);
  return achievedTps >= offeredTps - tolerance;
}

/** Collects a run's measurements. */
export class RunMonitor {
  readonly ledger: RunLedger;
  readonly total: LatencyHistogram;
  readonly quality = new QualityTally();
  readonly phaseBook: PhaseBook;
  private readonly window: LatencyHistogram;
  private readonly series: SeriesPoint[] = [];
  private readonly backlog: BacklogPoint[] = [];
  private readonly queued: LatencyHistogram;
  private readonly requestTimes: LatencyHistogram;
  private readonly deadLetterList: DeadLetterEntry[] = [];
  private readonly hops: Record<keyof LatencyHops, LatencyHistogram>;
  private startMs = 0;
  private lastSampleMs = 0;
  private ackedAtLastSample = 0;
  private firstAtLastSample = 0;
  private requestCount = 0;
  private firstAckMs = Number.NaN;
  private lastAckMs = Number.NaN;
  private received = 0;
  private foreignCount = 0;
  private unreadableCount = 0;
  private firstFailure: string | null = null;

  /** Sizes the ledger for the planned count. */
  constructor(private readonly options: RunMonitorOptions) {
    const budget = options.latencyBudgetMs;
    this.total = new LatencyHistogram(budget);
    this.window = new LatencyHistogram(budget);
    this.queued = new LatencyHistogram(budget);
    this.requestTimes = new LatencyHistogram(budget);
    this.hops = {
      kafkaIn: new LatencyHistogram(budget),
      worker: new LatencyHistogram(budget),
      kafkaOut: new LatencyHistogram(budget),
    };
    this.phaseBook = new PhaseBook(options.profile, options.phases, options.totalCount, budget);
    this.ledger = new RunLedger(options.totalCount, (seq, latencyMs) => {
      this.total.record(latencyMs);
      this.window.record(latencyMs);
      const phase = this.phaseBook.of(seq);
      phase.latency.record(latencyMs);
      phase.matched += 1;
    });
  }

  /** Sending starts now (the zero of the series). */
  start(atMs: number): void {
    this.startMs = atMs;
    this.lastSampleMs = atMs;
  }

  /** One produce request was acknowledged. */
  acked(fromSeq: number, toSeq: number, ackAtMs: number, queuedMs: number, sendMs: number): void {
    this.ledger.acked(fromSeq, toSeq, ackAtMs);
    this.phaseBook.acked(fromSeq, toSeq, ackAtMs);
    this.queued.record(queuedMs);
    this.requestTimes.record(sendMs);
    this.requestCount += 1;
    if (Number.isNaN(this.firstAckMs)) this.firstAckMs = ackAtMs;
    this.lastAckMs = ackAtMs;
  }

  /** A produce request failed for good. */
  failed(fromSeq: number, toSeq: number, error: unknown): void {
    this.ledger.sendFailed(fromSeq, toSeq);
    this.firstFailure ??= error instanceof Error ? error.message : String(error);
  }

  /**
   * A verdict record arrived; `seq` is -1 when it belongs to another run. `worker` holds the
   * verdict's own timestamps (epoch ms), which split its latency into hops.
   */
  verdict(
    seq: number,
    band: DecisionBand,
    atMs: number,
    worker?: WorkerTimes,
  ): VerdictOutcome | 'foreign' {
    if (seq < 0) {
      this.foreignCount += 1;
      return 'foreign';
    }
    const outcome = this.ledger.verdict(seq, atMs, band);
    if (outcome === 'unknown') {
      this.foreignCount += 1;
      return outcome;
    }
    this.received += 1;
    if (outcome === 'first') {
      this.quality.record(band, this.ledger.truth(seq));
      if (worker !== undefined) this.recordHops(seq, atMs, worker);
    }
    return outcome;
  }

  /** The latency of acknowledged transactions' first verdicts, by hop; null without worker times. */
  latencyHops(): LatencyHops | null {
    if (this.hops.worker.count === 0) return null;
    return {
      kafkaIn: this.hops.kafkaIn.summary(),
      worker: this.hops.worker.summary(),
      kafkaOut: this.hops.kafkaOut.summary(),
    };
  }

  private recordHops(seq: number, atMs: number, worker: WorkerTimes): void {
    const ackMs = this.ledger.ackAtOf(seq);
    const epoch = this.options.epochOfClockMs;
    if (Number.isNaN(ackMs) || epoch === undefined) return;
    // Two processes' clocks: a hop can come out a millisecond below zero, never really negative.
    const hop = (ms: number): number => Math.max(0, ms);
    this.hops.kafkaIn.record(hop(worker.receivedAtMs - (epoch + ackMs)));
    this.hops.worker.record(hop(worker.scoredAtMs - worker.receivedAtMs));
    this.hops.kafkaOut.record(hop(epoch + atMs - worker.scoredAtMs));
  }

  /** A dead letter of this run arrived (or another run's: `seq` -1). */
  deadLetter(seq: number, reasonCode: string, reasonMessage: string): void {
    if (seq < 0 || !this.ledger.deadLetter(seq)) {
      if (seq < 0) this.foreignCount += 1;
      return;
    }
    this.phaseBook.of(seq).deadLettered += 1;
    if (this.deadLetterList.length < this.options.listLimit) {
      this.deadLetterList.push({ seq, reasonCode, reasonMessage });
    }
  }

  /** A record on the verdict or dead-letter topic could not be decoded. */
  unreadable(): void {
    this.unreadableCount += 1;
  }

  /** Closes the current interval: one point of the time series. */
  sample(nowMs: number, targetTps: number, lag: number | null, cpu: CpuSample): SeriesPoint {
    const seconds = Math.max(1e-3, (nowMs - this.lastSampleMs) / 1000);
    const acked = this.ledger.acknowledged;
    const first = this.ledger.withVerdict;
    const w = this.window;
    const point: SeriesPoint = {
      tMs: Math.round(nowMs - this.startMs),
      targetTps,
      sentTps: (acked - this.ackedAtLastSample) / seconds,
      verdictTps: (first - this.firstAtLastSample) / seconds,
      p50Ms: w.percentileMs(50),
      p99Ms: w.percentileMs(99),
      p999Ms: w.percentileMs(99.9),
      maxMs: w.percentileMs(100),
      backlog: this.ledger.outstanding,
      lag,
      precision: this.quality.precision,
      recall: this.quality.recall,
      cpu,
    };
    w.reset();
    this.series.push(point);
    this.backlog.push({ tMs: point.tMs, backlog: point.backlog });
    this.lastSampleMs = nowMs;
    this.ackedAtLastSample = acked;
    this.firstAtLastSample = first;
    return point;
  }

  /** How a phase stands now (called once it has ended and settled). */
  checkPhase(index: number): PhaseCheck {
    const s = this.phaseBook.stats[index] as PhaseStats;
    const over = s.overBudget();
    const share = s.acked === 0 ? 0 : over / s.acked;
    const growth = this.backlogGrowth(s.phase);
    return {
      phase: s.phase,
      acked: s.acked,
      overBudget: over,
      overBudgetShare: share,
      backlogGrowthTps: growth,
      p99WithinBudget: share <= P99_ALLOWANCE,
      backlogFlat: growth <= this.flatToleranceTps(s.phase),
    };
  }

  /** Final per-phase figures; `sendingEndMs` (run clock) cuts phases that never ran to their end. */
  phaseReports(sendingEndMs: number): PhaseReport[] {
    const ranMs = sendingEndMs - this.startMs;
    return this.phaseBook.stats
      .filter((s) => s.phase.startMs < ranMs)
      .map((s) => {
        const { phase } = s;
        const planned = phase.endMs - phase.startMs;
        // From the phase's first ack to its last, plus one record's spacing: a steady produce
        // round trip shifts both ends alike and cancels out (measured from the phase's start, a
        // short step would lose a round trip's worth of rate), while a sender falling behind
        // stretches it. Never shorter than planned: a phase cannot beat its offered rate.
        const sendWindow = Math.max(
          planned,
          s.lastAckAtMs - s.firstAckAtMs + 1000 / Math.max(phase.targetTps, 1e-9),
        );
        const achievedTps =
          s.acked === 0 || Number.isNaN(s.lastAckAtMs) ? 0 : (s.acked * 1000) / sendWindow;
        const check = this.checkPhase(phase.index);
        const inPhase = this.series.filter((p) => p.tMs > phase.startMs && p.tMs <= phase.endMs);
        const lags = inPhase.filter((p) => p.lag !== null).map((p) => p.lag as number);
        const reasons: string[] = [];
        if (phase.warmUp === true) reasons.push('warm-up, not judged');
        if (phase.endMs > ranMs + 1) reasons.push('the run stopped before the phase ended');
        if (s.acked === 0) reasons.push('nothing was sent');
        else if (!check.p99WithinBudget) {
          reasons.push(
            `p99 over ${this.options.latencyBudgetMs} ms (${(check.overBudgetShare * 100).toFixed(2)} % over budget or without verdict)`,
          );
        }
        if (!check.backlogFlat)
          reasons.push(`backlog grew by ${check.backlogGrowthTps.toFixed(0)} tx/s`);
        if (!offeredRateDelivered(achievedTps, phase.targetTps)) {
          reasons.push(
            `the sender reached ${achievedTps.toFixed(1)} of ${phase.targetTps} tx/s offered`,
          );
        }
        return {
          index: phase.index,
          name: phase.name,
          startMs: phase.startMs,
          endMs: phase.endMs,
          targetTps: phase.targetTps,
          sent: s.acked,
          achievedTps,
          latency: s.latency.summary(),
          overBudgetShare: s.acked === 0 ? null : check.overBudgetShare,
          backlogGrowthTps: check.backlogGrowthTps,
          maxLag: lags.length === 0 ? null : Math.max(...lags),
          cpu: meanCpu(inPhase.map((p) => p.cpu)),
          warmUp: phase.warmUp === true,
          held: reasons.length === 0,
          notHeldBecause: reasons,
        };
      });
  }

  /** The time series so far. */
  seriesPoints(): readonly SeriesPoint[] {
    return this.series;
  }

  /** Sending figures for the report. */
  sendingFigures(plannedMs: number): {
    durationMs: number;
    achievedTps: number;
    targetTps: number;
    requests: number;
    meanRecordsPerRequest: number;
    requestP99Ms: number | null;
    queuedP99Ms: number | null;
    queuedMaxMs: number | null;
    firstFailure: string | null;
  } {
    const sent = this.ledger.acknowledged;
    const durationMs = Number.isNaN(this.lastAckMs) ? 0 : this.lastAckMs - this.startMs;
    // Offered over the time actually spent sending (a run stopped early offered less than planned).
    const offeredMs = Math.min(Math.max(durationMs, 1), plannedMs);
    return {
      durationMs,
      achievedTps: durationMs <= 0 ? 0 : (sent * 1000) / durationMs,
      targetTps:
        (Math.min(this.options.totalCount, scheduledCount(this.options.profile, offeredMs)) *
          1000) /
        offeredMs,
      requests: this.requestCount,
      meanRecordsPerRequest: this.requestCount === 0 ? 0 : sent / this.requestCount,
      requestP99Ms: this.requestTimes.percentileMs(99),
      queuedP99Ms: this.queued.percentileMs(99),
      queuedMaxMs: this.queued.percentileMs(100),
      firstFailure: this.firstFailure,
    };
  }

  /** Verdict records of this run received, duplicates included. */
  get verdictRecords(): number {
    return this.received;
  }

  /** Records of other runs seen on the topics. */
  get foreign(): number {
    return this.foreignCount;
  }

  /** Records that could not be decoded. */
  get unreadableRecords(): number {
    return this.unreadableCount;
  }

  /** Dead letters of this run, up to the list limit. */
  deadLetters(): readonly DeadLetterEntry[] {
    return this.deadLetterList;
  }

  // Backlog growth over the second half of a phase: the first half absorbs the step from the
  // previous rate (a higher rate means a proportionally larger steady backlog).
  private backlogGrowth(phase: RatePhase): number {
    const from = phase.startMs + (phase.endMs - phase.startMs) / 2;
    return backlogSlopeTps(this.backlog.filter((p) => p.tMs >= from && p.tMs <= phase.endMs));
  }

  // Flat means the backlog grows by at most 1 % of the arrivals (a fleet that keeps up has a
  // steady backlog of rate × latency, Little's law); 1 tx/s of slack for sampling noise.
  private flatToleranceTps(phase: RatePhase): number {
    return Math.max(1, phase.targetTps * FLAT_BACKLOG_SHARE);
  }
}

/** Mean of CPU samples (per-process means over the samples that could read the process). */
export function meanCpu(samples: readonly CpuSample[]): CpuSample | null {
  if (samples.length === 0) return null;
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const labels = new Set(samples.flatMap((s) => Object.keys(s.processCores)));
  const processCores: Record<string, number | null> = {};
  for (const label of labels) {
    const xs = samples
      .map((s) => s.processCores[label])
      .filter((x): x is number => typeof x === 'number');
    processCores[label] = xs.length === 0 ? null : mean(xs);
  }
  return {
    machineBusy: mean(samples.map((s) => s.machineBusy)),
    selfCores: mean(samples.map((s) => s.selfCores)),
    processCores,
  };
}
