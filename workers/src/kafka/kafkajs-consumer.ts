// A kafkajs consumer with what the worker needs around it: offsets resolved by hand and committed
// on a timer, pause and resume of whole topics, the assignment (for readiness) and crash
// reporting. kafkajs' own autoCommit commits after every batch, before the next fetch: one
// coordinator round trip inside every record's latency (see kafka/offset-committer.ts).
import { OffsetCommitter } from '../kafka/offset-committer';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { KafkaCrashError } from '../errors';
import { SILENT_LOGGER, type Logger } from '../logging/logger';

/** Options of {@link ManagedConsumer}. */
export interface ManagedConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topic: string;
  readonly eachBatch: (payload: EachBatchPayload) => Promise<void>;
  readonly partitionsConsumedConcurrently: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly fetchMaxWaitMs: number;
  readonly maxBytesPerPartition: number;
  /**
   * Commit resolved offsets through the group (at-least-once), every `commitIntervalMs`. False
   * in exactly-once mode, where offsets are committed inside the producer's transactions.
   */
  readonly commitOffsets: boolean;
  /** Period of the at-least-once commits (FS_COMMIT_INTERVAL_MS). */
  readonly commitIntervalMs: number;
  /** Read only committed transactional records. @defaultValue true */
  readonly readCommitted?: boolean;
  readonly logger?: Logger;
  /** The consumer stopped for good (kafkajs will not restart it). */
  readonly onCrash: (error: KafkaCrashError) => void;
  /** Told after each rebalance with the new assignment and the partitions taken away. */
  readonly onAssignment?: (partitions: readonly number[], revoked: readonly number[]) => void;
}

/** A consumer group member on one topic. */
export class ManagedConsumer {
  private readonly consumer: Consumer;
  private readonly committer: OffsetCommitter | undefined;
  private readonly logger: Logger;
  private assignment: number[] = [];
  private connected = false;
  private paused = false;
  private stopRequested = false;
  private inFlight = 0;
  private idle: (() => void) | undefined;

  /** Creates the kafkajs consumer; {@link start} joins the group. */
  constructor(private readonly options: ManagedConsumerOptions) {
    this.logger = (options.logger ?? SILENT_LOGGER).child({
      component: 'consumer',
      groupId: options.groupId,
      topic: options.topic,
    });
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      maxWaitTimeInMs: options.fetchMaxWaitMs,
      maxBytesPerPartition: options.maxBytesPerPartition,
      readUncommitted: !(options.readCommitted ?? true),
      allowAutoTopicCreation: false,
    });
    this.committer = options.commitOffsets
      ? new OffsetCommitter(this.consumer, options.commitIntervalMs, (error) =>
          this.logger.warn('offset commit failed; retried at the next interval', { error }),
        )
      : undefined;
    const { GROUP_JOIN, CONNECT, DISCONNECT, CRASH, REBALANCING } = this.consumer.events;
    this.consumer.on(CONNECT, () => {
      this.connected = true;
    });
    this.consumer.on(DISCONNECT, () => {
      this.connected = false;
      this.assignment = [];
    });
    this.consumer.on(REBALANCING, () => {
      this.logger.info('rebalancing');
      // What was processed is committed before the partitions move, so the next owner does not
      // score it again.
      void this.committer?.commit();
    });
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      const previous = this.assignment;
      this.assignment = [...(payload.memberAssignment[options.topic] ?? [])].sort((a, b) => a - b);
      this.committer?.retain(options.topic, this.assignment);
      this.logger.info('partitions assigned', {
        memberId: payload.memberId,
        partitions: this.assignment,
      });
      options.onAssignment?.(
        this.assignment,
        previous.filter((p) => !this.assignment.includes(p)),
      );
    });
    this.consumer.on(CRASH, ({ payload }) => {
      this.assignment = [];
      if (payload.restart) {
        this.logger.warn('consumer crashed; kafkajs restarts it', { error: payload.error });
      } else {
        options.onCrash(
          new KafkaCrashError(`consumer of ${options.topic} (group ${options.groupId})`, {
            cause: payload.error,
          }),
        );
      }
    });
  }

  /** Connects, subscribes and starts consuming. */
  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    const { committer } = this;
    const { eachBatch } = this.options;
    await this.consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      autoCommit: false,
      eachBatch: committer
        ? async (payload) => {
            // A batch that arrives while stopping stays in Kafka (nothing resolved).
            if (this.stopRequested) return;
            const { topic, partition } = payload.batch;
            this.inFlight += 1;
            try {
              await eachBatch({
                ...payload,
                isRunning: () => !this.stopRequested && payload.isRunning(),
                // Resolving is how handlers say "done": the committer commits it on its timer.
                resolveOffset: (offset: string) => {
                  payload.resolveOffset(offset);
                  committer.processed(topic, partition, offset);
                },
              });
            } finally {
              this.inFlight -= 1;
              if (this.inFlight === 0) this.idle?.();
            }
          }
        : eachBatch,
    });
  }

  /** Partitions currently assigned to this member. */
  get partitions(): readonly number[] {
    return this.assignment;
  }

  /** Connected to the cluster. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** Paused by {@link pause}. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Stops fetching every partition of the topic, current and future assignments alike. */
  pause(): void {
    this.paused = true;
    this.consumer.pause([{ topic: this.options.topic }]);
  }

  /** Resumes fetching. */
  resume(): void {
    this.paused = false;
    this.consumer.resume([{ topic: this.options.topic }]);
  }

  /**
   * Stops fetching, lets the batches in flight finish (the handler checks isRunning between
   * chunks), commits what they resolved while still a member of the group, then leaves it.
   * Safe to call twice.
   */
  async stop(): Promise<void> {
    if (this.committer && !this.stopRequested) {
      this.stopRequested = true;
      // kafkajs' own stop leaves the group before returning, after which a commit is refused.
      this.consumer.pause([{ topic: this.options.topic }]);
      if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      await this.committer.stop();
    }
    await this.consumer.disconnect();
  }
}
