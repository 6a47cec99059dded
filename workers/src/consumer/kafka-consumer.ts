// A kafkajs consumer with what the worker needs around it: offsets resolved by hand, pause and
// resume of whole topics, the assignment (for readiness) and crash reporting.
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
   * Commit resolved offsets through the group (at-least-once). False in exactly-once mode,
   * where offsets are committed inside the producer's transactions.
   */
  readonly commitOffsets: boolean;
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
  private readonly logger: Logger;
  private assignment: number[] = [];
  private connected = false;
  private paused = false;

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
    });
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      const previous = this.assignment;
      this.assignment = [...(payload.memberAssignment[options.topic] ?? [])].sort((a, b) => a - b);
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
    await this.consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      autoCommit: this.options.commitOffsets,
      // With a threshold of 1, commitOffsetsIfNecessary() commits whatever was resolved.
      autoCommitThreshold: this.options.commitOffsets ? 1 : null,
      autoCommitInterval: this.options.commitOffsets ? 5_000 : null,
      eachBatch: this.options.eachBatch,
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
   * Stops fetching, lets the batch in flight finish (the handler checks isRunning between
   * chunks), commits, leaves the group. Safe to call twice.
   */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
