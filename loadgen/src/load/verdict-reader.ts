// Reads the decisions and dead-letter topics for a run, from their end offsets at the moment
// the run started, through the Kafka seam: one consumer per topic, each in a consumer group of
// its own. Every record is time-stamped when its batch is handed over by the fetch, before
// anything is decoded, so decoding cost does not count as fleet latency.
import type { GroupConsumer, KafkaAdmin, KafkaClient } from '@fraudstream/workers/kafka';
import { LoadKafkaError } from '../errors';
import type { DeadLetterRead, DecisionRead, LoadCodec } from '../wire/wire-codec';

/** How often the run's consumers commit what they have read. */
const COMMIT_INTERVAL_MS = 2000;

/** Callbacks of a {@link VerdictReader}; times are the run clock's milliseconds. */
export interface VerdictHandlers {
  decision(read: DecisionRead, receivedAtMs: number): void;
  deadLetter(read: DeadLetterRead, receivedAtMs: number): void;
  /** A record could not be decoded (someone else's, or corrupt); it is skipped. */
  unreadable(topic: string, error: unknown): void;
  /**
   * A consumer stopped for good after the reader was ready: what it would have read counts as
   * missing. Unset: the error is written to stderr.
   */
  crashed?(topic: string, error: unknown): void;
}

/** Settings of a {@link VerdictReader}. */
export interface VerdictReaderOptions {
  /** The run's group id; the dead-letter consumer's group adds `-dlq`. */
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
    private readonly consumers: readonly GroupConsumer[],
    private readonly admin: KafkaAdmin,
    private readonly groupIds: readonly string[],
  ) {}

  /** Starts consuming from the topics' current ends; resolves once both consumers are assigned. */
  static async start(
    client: KafkaClient,
    admin: KafkaAdmin,
    options: VerdictReaderOptions,
    handlers: VerdictHandlers,
  ): Promise<VerdictReader> {
    const topics = [
      { topic: options.decisionsTopic, groupId: options.groupId, decisions: true },
      { topic: options.deadLettersTopic, groupId: `${options.groupId}-dlq`, decisions: false },
    ];
    const starts = new Map<string, ReadonlyMap<number, string>>();
    for (const { topic } of topics) {
      try {
        const ends = await admin.topicEndOffsets(topic);
        starts.set(topic, new Map(ends.map((e) => [e.partition, e.offset])));
      } catch (error) {
        throw new LoadKafkaError(`read the end offsets of topic ${topic}`, error);
      }
    }
    const consumers: GroupConsumer[] = [];
    const reader = new VerdictReader(
      consumers,
      admin,
      topics.map((t) => t.groupId),
    );
    // Before readiness a crash fails the start; after it, the handler hears of it. (The race
    // below subscribes to `crash`, so a later rejection is handled, not left unhandled.)
    let ready = false;
    let failStart: ((error: unknown) => void) | undefined;
    const crash = new Promise<never>((_, reject) => {
      failStart = reject;
    });
    const crashed = (topic: string, error: unknown): void => {
      if (!ready) failStart?.(error);
      else if (handlers.crashed) handlers.crashed(topic, error);
      else {
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`verdict consumer of ${topic} stopped: ${message}\n`);
      }
    };
    // Readiness only waits for the consumers to be assigned: the start offsets make sure
    // nothing written after `ends` is skipped, however late the assignment comes.
    const assigned = topics.map(
      ({ topic, groupId, decisions }) =>
        new Promise<void>((resolve) => {
          const consumer = client.consumer({
            groupId,
            topic,
            partitionsConsumedConcurrently: 1,
            maxBatchSize: 1000,
            // The workers' own defaults: after a broker restart a rejoining member waits for the
            // session of its former self to expire, and with 30 s the reader, not the fleet, was
            // what a chaos run measured (verdicts produced 2 s after the broker's return were read
            // 24 s later).
            sessionTimeoutMs: 6_000,
            heartbeatIntervalMs: 1_000,
            // Return empty fetches quickly so stop() is prompt; with data the broker answers at once.
            fetchMaxWaitMs: 100,
            maxBytesPerPartition: 1_048_576,
            // Committed on a timer, so a consumer that restarts resumes about where it was; what
            // it reads twice is skipped by offset below, so a re-read is never a duplicate verdict.
            commitOffsets: true,
            commitIntervalMs: COMMIT_INTERVAL_MS,
            startOffsets: starts.get(topic),
            onCrash: (error) => crashed(topic, error),
            onAssignment: (partitions) => {
              if (partitions.length > 0) resolve();
            },
          });
          consumers.push(consumer);
          const seen = new Map<number, number>();
          void consumer
            .start(async (batch, control) => {
              const at = options.now();
              const after = seen.get(batch.partition) ?? -1;
              for (const m of batch.records) {
                const offset = Number(m.offset);
                if (offset <= after || m.value === null) continue;
                try {
                  if (decisions) handlers.decision(await options.codec.readDecision(m.value), at);
                  else handlers.deadLetter(await options.codec.readDeadLetter(m.value), at);
                } catch (error) {
                  handlers.unreadable(batch.topic, error);
                }
              }
              const last = batch.records[batch.records.length - 1];
              if (last !== undefined) {
                seen.set(batch.partition, Math.max(after, Number(last.offset)));
                control.resolveOffset(last.offset);
              }
            })
            .catch((error: unknown) => crashed(topic, error));
        }),
    );
    try {
      await withTimeout(
        Promise.race([Promise.all(assigned), crash]),
        options.readyTimeoutMs,
        `consumer groups ${reader.groupIds.join(', ')} were not assigned within readyTimeoutMs = ${options.readyTimeoutMs} ms`,
      );
      ready = true;
    } catch (error) {
      await reader.stop();
      throw error instanceof LoadKafkaError
        ? error
        : new LoadKafkaError(
            `start the verdict consumers on ${topics.map((t) => t.topic).join(', ')}`,
            error,
          );
    }
    return reader;
  }

  /** Leaves and deletes the run's consumer groups. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const consumer of this.consumers) await consumer.stop().catch(() => undefined);
    // The groups only ever served this run; deleting them keeps the broker's group list clean.
    await this.admin.deleteGroups(this.groupIds).catch(() => undefined);
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
