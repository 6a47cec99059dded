// The steady load of a chaos run: simulated transactions at a constant rate, open loop (a
// stalled fleet does not slow the sending), every one recorded in the run's ledger with its
// input partition and hand-off time, and every verdict and dead letter read back into it. Built
// from the load generator's own parts (feed, batching sender, verdict reader, Kafka clients).
import { randomBytes } from 'node:crypto';
import type { PartitionMetadata } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type {
  KafkaAdmin,
  KafkaClientName,
  KafkaProducer,
  OutboundMessage,
} from '@fraudstream/workers/kafka';
import { AvroLoadCodec } from '../load/avro-load-codec';
import { createLoadKafka, createLoadProducer } from '../load/kafka-clients';
import type { LoadTopics } from '../load/load-options';
import { DEFAULT_LOAD_OPTIONS } from '../load/load-options';
import { TransactionFeed, TransactionIds } from '../load/transaction-feed';
import { VerdictReader } from '../load/verdict-reader';
import { LoadKafkaError } from '../errors';
import { BatchingSender } from '../wire/batching-sender';
import type { ChaosLedger } from './chaos-ledger';
import type { PoisonRecord } from './poison-records';

/** How often the pacing loop tops the sending queue up. */
const TICK_MS = 10;
/** Most records per produce request (a few ticks' worth at chaos rates). */
const MAX_BATCH_RECORDS = 500;
/** Between a send the producer gave up on and the next try, ms. */
const RESEND_PAUSE_MS = 500;

/** What a {@link SteadyLoad} needs. */
export interface SteadyLoadSpec {
  readonly brokers: readonly string[];
  /** The client library of loadgen's own producer and readers. @defaultValue 'kafkajs' */
  readonly kafkaClient?: KafkaClientName;
  readonly topics: LoadTopics;
  readonly partitions: number;
  readonly rateTps: number;
  readonly ledger: ChaosLedger;
  /** Run clock, ms (monotonic). */
  readonly now: () => number;
  readonly readyTimeoutMs: number;
  /**
   * How long a send the producer gave up on is tried again before its records count as send
   * failures (lost), ms: longer than any Kafka outage the run causes, since a record dropped for
   * Kafka's absence measures the load generator, not the workers. The producer gives up on its
   * own within LOAD_DELIVERY_TIMEOUT_MS (kafkajs sooner, once it cannot reconnect). A resend
   * after an ambiguous failure may put a transaction on Kafka twice: its second verdict then
   * counts as a duplicate. @defaultValue 0 (never)
   */
  readonly resendForMs?: number;
}

/** How the sending ended. */
export interface SteadyLoadEnd {
  readonly sendStartMs: number;
  readonly sendEndMs: number;
  /** Reading stopped here: the horizon of the figures. */
  readonly observedUntilMs: number;
  /** Records the producer gave up on (they never reached Kafka; counted as lost). */
  readonly sendFailures: number;
}

/**
 * The input partition of `key` under the Java-compatible murmur2 partitioner, computed here so
 * that the ledger knows it before the send; the record is sent with this partition set, so it
 * lands there whichever client sends it (and where any keyed Java-compatible producer would
 * have put it).
 */
export function partitionOf(
  partitioner: ReturnType<typeof Partitioners.DefaultPartitioner>,
  topic: string,
  metadata: PartitionMetadata[],
  key: string,
): number {
  return partitioner({ topic, partitionMetadata: metadata, message: { key, value: null } });
}

/** Sends at a steady rate between {@link begin} and {@link finish}, reading verdicts throughout. */
export class SteadyLoad {
  private timer: NodeJS.Timeout | undefined;
  private sendStartMs = 0;
  private sendFailures = 0;
  private failure: unknown;
  private closing = false;
  private resent = 0;

  private constructor(
    private readonly spec: SteadyLoadSpec,
    private readonly admin: KafkaAdmin,
    private readonly producer: KafkaProducer,
    private readonly reader: VerdictReader,
    private readonly feed: TransactionFeed,
    private readonly codec: AvroLoadCodec,
  ) {}

