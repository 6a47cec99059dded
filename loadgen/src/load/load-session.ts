// What every run that streams transactions to the fleet shares, whatever paces it (a rate
// profile, or a replayed clock): the Kafka clients (admin, verdict reader, lag sampler, the
// transaction and label producers), the traced, batching transaction sender, the grace period
// that waits for missing verdicts, and the live progress snapshot.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaAdmin, KafkaProducer } from '@fraudstream/workers/kafka';
import { CaseDesk } from '../case-management/case-desk';
import { LabelPublisher } from '../case-management/label-publisher';
import { LoadKafkaError } from '../errors';
import type { CpuSample } from '../measure/cpu-sampler';
import { CpuSampler } from '../measure/cpu-sampler';
import { BatchingSender } from '../wire/batching-sender';
import type { LoadCodec, TraceSend, TransactionRecord } from '../wire/wire-codec';
import { describeMachine } from '../measure/machine-info';
import { buildLoadReport } from './build-report';
import { createLoadKafka, createLoadProducer } from './kafka-clients';
import { LagSampler } from './lag-sampler';
import type { CompiledLoadOptions } from './load-options';
import type { DecisionBand } from '../measure/run-ledger';
import type { LoadObserver, LoadProgress, LoadReport, StopReason } from './load-report';
import { RunMonitor } from './run-monitor';
import { TransactionIds } from './transaction-feed';
import { TraceparentFactory } from './trace-headers';
import type { VerdictHandlers } from './verdict-reader';
import { VerdictReader } from './verdict-reader';

/** How often due labels are sent and the grace period checks for missing verdicts. */
const HOUSEKEEPING_MS = 20;

/** The monitor of a run made with `o` (its clock: performance.now()). */
export function monitorFor(o: CompiledLoadOptions): RunMonitor {
  return new RunMonitor({
    profile: o.profile,
    phases: o.phases,
    totalCount: o.totalCount,
    latencyBudgetMs: o.latencyBudgetMs,
    listLimit: o.listLimit,
    epochOfClockMs: performance.timeOrigin,
  });
}

/** The producers and samplers of a run, open for its body. */
export interface LoadSession {
  readonly producer: KafkaProducer;
  /** Undefined when the run sends no labels. */
  readonly labels: LabelPublisher | undefined;
  /** Undefined when no worker group is sampled. */
  readonly lag: LagSampler | undefined;
}

/**
 * Opens the Kafka side of a run (the verdict reader is assigned before `body` starts, so no
 * verdict is missed), runs `body`, and closes everything whatever happens.
 */
async function withLoadSession<T>(
  o: CompiledLoadOptions,
  codec: LoadCodec,
  handlers: VerdictHandlers,
  body: (session: LoadSession) => Promise<T>,
): Promise<T> {
  const kafka = await createLoadKafka(o.kafkaClient, o.clientId, o.brokers, o.kafkaSecurity);
  const resources: { close(): Promise<void> | void }[] = [];
  try {
    const admin = await connectAdmin(kafka.admin());
    resources.push({ close: () => admin.disconnect() });
    const reader = await VerdictReader.start(
      kafka,
      admin,
      {
        groupId: `${o.clientId}-${o.runId.replace(/-$/, '')}`,
        decisionsTopic: o.topics.decisions,
        deadLettersTopic: o.topics.deadLetters,
        codec,
        readyTimeoutMs: o.readyTimeoutMs,
        now: () => performance.now(),
      },
      handlers,
    );
    resources.push({ close: () => reader.stop() });
    let lag: LagSampler | undefined;
    if (o.workerGroupId !== undefined) {
      lag = new LagSampler(admin, o.workerGroupId, o.topics.transactions, o.lagIntervalMs, () =>
        performance.now(),
      );
      await lag.start().catch((error: unknown) => {
        throw new LoadKafkaError(`read the offsets of topic ${o.topics.transactions}`, error);
      });
      const sampler = lag;
      resources.push({ close: () => sampler.stop() });
    }
    const producer = await createLoadProducer(kafka, 'transactions');
    resources.push({ close: () => producer.disconnect() });
    let labels: LabelPublisher | undefined;
    if (o.labels) {
      const labelProducer = await createLoadProducer(kafka, 'labels');
      resources.push({ close: () => labelProducer.disconnect() });
      labels = new LabelPublisher(labelProducer, o.topics.labels, codec, () => performance.now());
    }
    return await body({ producer, labels, lag });
  } finally {
    for (const r of resources.reverse()) await Promise.resolve(r.close()).catch(() => undefined);
  }
}

