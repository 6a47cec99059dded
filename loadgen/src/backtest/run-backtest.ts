// A backtest: a labelled history replayed through the live fleet on an event-time clock, with
// case management on that clock, against the models package's offline replay of the same rows
// with the same label timing. The engine knows nothing of CSV files: any TransactionSource (the
// simulator's stream too) plugs in.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabelledTransaction } from '@fraudstream/simulator';
import type { MemoryFeatureStore, Scorer } from '@fraudstream/models';
import type { ClosedLoopReplay } from '@fraudstream/models/training';
import type { LabelPublisher } from '../case-management/label-publisher';
import { UNKNOWN_FRAUD_SCENARIO } from '../measure/quality-tally';
import { AvroLoadCodec } from '../load/avro-load-codec';
import type { CompiledLoadOptions } from '../load/load-options';
import { compileLoadOptions } from '../load/load-options';
import type { LoadObserver, StopReason } from '../load/load-report';
import type { LoadSession } from '../load/load-session';
import {
  StreamingRun,
  TransactionSends,
  monitorHandlers,
  runInSession,
} from '../load/load-session';
import { targetTpsAt } from '../load/rate-profile';
import { SIMULATED_CURRENCY } from '../load/transaction-feed';
import type { VerdictHandlers } from '../load/verdict-reader';
import type { LoadCodec } from '../wire/wire-codec';
import type { BacktestOptions, CompiledBacktestSettings } from './backtest-options';
import { DEFAULT_BACKTEST_OPTIONS, compileBacktestSettings } from './backtest-options';
import type { BacktestReport } from './backtest-report';
import { findings, noiseBound } from './backtest-report';
import { BacktestTally } from './backtest-tally';
import { ReplayClock } from './replay-clock';
import type { SourceScan } from './scan-source';
import { scanSource } from './scan-source';
import type { TransactionSource } from './transaction-source';

/** The rows of `source` with event times in [fromMs, toMs), streamed. */
async function* rowsBetween(
  source: TransactionSource,
  fromMs: number,
  toMs: number,
): AsyncGenerator<LabelledTransaction> {
  for await (const { row } of source.rows()) {
    if (row.tx.event_time >= toMs) return;
    if (row.tx.event_time >= fromMs) yield row;
  }
}

/** The offline side's model and starting state. */
interface Offline {
  readonly scorer: Scorer;
  readonly version: string;
  readonly dir: string;
  readonly store: MemoryFeatureStore;
}

/**
 * Runs a backtest and resolves to its report. Reads the source whole first and rejects with
 * MalformedDataError (file:line: reason) before anything is written; LoadOptionsError for bad
 * options; LoadKafkaError when Kafka cannot be used.
 */
export async function runBacktest(
  options: BacktestOptions,
  observer: LoadObserver = {},
): Promise<BacktestReport> {
  const b = compileBacktestSettings(options);
  const runId = options.runId ?? `bt-${randomBytes(4).toString('hex')}-`;
  const scan = await scanSource(
    options.source,
    { fromMs: options.fromMs, toMs: options.toMs, backfillDays: b.backfillDays },
    runId.length,
  );
  const spanMs = Math.max(1, scan.lastEventMs - scan.fromMs);
  const plannedMs =
    b.pace.kind === 'speed' ? spanMs / b.pace.speed : (scan.rows * 1000) / b.pace.tps;
  const o = compileLoadOptions(
    {
      ...options,
      clientId: options.clientId ?? DEFAULT_BACKTEST_OPTIONS.clientId,
      runId,
      // The planned pace as a constant profile, so the monitor's phase and rate figures read as
      // any load run's; the replayed clock, not the profile, decides when each row goes.
      profile: {
        kind: 'constant',
        tps: Math.max(1e-3, (scan.rows * 1000) / Math.max(plannedMs, 1)),
      },
      count: scan.rows,
      eventTime: 'simulated',
      labels: true,
      flaggedLabelDelayMs: b.flaggedLabelDelayMs,
      chargebackDelayMs: b.chargebackDelayMs,
    },
    () => runId,
  );
  const startedAt = new Date();
  const offline = await loadOffline(options.modelDir);
  try {
    const backfill = await backfillBoth(options.source, scan, b, offline, options.modelDir);
    const codec = o.codec ?? (await new AvroLoadCodec().prepare());
    const run = new BacktestRun(o, b, scan, offline, observer, codec, options.source);
    const load = await runInSession(o, codec, run, startedAt);
    const live = run.monitor.quality.summary();
    const off = run.tally.offlineTotal.summary();
    const agreement = run.tally.agreement();
    const noise = noiseBound(
      {
        labelLatencyAllowanceMs: b.labelLatencyAllowanceMs,
        replayedMsPerWallMs: run.replayedMsPerWallMs(),
      },
      { exposed: run.exposed, nearThreshold: run.nearThreshold, frauds: run.explainedFrauds },
      live,
      off,
    );
    const iso = (ms: number): string => new Date(ms).toISOString();
    return {
      kind: 'fraudstream.backtest-report',
      version: 1,
      source: options.source.description,
      model: { version: offline.version, dir: offline.dir },
      window: {
        from: iso(scan.fromMs),
        to: Number.isFinite(scan.toMs) ? iso(scan.toMs) : null,
        rows: scan.rows,
        frauds: scan.frauds,
        firstEvent: iso(scan.firstEventMs),
        lastEvent: iso(scan.lastEventMs),
      },
      pace: b.pace,
      delays: {
        flaggedLabelDelayMs: b.flaggedLabelDelayMs,
        chargebackDelayMs: b.chargebackDelayMs,
      },
      backfill,
      maxLateMs: run.maxLateMs,
      live,
      offline: off,
      days: run.tally.dayFigures(),
      agreement,
      noise,
      findings: findings(live, off, agreement, noise, load),
      load,
    };
  } finally {
    offline.scorer.dispose();
  }
}