  /** Connects the producer and the verdict reader (from the topics' current ends) and primes the feed. */
  static async start(spec: SteadyLoadSpec): Promise<SteadyLoad> {
    const runId = `chaos-${randomBytes(4).toString('hex')}-`;
    const codec = await new AvroLoadCodec().prepare();
    const kafka = await createLoadKafka(
      spec.kafkaClient ?? 'kafkajs',
      'fraudstream-chaos',
      spec.brokers,
    );
    let admin: KafkaAdmin;
    try {
      admin = await kafka.admin();
    } catch (error) {
      throw new LoadKafkaError('connect the chaos admin client', error);
    }
    const ids = new TransactionIds(runId);
    const ledger = spec.ledger;
    let reader: VerdictReader;
    try {
      reader = await VerdictReader.start(
        kafka,
        admin,
        {
          groupId: `fraudstream-chaos-${runId.replace(/-$/, '')}`,
          decisionsTopic: spec.topics.decisions,
          deadLettersTopic: spec.topics.deadLetters,
          codec,
          readyTimeoutMs: spec.readyTimeoutMs,
          now: spec.now,
        },
        {
          decision: (read, atMs) =>
            ledger.verdict(ids.seqOf(read.transactionId), read.band, atMs, read.modelVersion),
          deadLetter: (read, atMs) => {
            // A poison record's first: its value may not decode, or not have been copied at all.
            const poison =
              read.keySha256 !== undefined &&
              ledger.poisonDeadLetter(read.keySha256, read.reasonCode, read.sourcePartition, atMs);
            if (poison) return;
            ledger.deadLetter(
              read.transactionId === undefined ? -1 : ids.seqOf(read.transactionId),
              read.reasonCode,
              atMs,
            );
          },
          unreadable: () => {
            ledger.unmatched += 1;
          },
        },
      );
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
    let producer: KafkaProducer;
    try {
      producer = await createLoadProducer(kafka, 'transactions');
    } catch (error) {
      await reader.stop();
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
    const feed = new TransactionFeed({ days: DEFAULT_LOAD_OPTIONS.simulationDays }, ids, 'now', 0);
    // The simulator's set-up costs seconds of CPU: paid now, not in the first tick.
    feed.prime();
    return new SteadyLoad(spec, admin, producer, reader, feed, codec);
  }

  /** Starts sending; resolves to the run clock's time of the start. */
  begin(): number {
    const { spec, feed, ledger } = { spec: this.spec, feed: this.feed, ledger: this.spec.ledger };
    const topic = spec.topics.transactions;
    const partitioner = Partitioners.DefaultPartitioner();
    const metadata: PartitionMetadata[] = Array.from({ length: spec.partitions }, (_, i) => ({
      partitionErrorCode: 0,
      partitionId: i,
      leader: 0,
      replicas: [0],
      isr: [0],
      offlineReplicas: [],
    }));
    const sender = new BatchingSender(
      (messages: OutboundMessage[], fromSeq: number) =>
        this.sendOrResend(topic, messages, () =>
          this.spec.ledger.resent(fromSeq, fromSeq + messages.length),
        ),
      { maxBatchRecords: MAX_BATCH_RECORDS, maxInFlight: 1 },
      {
        acked: () => undefined,
        failed: (from, to) => {
          this.sendFailures += to - from;
        },
      },
      spec.now,
    );
    this.sender = sender;
    this.sendStartMs = spec.now();
    const tick = (): void => {
      try {
        const due = Math.floor(((spec.now() - this.sendStartMs) * spec.rateTps) / 1000);
        const wall = Date.now();
        while (feed.produced < due) {
          const fed = feed.next(wall);
          if (fed === undefined) break;
          const key = fed.record.customer_id;
          const partition = partitionOf(partitioner, topic, metadata, key);
          // Handed over now: the time in the sender's queue and at the broker counts as latency.
          ledger.sent(fed.seq, partition, spec.now());
          sender.enqueue(fed.seq, {
            key,
            partition,
            value: this.codec.encodeTransaction(fed.record),
            headers: {},
          });
        }
        sender.pump();
      } catch (error) {
        this.failure = error;
        return;
      }
      this.timer = setTimeout(tick, TICK_MS);
    };
    tick();
    return this.sendStartMs;
  }

  private sender: BatchingSender | undefined;

  /**
   * Sends, and sends again while the producer gives up within `resendForMs` of the first try;
   * `onResend` is told before each new try (the ledger counts the copies it may have made).
   */
  private async sendOrResend(
    topic: string,
    messages: OutboundMessage[],
    onResend: () => void = () => undefined,
  ): Promise<void> {
    const first = this.spec.now();
    for (;;) {
      try {
        await this.producer.send([{ topic, messages }]);
        return;
      } catch (error) {
        if (this.closing || this.spec.now() - first >= (this.spec.resendForMs ?? 0)) throw error;
      }
      this.resent += 1;
      onResend();
      await new Promise((resolve) => setTimeout(resolve, RESEND_PAUSE_MS));
    }
  }

  /**
   * Sends `records` to the input topic beside the steady load, each recorded in the ledger
   * before it is sent (so no dead letter can come back before the ledger knows the record).
   */
  async inject(records: readonly PoisonRecord[]): Promise<void> {
    const atMs = this.spec.now();
    for (const r of records) this.spec.ledger.poisonSent(r.spec, atMs);
    await this.sendOrResend(
      this.spec.topics.transactions,
      records.map((r) => r.message),
    );
  }

  /** A valid framed transaction that is none of the run's (its id is `transactionId`). */
  foreignTransaction(transactionId: string): Buffer {
    return this.codec.encodeTransaction({
      transaction_id: transactionId,
      event_time: Date.now(),
      customer_id: transactionId,
      terminal_id: transactionId,
      amount_minor: 100,
      currency: 'EUR',
    });
  }

  /** Sends the producer gave up on that were made again. */
  get resends(): number {
    return this.resent;
  }

  /** The pacing loop's error, if it stopped on one. */
  get error(): unknown {
    return this.failure;
  }

  /**
   * Stops sending, waits until every record is acknowledged and then until each has a verdict
   * or `graceMs` has passed, and disconnects.
   */
  async finish(graceMs: number): Promise<SteadyLoadEnd> {
    clearTimeout(this.timer);
    const now = this.spec.now;
    try {
      await this.sender?.drain();
      const sendEndMs = now();
      while (now() - sendEndMs < graceMs && this.spec.ledger.outstanding > this.sendFailures) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return {
        sendStartMs: this.sendStartMs,
        sendEndMs,
        observedUntilMs: now(),
        sendFailures: this.sendFailures,
      };
    } finally {
      await this.close();
    }
  }

  /** Disconnects everything; safe after {@link finish}. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    await this.reader.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