/** A run that a session drives: what it measures with, and its life once the clients are open. */
export interface SessionRun {
  readonly monitor: RunMonitor;
  readonly ids: TransactionIds;
  readonly desk: CaseDesk;
  verdictHandlers(): VerdictHandlers;
  execute(
    session: LoadSession,
  ): Promise<{ stopReason: StopReason; sendingEndMs: number; maxDeficit: number }>;
}

/**
 * What every run shares: its monitor, ids, case desk and CPU sampler, its clock's zero and
 * stage, and its progress reports. Subclasses pace the sends and handle the verdicts.
 */
export abstract class StreamingRun implements SessionRun {
  readonly monitor: RunMonitor;
  readonly ids: TransactionIds;
  readonly desk: CaseDesk;
  protected readonly cpu: CpuSampler;
  protected t0 = 0;
  protected stage: LoadProgress['stage'] = 'sending';

  /** Case management's delays are `o`'s (wall ms for a load run, replayed ms for a backtest). */
  constructor(
    protected readonly o: CompiledLoadOptions,
    protected readonly observer: LoadObserver,
    protected readonly codec: LoadCodec,
  ) {
    this.monitor = monitorFor(o);
    this.ids = new TransactionIds(o.runId);
    this.desk = new CaseDesk(o);
    this.cpu = new CpuSampler(o.watchProcesses);
  }

  abstract verdictHandlers(): VerdictHandlers;

  abstract execute(
    session: LoadSession,
  ): Promise<{ stopReason: StopReason; sendingEndMs: number; maxDeficit: number }>;

  /** Starts the run's clock, then {@link sendAndSettle} with the subclass's pacing and labels. */
  protected async sendAll(
    session: LoadSession,
    sends: TransactionSends,
    hooks: Pick<RunHooks, 'pace' | 'publishDue'> & {
      /** What progress names as the phase, and the target rate, at run-clock ms `t`. */
      where(t: number): { phase: string; targetTps: number };
    },
  ): Promise<{ stopReason: StopReason; sendingEndMs: number }> {
    this.t0 = performance.now();
    this.monitor.start(this.t0);
    this.cpu.sample(); // the first interval starts now, not at set-up
    const progress = (): void => {
      const now = performance.now();
      const where = hooks.where(now - this.t0);
      reportProgress(this.o, this.monitor, this.desk, session.lag, this.observer, {
        stage: this.stage,
        nowMs: now,
        t0: this.t0,
        plannedMs: this.o.sendDurationMs,
        phase: where.phase,
        targetTps: this.stage === 'sending' ? where.targetTps : 0,
        cpu: this.cpu.sample(),
      });
    };
    return sendAndSettle(this.o, this.monitor, sends, session.labels, {
      pace: hooks.pace,
      progress,
      publishDue: hooks.publishDue,
      graceStarted: () => {
        this.stage = 'grace';
      },
    });
  }
}

/** Runs `run` in a session of its own and builds its load report; `startedAt` heads the report. */
export async function runInSession(
  o: CompiledLoadOptions,
  codec: LoadCodec,
  run: SessionRun,
  startedAt: Date,
): Promise<LoadReport> {
  const machine = describeMachine();
  return withLoadSession(o, codec, run.verdictHandlers(), async (session) => {
    const outcome = await run.execute(session);
    return buildLoadReport({
      options: o,
      machine,
      startedAt,
      finishedAt: new Date(),
      monitor: run.monitor,
      ids: run.ids,
      desk: run.desk,
      labels: session.labels,
      lag: session.lag,
      ...outcome,
    });
  });
}

