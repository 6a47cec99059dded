// Assembles a run's report from its monitor, case desk and samplers.
import type { CaseDesk } from '../case-management/case-desk';
import type { LabelPublisher } from '../case-management/label-publisher';
import type { MachineInfo } from '../measure/machine-info';
import type { RunMonitor } from './run-monitor';
import type { LagSampler } from './lag-sampler';
import type { CompiledLoadOptions } from './load-options';
import type { LoadReport, StopReason } from './load-report';
import type { TransactionIds } from './transaction-feed';

/** Everything a finished run hands to {@link buildLoadReport}. */
export interface FinishedRun {
  readonly options: CompiledLoadOptions;
  readonly machine: MachineInfo;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly monitor: RunMonitor;
  readonly ids: TransactionIds;
  readonly desk: CaseDesk;
  readonly labels: LabelPublisher | undefined;
  readonly lag: LagSampler | undefined;
  readonly stopReason: StopReason;
  /** Run clock when the last send settled. */
  readonly sendingEndMs: number;
  readonly maxDeficit: number;
}

/** The report of a finished run. */
export function buildLoadReport(run: FinishedRun): LoadReport {
  const { options: o, monitor } = run;
  const ledger = monitor.ledger;
  const limit = o.listLimit;
  const lost = ledger.lost(limit);
  const duplicated = ledger.duplicated(limit);
  const series = monitor.seriesPoints();
  const lags = series.map((p) => p.lag).filter((l): l is number => l !== null);
  const sending = monitor.sendingFigures(o.sendDurationMs);
  return {
    kind: 'fraudstream.load-report',
    version: 1,
    runId: o.runId,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    stopReason: run.stopReason,
    parameters: {
      brokers: o.brokers,
      topics: o.topics,
      profile: o.profile,
      sendDurationMs: o.sendDurationMs,
      plannedCount: o.totalCount,
      simulation: { ...o.simulation },
      skipDays: o.skipDays,
      eventTime: o.eventTime,
      labels: o.labels,
      flaggedLabelDelayMs: o.flaggedLabelDelayMs,
      chargebackDelayMs: o.chargebackDelayMs,
      graceMs: o.graceMs,
      workerGroupId: o.workerGroupId ?? null,
      latencyBudgetMs: o.latencyBudgetMs,
      maxBatchRecords: o.maxBatchRecords,
      tickMs: o.tickMs,
    },
    machine: run.machine,
    sending: {
      sent: ledger.acknowledged,
      failed: ledger.failed,
      firstFailure: sending.firstFailure,
      durationMs: sending.durationMs,
      targetTps: sending.targetTps,
      achievedTps: sending.achievedTps,
      requests: sending.requests,
      meanRecordsPerRequest: sending.meanRecordsPerRequest,
      requestP99Ms: sending.requestP99Ms,
      queuedP99Ms: sending.queuedP99Ms,
      queuedMaxMs: sending.queuedMaxMs,
      maxDueUnsent: run.maxDeficit,
    },
    latency: { ...monitor.total.summary(), bins: monitor.total.plotBins() },
    latencyHops: monitor.latencyHops(),
    verdicts: {
      received: monitor.verdictRecords,
      withVerdict: ledger.withVerdict,
      duplicates: ledger.duplicates,
      duplicatedTransactions: duplicated.count,
      duplicateList: duplicated.entries.map((e) => ({
        transactionId: run.ids.idOf(e.seq),
        verdicts: e.verdicts,
      })),
      lost: lost.count,
      lostList: lost.seqs.map((seq) => ({ transactionId: run.ids.idOf(seq) })),
      deadLetters: ledger.deadLettered,
      deadLetterList: monitor.deadLetters().map((d) => ({
        transactionId: run.ids.idOf(d.seq),
        reasonCode: d.reasonCode,
        reasonMessage: d.reasonMessage,
      })),
      beforeAck: ledger.verdictsBeforeAck,
      foreign: monitor.foreign,
      unreadable: monitor.unreadableRecords,
    },
    quality: monitor.quality.summary(),
    labels: {
      enabled: o.labels,
      sent: run.desk.sentBySource(),
      failed: run.labels?.failed ?? 0,
      pendingAtEnd: run.desk.pending,
    },
    lag: {
      sampled: run.lag !== undefined,
      max: lags.length === 0 ? null : Math.max(...lags),
      final: lags.length === 0 ? null : (lags[lags.length - 1] as number),
      failedSamples: run.lag?.failures().count ?? 0,
    },
    phases: monitor.phaseReports(run.sendingEndMs),
    series,
  };
}
