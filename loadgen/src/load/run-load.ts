// One load run: stream simulated transactions to Kafka on a rate profile, read the verdicts and
// dead letters they cause, play case management, and measure every transaction's end-to-end
// latency (Kafka's ack at the producer → its verdict received here). See docs in
// loadgen/README.md ("Load generator").
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { KafkaAdmin, KafkaProducer } from '@fraudstream/workers/kafka';
import { CaseDesk } from '../case-management/case-desk';
import { LabelPublisher } from '../case-management/label-publisher';
import { CpuSampler } from '../measure/cpu-sampler';
import { describeMachine } from '../measure/machine-info';
import { RunMonitor } from './run-monitor';
import { AvroLoadCodec } from './avro-load-codec';
import { BatchingSender } from '../wire/batching-sender';
import { buildLoadReport } from './build-report';
import { createLoadKafka, createLoadProducer } from './kafka-clients';
import { LagSampler } from './lag-sampler';
import { LoadKafkaError } from '../errors';
import type { CompiledLoadOptions, LoadOptions } from './load-options';
import { compileLoadOptions } from './load-options';
import type { LoadObserver, LoadProgress, LoadReport, StopReason } from './load-report';
import { phaseIndexAt, scheduledCount, targetTpsAt } from './rate-profile';
import { TraceparentFactory } from './trace-headers';
import { TransactionFeed, TransactionIds } from './transaction-feed';
import type { VerdictHandlers } from './verdict-reader';
import { VerdictReader } from './verdict-reader';
import type { LoadCodec, TraceSend } from '../wire/wire-codec';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often due labels are sent and the grace period checks for missing verdicts. */
const HOUSEKEEPING_MS = 20;

/**
 * Runs a load and resolves to its report. Rejects with LoadOptionsError for bad options and
 * LoadKafkaError when Kafka cannot be used; everything measured is in the report, including
 * sends that failed.
 */
export async function runLoad(
  options: LoadOptions,
  observer: LoadObserver = {},
): Promise<LoadReport> {
  const o = compileLoadOptions(options, () => randomBytes(4).toString('hex'));
  const machine = describeMachine();
  const startedAt = new Date();
  const codec = o.codec ?? (await new AvroLoadCodec().prepare());
  const kafka = await createLoadKafka(o.kafkaClient, o.clientId, o.brokers, o.kafkaSecurity);
  const resources: { close(): Promise<void> | void }[] = [];
  try {
    const admin = await connectAdmin(kafka.admin());
    resources.push({ close: () => admin.disconnect() });
    const run = new LoadRun(o, observer, codec);
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
      run.verdictHandlers(),
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
    const outcome = await run.execute(producer, labels, lag);
    return buildLoadReport({
      options: o,
      machine,
      startedAt,
      finishedAt: new Date(),
      monitor: run.monitor,
      ids: run.ids,
      desk: run.desk,
      labels,
      lag,
      ...outcome,
    });
  } finally {
    for (const r of resources.reverse()) await Promise.resolve(r.close()).catch(() => undefined);
  }
}

async function connectAdmin(admin: Promise<KafkaAdmin>): Promise<KafkaAdmin> {
  try {
    return await admin;
  } catch (error) {
    throw new LoadKafkaError('connect the admin client', error);
  }
}

/** The state of one run between its set-up and its report. */
class LoadRun {
  readonly monitor: RunMonitor;
  readonly ids: TransactionIds;
  readonly desk: CaseDesk;
  private readonly feed: TransactionFeed;
  private readonly traceSend: TraceSend;
  /** End callbacks of sends in flight, by sequence number (only when the tracer gives them). */
  private readonly traceEnds = new Map<number, (error?: unknown) => void>();
  private t0 = 0;
  private stage: LoadProgress['stage'] = 'sending';
  private maxDeficit = 0;
  private readonly cpu: CpuSampler;

  constructor(
    private readonly o: CompiledLoadOptions,
    private readonly observer: LoadObserver,
    private readonly codec: LoadCodec,
  ) {
    this.monitor = new RunMonitor({
      profile: o.profile,
      phases: o.phases,
      totalCount: o.totalCount,
      latencyBudgetMs: o.latencyBudgetMs,
      listLimit: o.listLimit,
      epochOfClockMs: performance.timeOrigin,
    });
    this.ids = new TransactionIds(o.runId);
    this.desk = new CaseDesk(o);
    this.feed = new TransactionFeed(o.simulation, this.ids, o.eventTime, o.skipDays);
    this.feed.prime();
    this.cpu = new CpuSampler(o.watchProcesses);
    if (o.traceSend !== undefined) {
      this.traceSend = o.traceSend;
    } else {
      const traceparents = new TraceparentFactory(o.traceSampleRatio);
      this.traceSend = () => ({ headers: traceparents.headers() });
    }
  }

  /** Handlers of the verdict reader: match, tally quality, schedule review labels. */
  verdictHandlers(): VerdictHandlers {
    return {
      decision: (read, atMs) => {
        const seq = this.ids.seqOf(read.transactionId);
        if (this.monitor.verdict(seq, read.band, atMs, read.worker) === 'first' && this.o.labels) {
          this.desk.verdict(seq, read.band, Date.now());
        }
      },
      deadLetter: (read) => {
        const seq = read.transactionId === undefined ? -1 : this.ids.seqOf(read.transactionId);
        this.monitor.deadLetter(seq, read.reasonCode, read.reasonMessage);
      },
      unreadable: () => this.monitor.unreadable(),
    };
  }

