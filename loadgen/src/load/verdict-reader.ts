// Reads the decisions and dead-letter topics for a run, from their end offsets at the moment
// the run started, in a consumer group of its own. Every record is time-stamped when its batch
// is handed over by the fetch, before anything is decoded, so decoding cost does not count as
// fleet latency.
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { LoadKafkaError } from '../errors';
import { OffsetCommitter } from '@fraudstream/workers/kafka';

/** How often the run's consumer commits what it has read. */
const COMMIT_INTERVAL_MS = 2000;
import type { DeadLetterRead, DecisionRead, LoadCodec } from '../wire/wire-codec';

/** Callbacks of a {@link VerdictReader}; times are the run clock's milliseconds. */
export interface VerdictHandlers {
  decision(read: DecisionRead, receivedAtMs: number): void;
  deadLetter(read: DeadLetterRead, receivedAtMs: number): void;
  /** A record could not be decoded (someone else's, or corrupt); it is skipped. */
  unreadable(topic: string, error: unknown): void;
}

/** Settings of a {@link VerdictReader}. */
export interface VerdictReaderOptions {
  readonly groupId: string;
  readonly decisionsTopic: string;
  readonly deadLettersTopic: string;
  readonly codec: LoadCodec;
  readonly readyTimeoutMs: number;
  readonly now: () => number;
}

/** Consumer of a run's verdicts and dead letters; `stop()` is safe to call twice. */
export class VerdictReader {
  private stopped = false;

  private constructor(
    private readonly consumer: Consumer,
    private readonly admin: Admin,
    private readonly groupId: string,
    private readonly committer: OffsetCommitter,
  ) {}

  /** Starts consuming from the topics' current ends; resolves once the consumer has joined and fetched. */
  static async start(
    kafka: Kafka,
    admin: Admin,
    options: VerdictReaderOptions,
    handlers: VerdictHandlers,
  ): Promise<VerdictReader> {
    const topics = [options.decisionsTopic, options.deadLettersTopic];
    const ends = new Map<string, { partition: number; high: string }[]>();
    for (const topic of topics) {
      try {
        ends.set(topic, await admin.fetchTopicOffsets(topic));
      } catch (error) {
        throw new LoadKafkaError(`read the end offsets of topic ${topic}`, error);
      }
    }
    const consumer = kafka.consumer({
      groupId: options.groupId,
      // Return empty fetches quickly so the first fetch (readiness) and stop() are prompt;
      // with data the broker answers at once anyway (minBytes 1).
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    const committer = new OffsetCommitter(consumer, COMMIT_INTERVAL_MS);
    const reader = new VerdictReader(consumer, admin, options.groupId, committer);
    const ready = new Promise<void>((resolve) => {
      let joined = false;
      consumer.on(consumer.events.GROUP_JOIN, () => {
        joined = true;
      });
      consumer.on(consumer.events.FETCH, () => {
        if (joined) resolve();
      });
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: false });
      // Offsets are committed on a timer (see offset-committer.ts for why not kafkajs'
      // autoCommit), so a consumer that crashes and restarts resumes about where it was; what it
      // reads twice is skipped by offset, so a re-read never shows up as a duplicate verdict.
      const seen = new Map<string, number>();
      const running = consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const at = options.now();
          const key = `${batch.topic}:${batch.partition}`;
          const after = seen.get(key) ?? -1;
          const isDecision = batch.topic === options.decisionsTopic;
          for (const m of batch.messages) {
            const offset = Number(m.offset);
            if (offset <= after || m.value === null) continue;
            try {
              if (isDecision) handlers.decision(await options.codec.readDecision(m.value), at);
              else handlers.deadLetter(await options.codec.readDeadLetter(m.value), at);
            } catch (error) {
              handlers.unreadable(batch.topic, error);
            }
          }
          const last = batch.messages[batch.messages.length - 1];
          if (last !== undefined) {
            seen.set(key, Math.max(after, Number(last.offset)));
            committer.processed(batch.topic, batch.partition, last.offset);
          }
        },
      });
      // Seeks are kept by the consumer and applied at the first fetch after the assignment, so
      // nothing written after `ends` was read can be skipped, however late the join completes.
      for (const [topic, offsets] of ends) {
        for (const { partition, high } of offsets)
          consumer.seek({ topic, partition, offset: high });
      }
      await running;
      await withTimeout(
        ready,
        options.readyTimeoutMs,
        `consumer group ${options.groupId} did not join and fetch within readyTimeoutMs = ${options.readyTimeoutMs} ms`,
      );
    } catch (error) {
      await reader.stop();
      throw error instanceof LoadKafkaError
        ? error
        : new LoadKafkaError(`start the verdict consumer on ${topics.join(', ')}`, error);
    }
    return reader;
  }

  /** Disconnects and deletes the run's consumer group. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.committer.stop();
    await this.consumer.disconnect().catch(() => undefined);
    // The group only ever served this run; deleting it keeps the broker's group list clean.
    await this.admin.deleteGroups([this.groupId]).catch(() => undefined);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