async function connectAdmin(admin: Promise<KafkaAdmin>): Promise<KafkaAdmin> {
  try {
    return await admin;
  } catch (error) {
    throw new LoadKafkaError('connect the admin client', error);
  }
}

/**
 * The transaction producer's queue: each record gets its trace context, is batched, and its ack
 * or failure goes to the monitor and ends its trace.
 */
export class TransactionSends {
  private readonly sender: BatchingSender;
  private readonly traceSend: TraceSend;
  /** End callbacks of sends in flight, by sequence number (only when the tracer gives them). */
  private readonly traceEnds = new Map<number, (error?: unknown) => void>();

  /** Sends to `o.topics.transactions` through `producer`, reporting to `monitor`. */
  constructor(
    private readonly o: CompiledLoadOptions,
    producer: KafkaProducer,
    monitor: RunMonitor,
    private readonly codec: LoadCodec,
  ) {
    if (o.traceSend !== undefined) {
      this.traceSend = o.traceSend;
    } else {
      const traceparents = new TraceparentFactory(o.traceSampleRatio);
      this.traceSend = () => ({ headers: traceparents.headers() });
    }
    this.sender = new BatchingSender(
      (messages) => producer.send([{ topic: o.topics.transactions, messages }]),
      { maxBatchRecords: o.maxBatchRecords, maxInFlight: 1 },
      {
        acked: (from, to, at, queued, send) => {
          monitor.acked(from, to, at, queued, send);
          this.endTraces(from, to, undefined);
        },
        failed: (from, to, error) => {
          monitor.failed(from, to, error);
          this.endTraces(from, to, error ?? new Error('send failed'));
        },
      },
      () => performance.now(),
    );
  }

  /** Records queued and not sent yet. */
  get queued(): number {
    return this.sender.queued;
  }

  /** Queues transaction `seq` (consecutive numbers) keyed by its customer. */
  enqueue(seq: number, record: TransactionRecord): void {
    const trace = this.traceSend(record, this.o.topics.transactions);
    if (trace.end !== undefined) this.traceEnds.set(seq, trace.end);
    this.sender.enqueue(seq, {
      key: record.customer_id,
      value: this.codec.encodeTransaction(record),
      headers: trace.headers,
    });
  }

  /** Starts a send if none is in flight. */
  pump(): void {
    this.sender.pump();
  }

  /** Resolves once everything queued is acknowledged or failed. */
  drain(): Promise<void> {
    return this.sender.drain();
  }

  private endTraces(fromSeq: number, toSeq: number, error: unknown): void {
    if (this.traceEnds.size === 0) return;
    for (let seq = fromSeq; seq < toSeq; seq += 1) {
      const end = this.traceEnds.get(seq);
      if (end === undefined) continue;
      this.traceEnds.delete(seq);
      try {
        end(error);
      } catch {
        // A tracer's failure must not stop the run it traces.
      }
    }
  }
}

/**
 * Verdict reader handlers that match verdicts and dead letters to the run's transactions in
 * `monitor`; `onFirst` hears each transaction's first verdict (case management, tallies).
 */
export function monitorHandlers(
  monitor: RunMonitor,
  ids: TransactionIds,
  onFirst: (seq: number, band: DecisionBand) => void,
): VerdictHandlers {
  return {
    decision: (read, atMs) => {
      const seq = ids.seqOf(read.transactionId);
      if (monitor.verdict(seq, read.band, atMs, read.worker) === 'first') onFirst(seq, read.band);
    },
    deadLetter: (read) => {
      const seq = read.transactionId === undefined ? -1 : ids.seqOf(read.transactionId);
      monitor.deadLetter(seq, read.reasonCode, read.reasonMessage);
    },
    unreadable: () => monitor.unreadable(),
  };
}