  /** Sends on schedule, waits out the grace period, and says how sending ended. */
  async execute(
    producer: KafkaProducer,
    labels: LabelPublisher | undefined,
    lag: LagSampler | undefined,
  ): Promise<{ stopReason: StopReason; sendingEndMs: number; maxDeficit: number }> {
    const o = this.o;
    const sender = new BatchingSender(
      (messages) => producer.send([{ topic: o.topics.transactions, messages }]),
      { maxBatchRecords: o.maxBatchRecords, maxInFlight: 1 },
      {
        acked: (from, to, at, queued, send) => {
          this.monitor.acked(from, to, at, queued, send);
          this.endTraces(from, to, undefined);
        },
        failed: (from, to, error) => {
          this.monitor.failed(from, to, error);
          this.endTraces(from, to, error ?? new Error('send failed'));
        },
      },
      () => performance.now(),
    );
    this.t0 = performance.now();
    this.monitor.start(this.t0);
    this.cpu.sample(); // the first interval starts now, not at set-up
    const progress = setInterval(() => this.progress(lag), o.progressIntervalMs);
    const housekeeping = setInterval(() => {
      if (labels !== undefined) labels.publish(this.desk.takeDue(Date.now()));
    }, HOUSEKEEPING_MS);
    try {
      const stopReason = await this.pace(sender);
      await sender.drain();
      const sendingEndMs = performance.now();
      this.stage = 'grace';
      while (performance.now() - sendingEndMs < o.graceMs) {
        const settled = performance.now() - sendingEndMs >= o.settleMs;
        if (settled && this.monitor.ledger.outstanding === 0) break;
        await sleep(HOUSEKEEPING_MS);
      }
      // A last sample, so the series ends with the run's final state.
      this.progress(lag);
      if (labels !== undefined) {
        labels.publish(this.desk.takeDue(Date.now()));
        await labels.drain();
      }
      return { stopReason, sendingEndMs, maxDeficit: this.maxDeficit };
    } finally {
      clearInterval(progress);
      clearInterval(housekeeping);
    }
  }

  // Open-loop pacing: each tick sends what the profile says is due by now, however far behind
  // the system under test is. The queue bound only protects memory when Kafka itself stalls.
  private pace(sender: BatchingSender): Promise<StopReason> {
    const o = this.o;
    const maxQueued = o.maxBatchRecords * 4;
    let checked = 0;
    return new Promise<StopReason>((resolve, reject) => {
      const tick = (): void => {
        try {
          const t = performance.now() - this.t0;
          if (o.signal?.aborted === true) return resolve('aborted');
          const due = Math.min(o.totalCount, Math.floor(scheduledCount(o.profile, t)));
          const wall = Date.now();
          while (this.feed.produced < due && sender.queued < maxQueued) {
            const fed = this.feed.next(wall);
            if (fed === undefined) return resolve('source-exhausted');
            this.monitor.ledger.setTruth(fed.seq, fed.scenario);
            const { record } = fed;
            if (fed.scenario > 0 && o.labels) {
              this.desk.fraudSent(
                {
                  seq: fed.seq,
                  transactionId: record.transaction_id,
                  customerId: record.customer_id,
                  terminalId: record.terminal_id,
                  eventTimeMs: record.event_time,
                  scenario: fed.scenario,
                },
                wall,
              );
            }
            const trace = this.traceSend(record, o.topics.transactions);
            if (trace.end !== undefined) this.traceEnds.set(fed.seq, trace.end);
            sender.enqueue(fed.seq, {
              key: record.customer_id,
              value: this.codec.encodeTransaction(record),
              headers: trace.headers,
            });
          }
          this.maxDeficit = Math.max(this.maxDeficit, due - this.feed.produced);
          sender.pump();
          while (checked < o.phases.length) {
            const phase = o.phases[checked];
            if (phase === undefined || t < phase.endMs + o.phaseSettleMs) break;
            checked += 1;
            if (o.stopWhen?.(this.monitor.checkPhase(phase.index)) === true)
              return resolve('stop-condition');
          }
          if (this.feed.produced >= o.totalCount) return resolve('completed');
          setTimeout(tick, o.tickMs);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      tick();
    });
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

  private progress(lag: LagSampler | undefined): void {
    const now = performance.now();
    const t = now - this.t0;
    const o = this.o;
    const target = this.stage === 'sending' ? targetTpsAt(o.profile, t) : 0;
    const point = this.monitor.sample(now, target, lag?.latest?.lag ?? null, this.cpu.sample());
    if (this.observer.onProgress === undefined) return;
    const total = this.monitor.total;
    const quality = this.monitor.quality.summary();
    const sentLabels = this.desk.sentBySource();
    const snapshot: LoadProgress = {
      stage: this.stage,
      elapsedMs: t,
      plannedMs: o.sendDurationMs,
      phase: o.phases[phaseIndexAt(o.phases, t)]?.name ?? '',
      sent: this.monitor.ledger.acknowledged,
      plannedCount: o.totalCount,
      withVerdict: this.monitor.ledger.withVerdict,
      point,
      p50Ms: total.percentileMs(50),
      p99Ms: total.percentileMs(99),
      p999Ms: total.percentileMs(99.9),
      withinBudgetShare: total.count === 0 ? null : 1 - total.overBudget / total.count,
      bands: quality.bands,
      precision: quality.precision,
      recall: quality.recall,
      duplicates: this.monitor.ledger.duplicates,
      deadLetters: this.monitor.ledger.deadLettered,
      labelsSent: sentLabels.ANALYST_REVIEW + sentLabels.CHARGEBACK,
    };
    try {
      this.observer.onProgress(snapshot);
    } catch {
      // An observer's failure must not end the run it observes.
    }
  }
}
