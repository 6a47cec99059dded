// The result of a load run: plain JSON-able data, written as report.json and drawn in the
// summary and plots. Times in the series are ms since sending started.
import type { CpuSample } from '../measure/cpu-sampler';
import type { LatencyBin, LatencySummary } from '../measure/latency-histogram';
import type { MachineInfo } from '../measure/machine-info';
import type { QualitySummary } from '../measure/quality-tally';
import type { DecisionBand } from '../measure/run-ledger';
import type { LabelSource } from '../case-management/case-desk';
import type { EventTimeMode, LoadTopics } from './load-options';
import type { RateProfile } from './rate-profile';

/** The end-to-end latency cut at the worker's own timestamps (Verdict received_at, scored_at). */
export interface LatencyHops {
  /** Producer's ack → the worker consumed the transaction: broker, fetch, consumer queueing. */
  readonly kafkaIn: LatencySummary;
  /** Consumed → decided: decode, features, inference, inside the worker. */
  readonly worker: LatencySummary;
  /** Decided → the verdict read by the decisions consumer: the worker's produce, broker, fetch. */
  readonly kafkaOut: LatencySummary;
}

/** Why sending ended. */
export type StopReason = 'completed' | 'stop-condition' | 'aborted' | 'source-exhausted';

/** One sample of the run's time series (every progress interval). */
export interface SeriesPoint {
  readonly tMs: number;
  readonly targetTps: number;
  /** Transactions acknowledged by Kafka per second over the interval. */
  readonly sentTps: number;
  /** First verdicts received per second over the interval. */
  readonly verdictTps: number;
  /** Latency of the verdicts received in the interval. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly p999Ms: number | null;
  readonly maxMs: number | null;
  /** Transactions acknowledged and still without a verdict or dead letter. */
  readonly backlog: number;
  /** Worker group lag on the transactions topic (null when not sampled). */
  readonly lag: number | null;
  /** Precision and recall of everything scored so far. */
  readonly precision: number | null;
  readonly recall: number | null;
  /** CPU use over the interval. */
  readonly cpu: CpuSample;
}

/** Figures of one phase of the rate profile, on the transactions scheduled in it. */
export interface PhaseReport {
  readonly index: number;
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly targetTps: number;
  readonly sent: number;
  /**
   * Sent transactions per second of the phase, over the time from its first ack to its last
   * (longer than planned if the sender fell behind).
   */
  readonly achievedTps: number;
  readonly latency: LatencySummary;
  /** Share of the phase's transactions over budget or without a verdict. */
  readonly overBudgetShare: number | null;
  /** Backlog growth over the phase's second half, transactions per second. */
  readonly backlogGrowthTps: number;
  readonly maxLag: number | null;
  /** Mean CPU use over the phase's samples. */
  readonly cpu: CpuSample | null;
  /** A warm-up phase: reported, never held (never counted as capacity). */
  readonly warmUp: boolean;
  /** p99 within budget, backlog flat, rate offered, and the phase ran to its end. */
  readonly held: boolean;
  /** Why the phase was not held (empty when held). */
  readonly notHeldBecause: readonly string[];
}

/** A transaction listed in the report. */
export interface ListedTransaction {
  readonly transactionId: string;
  readonly verdicts?: number;
  readonly reasonCode?: string;
  readonly reasonMessage?: string;
}

/** The options a run was made with (the JSON-able part). */
export interface LoadParameters {
  readonly brokers: readonly string[];
  readonly topics: LoadTopics;
  readonly profile: RateProfile;
  readonly sendDurationMs: number;
  readonly plannedCount: number;
  readonly simulation: Record<string, unknown>;
  readonly skipDays: number;
  readonly eventTime: EventTimeMode;
  readonly labels: boolean;
  readonly flaggedLabelDelayMs: number;
  readonly chargebackDelayMs: number;
  readonly graceMs: number;
  readonly workerGroupId: string | null;
  readonly latencyBudgetMs: number;
  readonly maxBatchRecords: number;
  readonly tickMs: number;
}

/** Everything measured in one load run. */
export interface LoadReport {
  readonly kind: 'fraudstream.load-report';
  readonly version: 1;
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly stopReason: StopReason;
  readonly parameters: LoadParameters;
  readonly machine: MachineInfo;
  readonly sending: {
    readonly sent: number;
    readonly failed: number;
    readonly firstFailure: string | null;
    /** From the first send to the last ack. */
    readonly durationMs: number;
    /** Mean offered rate over the planned sending time. */
    readonly targetTps: number;
    /** Acknowledged transactions per second over the sending time. */
    readonly achievedTps: number;
    /** Produce requests, their records and round trips; how long records queued before them. */
    readonly requests: number;
    readonly meanRecordsPerRequest: number;
    readonly requestP99Ms: number | null;
    readonly queuedP99Ms: number | null;
    readonly queuedMaxMs: number | null;
    /** Most transactions ever due but not yet handed to the producer (the sender falling behind). */
    readonly maxDueUnsent: number;
  };
  readonly latency: LatencySummary & { readonly bins: readonly LatencyBin[] };
  /** The latency split at the worker's timestamps; null when the verdicts carry none (passthrough). */
  readonly latencyHops: LatencyHops | null;
  readonly verdicts: {
    /** Verdict records of this run received (duplicates included). */
    readonly received: number;
    readonly withVerdict: number;
    readonly duplicates: number;
    readonly duplicatedTransactions: number;
    readonly duplicateList: readonly ListedTransaction[];
    readonly lost: number;
    readonly lostList: readonly ListedTransaction[];
    readonly deadLetters: number;
    readonly deadLetterList: readonly ListedTransaction[];
    /** Verdicts received before their send's ack was processed (latency counted as ~0). */
    readonly beforeAck: number;
    /** Records of other runs on the same topics (ignored). */
    readonly foreign: number;
    readonly unreadable: number;
  };
  readonly quality: QualitySummary;
  readonly labels: {
    readonly enabled: boolean;
    readonly sent: Readonly<Record<LabelSource, number>>;
    readonly failed: number;
    /** Frauds whose label was not due yet when the run ended. */
    readonly pendingAtEnd: number;
  };
  readonly lag: {
    readonly sampled: boolean;
    readonly max: number | null;
    readonly final: number | null;
    readonly failedSamples: number;
  };
  readonly phases: readonly PhaseReport[];
  readonly series: readonly SeriesPoint[];
}

/** What a run looks like while it runs, for live progress. */
export interface LoadProgress {
  readonly stage: 'sending' | 'grace';
  readonly elapsedMs: number;
  readonly plannedMs: number;
  readonly phase: string;
  readonly sent: number;
  readonly plannedCount: number;
  readonly withVerdict: number;
  readonly point: SeriesPoint;
  /** Cumulative percentiles so far. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly p999Ms: number | null;
  readonly withinBudgetShare: number | null;
  readonly bands: Readonly<Record<DecisionBand, number>>;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly duplicates: number;
  readonly deadLetters: number;
  readonly labelsSent: number;
}

/** Receives live progress of a run. */
export interface LoadObserver {
  /** Called every progress interval; must not throw (errors are ignored). */
  onProgress?(progress: LoadProgress): void;
}