/** What {@link sendAndSettle} calls back into: the run's own pacing, progress and labels. */
export interface RunHooks {
  /** Sends everything on the run's schedule; resolves to why sending ended. */
  pace(): Promise<StopReason>;
  /** Samples progress (every progress interval, and once at the end). */
  progress(): void;
  /** Publishes the labels due now (every housekeeping tick, and once at the end). */
  publishDue(): void;
  /** Sending has ended: the run is in its grace period from now on. */
  graceStarted(): void;
}

/**
 * A run's life after set-up: paces its sends with progress and label housekeeping on timers,
 * drains the producer, waits out the grace period, then sends the last due labels.
 */
export async function sendAndSettle(
  o: CompiledLoadOptions,
  monitor: RunMonitor,
  sends: TransactionSends,
  labels: LabelPublisher | undefined,
  hooks: RunHooks,
): Promise<{ stopReason: StopReason; sendingEndMs: number }> {
  const progress = setInterval(() => hooks.progress(), o.progressIntervalMs);
  const housekeeping = setInterval(() => hooks.publishDue(), HOUSEKEEPING_MS);
  try {
    const stopReason = await hooks.pace();
    await sends.drain();
    const sendingEndMs = performance.now();
    hooks.graceStarted();
    await awaitVerdicts(o, monitor, sendingEndMs);
    // A last sample, so the series ends with the run's final state.
    hooks.progress();
    hooks.publishDue();
    await labels?.drain();
    return { stopReason, sendingEndMs };
  } finally {
    clearInterval(progress);
    clearInterval(housekeeping);
  }
}

/**
 * The grace period after the last send: waits until nothing is missing (but at least
 * `settleMs`, to catch late duplicates) or `graceMs` has passed.
 */
async function awaitVerdicts(
  o: CompiledLoadOptions,
  monitor: RunMonitor,
  sendingEndMs: number,
): Promise<void> {
  while (performance.now() - sendingEndMs < o.graceMs) {
    const settled = performance.now() - sendingEndMs >= o.settleMs;
    if (settled && monitor.ledger.outstanding === 0) break;
    await sleep(HOUSEKEEPING_MS);
  }
}

/** Where a run stands, for {@link reportProgress}. */
interface ProgressState {
  readonly stage: LoadProgress['stage'];
  readonly nowMs: number;
  /** Run clock when sending started. */
  readonly t0: number;
  readonly plannedMs: number;
  readonly phase: string;
  readonly targetTps: number;
  readonly cpu: CpuSample;
}

/** Samples the monitor's series and hands a progress snapshot to the observer, if any. */
function reportProgress(
  o: CompiledLoadOptions,
  monitor: RunMonitor,
  desk: CaseDesk,
  lag: LagSampler | undefined,
  observer: LoadObserver,
  s: ProgressState,
): void {
  const point = monitor.sample(s.nowMs, s.targetTps, lag?.latest?.lag ?? null, s.cpu);
  if (observer.onProgress === undefined) return;
  const total = monitor.total;
  const quality = monitor.quality.summary();
  const sentLabels = desk.sentBySource();
  const snapshot: LoadProgress = {
    stage: s.stage,
    elapsedMs: s.nowMs - s.t0,
    plannedMs: s.plannedMs,
    phase: s.phase,
    sent: monitor.ledger.acknowledged,
    plannedCount: o.totalCount,
    withVerdict: monitor.ledger.withVerdict,
    point,
    p50Ms: total.percentileMs(50),
    p99Ms: total.percentileMs(99),
    p999Ms: total.percentileMs(99.9),
    withinBudgetShare: total.count === 0 ? null : 1 - total.overBudget / total.count,
    bands: quality.bands,
    precision: quality.precision,
    recall: quality.recall,
    duplicates: monitor.ledger.duplicates,
    deadLetters: monitor.ledger.deadLettered,
    labelsSent: sentLabels.ANALYST_REVIEW + sentLabels.CHARGEBACK,
  };
  try {
    observer.onProgress(snapshot);
  } catch {
    // An observer's failure must not end the run it observes.
  }
}
