// One load run: stream simulated transactions to Kafka on a rate profile, read the verdicts and
// dead letters they cause, play case management, and measure every transaction's end-to-end
// latency (Kafka's ack at the producer → its verdict received here). See docs in
// loadgen/README.md ("Load generator").
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AvroLoadCodec } from './avro-load-codec';
import type { CompiledLoadOptions, LoadOptions } from './load-options';
import { compileLoadOptions } from './load-options';
import type { LoadObserver, LoadReport, StopReason } from './load-report';
import type { LoadSession } from './load-session';
import { StreamingRun, TransactionSends, monitorHandlers, runInSession } from './load-session';
import { phaseIndexAt, scheduledCount, targetTpsAt } from './rate-profile';
import { TransactionFeed } from './transaction-feed';
import type { VerdictHandlers } from './verdict-reader';
import type { LoadCodec } from '../wire/wire-codec';

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
  const startedAt = new Date();
  const codec = o.codec ?? (await new AvroLoadCodec().prepare());
  return runInSession(o, codec, new LoadRun(o, observer, codec), startedAt);
}

/** The state of one run between its set-up and its report. */
class LoadRun extends StreamingRun {
  private readonly feed: TransactionFeed;
  private maxDeficit = 0;

  constructor(o: CompiledLoadOptions, observer: LoadObserver, codec: LoadCodec) {
    super(o, observer, codec);
    this.feed = new TransactionFeed(o.simulation, this.ids, o.eventTime, o.skipDays);
    this.feed.prime();
  }

  /** Handlers of the verdict reader: match, tally quality, schedule review labels. */
  verdictHandlers(): VerdictHandlers {
    return monitorHandlers(this.monitor, this.ids, (seq, band) => {
      if (this.o.labels) this.desk.verdict(seq, band, Date.now());
    });
  }

  /** Sends on schedule, waits out the grace period, and says how sending ended. */
  async execute(
    session: LoadSession,
  ): Promise<{ stopReason: StopReason; sendingEndMs: number; maxDeficit: number }> {
    const { labels } = session;
    const sends = new TransactionSends(this.o, session.producer, this.monitor, this.codec);
    const outcome = await this.sendAll(session, sends, {
      pace: () => this.pace(sends),
      publishDue: () => labels?.publish(this.desk.takeDue(Date.now())),
      where: (t) => ({
        phase: this.o.phases[phaseIndexAt(this.o.phases, t)]?.name ?? '',
        targetTps: targetTpsAt(this.o.profile, t),
      }),
    });
    return { ...outcome, maxDeficit: this.maxDeficit };
  }

  // Open-loop pacing: each tick sends what the profile says is due by now, however far behind
  // the system under test is. The queue bound only protects memory when Kafka itself stalls.
  private pace(sends: TransactionSends): Promise<StopReason> {
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
          while (this.feed.produced < due && sends.queued < maxQueued) {
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
            sends.enqueue(fed.seq, record);
          }
          this.maxDeficit = Math.max(this.maxDeficit, due - this.feed.produced);
          sends.pump();
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
}