/** The model the fleet runs (FS_MODEL_DIR's CURRENT), and an empty store with its settings. */
async function loadOffline(modelDir: string | undefined): Promise<Offline> {
  const models = await import('@fraudstream/models');
  const dir = await models.modelVersionDir(modelDir);
  const scorer = await models.loadModel(dir);
  return {
    scorer,
    version: scorer.version,
    dir,
    store: new models.MemoryFeatureStore(scorer.manifest.featureOptions),
  };
}

/**
 * The days before the window, into the workers' Redis (`fraudstream backfill`'s code path) and
 * into the offline store (the same backfill over the memory store), so both start alike.
 */
async function backfillBoth(
  source: TransactionSource,
  scan: SourceScan,
  b: CompiledBacktestSettings,
  offline: Offline,
  modelDir: string | undefined,
): Promise<BacktestReport['backfill']> {
  if (b.backfillDays === 0 || b.featureState === undefined) return null;
  const training = await import('@fraudstream/models/training');
  const fs = b.featureState;
  const live = await training.backfillRedis(rowsBetween(source, scan.backfillFromMs, scan.fromMs), {
    redisUrl: fs.redisUrl,
    keyPrefix: fs.keyPrefix,
    modelDir,
    recordTtlMs: fs.recordTtlMs,
  });
  await training.backfillFeatures(
    offline.store,
    rowsBetween(source, scan.backfillFromMs, scan.fromMs),
  );
  return {
    days: b.backfillDays,
    from: new Date(scan.backfillFromMs).toISOString(),
    transactions: live.transactions,
    labelsApplied: live.labelsApplied,
    seconds: live.seconds,
  };
}

/** The state of one backtest between its set-up and its report. */
class BacktestRun extends StreamingRun {
  readonly tally = new BacktestTally();
  exposed = 0;
  nearThreshold = 0;
  /** Frauds among the exposed or near-threshold transactions. */
  explainedFrauds = 0;
  maxLateMs = 0;
  private clock: ReplayClock;

  /** `o` carries case management's delays on the replayed clock (both from the event time). */
  constructor(
    o: CompiledLoadOptions,
    private readonly b: CompiledBacktestSettings,
    private readonly scan: SourceScan,
    private readonly offline: Offline,
    observer: LoadObserver,
    codec: LoadCodec,
    private readonly source: TransactionSource,
  ) {
    super(o, observer, codec);
    this.clock = new ReplayClock(b.pace, scan.fromMs, performance.now());
  }

  /** Handlers of the verdict reader: match, tally, schedule review labels on the replayed clock. */
  verdictHandlers(): VerdictHandlers {
    return monitorHandlers(this.monitor, this.ids, (seq, band) => {
      this.tally.live(seq, band);
      const fraud = this.desk.openCase(seq);
      // The review label is due a flagged delay after the event, not after the verdict.
      if (fraud !== undefined) this.desk.verdict(seq, band, fraud.eventTimeMs);
    });
  }

  /** Sends on the replayed clock, waits out the grace period, and says how sending ended. */
  async execute(
    session: LoadSession,
  ): Promise<{ stopReason: StopReason; sendingEndMs: number; maxDeficit: number }> {
    const { labels } = session;
    const sends = new TransactionSends(this.o, session.producer, this.monitor, this.codec);
    const replay = await this.offlineReplay();
    this.clock = new ReplayClock(this.b.pace, this.scan.fromMs, performance.now());
    const outcome = await this.sendAll(session, sends, {
      pace: async () => {
        const reason = await this.pace(sends, replay);
        replay.finish();
        return reason;
      },
      publishDue: () => this.publishDue(labels),
      where: (t) => ({
        // The replayed day stands where a load run names its phase.
        phase: new Date(Math.min(this.clock.nowMs(performance.now()), this.scan.lastEventMs))
          .toISOString()
          .slice(0, 10),
        targetTps: targetTpsAt(this.o.profile, t),
      }),
    });
    // Rows behind their replayed time are the backtest's deficit: its figure is maxLateMs.
    return { ...outcome, maxDeficit: 0 };
  }

  // The models package's replay of the same rows, in lockstep with the sends: its verdicts come
  // out an hour of event time behind at most, and meet the live ones in the tally.
  private async offlineReplay(): Promise<ClosedLoopReplay<number>> {
    const models = await import('@fraudstream/models/training');
    return new models.ClosedLoopReplay<number>(
      this.offline.store,
      this.offline.scorer,
      {
        flaggedLabelDelayMs: this.b.flaggedLabelDelayMs,
        chargebackDelayMs: this.b.chargebackDelayMs,
        exposureMs: this.b.labelLatencyAllowanceMs * this.replayedMsPerWallMs(),
      },
      (v, seq) => {
        if (v.exposed) this.exposed += 1;
        if (v.nearThreshold) this.nearThreshold += 1;
        const explained = v.exposed || v.nearThreshold;
        if (explained && v.isFraud) this.explainedFrauds += 1;
        this.tally.offline(seq, v.decision, explained);
      },
    );
  }

  /** Replayed ms per wall ms of this run's pace. */
  replayedMsPerWallMs(): number {
    return ReplayClock.ratio(
      this.b.pace,
      Math.max(1, this.scan.lastEventMs - this.scan.fromMs),
      this.scan.rows,
    );
  }

  // Labels due on the replayed clock, stamped with it (labelled_at = the replayed now). The
  // clock stops at the window's last transaction: a label due later concerns nothing replayed,
  // and at a high speed the grace period would otherwise publish days of them while the last
  // transactions are still being scored.
  private publishDue(labels: LabelPublisher | undefined): void {
    if (labels === undefined) return;
    const now = Math.min(this.clock.nowMs(performance.now()), this.scan.lastEventMs);
    const due = this.desk.takeDue(now);
    if (due.length > 0) labels.publish(due.map((l) => ({ ...l, labelledAtMs: now })));
  }

  private async pace(
    sends: TransactionSends,
    replay: ClosedLoopReplay<number>,
  ): Promise<StopReason> {
    const o = this.o;
    const maxQueued = o.maxBatchRecords * 4;
    let seq = 0;
    for await (const row of rowsBetween(this.source, this.scan.fromMs, this.scan.toMs)) {
      if (o.signal?.aborted === true) return 'aborted';
      const { tx, truth } = row;
      for (;;) {
        const wait = this.clock.waitMs(tx.event_time, performance.now());
        if (wait <= 0 && sends.queued < maxQueued) {
          this.maxLateMs = Math.max(this.maxLateMs, -wait);
          break;
        }
        sends.pump();
        await sleep(Math.max(1, Math.min(wait, o.tickMs)));
      }
      this.clock.release(tx.event_time);
      const scenario = truth.is_fraud ? (truth.scenario ?? UNKNOWN_FRAUD_SCENARIO) : 0;
      const record = {
        transaction_id: this.ids.idOf(seq, tx.transaction_id),
        event_time: tx.event_time,
        customer_id: tx.customer_id,
        terminal_id: tx.terminal_id,
        amount_minor: Math.round(tx.amount * 100),
        currency: SIMULATED_CURRENCY,
      };
      this.monitor.ledger.setTruth(seq, scenario);
      this.tally.sent(seq, tx.event_time, scenario);
      if (truth.is_fraud) {
        this.desk.fraudSent(
          {
            seq,
            transactionId: record.transaction_id,
            customerId: tx.customer_id,
            terminalId: tx.terminal_id,
            eventTimeMs: tx.event_time,
            scenario,
          },
          tx.event_time,
        );
      }
      sends.enqueue(seq, record);
      sends.pump();
      replay.push(row, seq);
      seq += 1;
    }
    return 'completed';
  }
}
