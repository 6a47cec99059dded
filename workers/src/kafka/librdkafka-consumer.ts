// The seam's group consumer on librdkafka. librdkafka commits the offsets the handler resolves
// (stored offsets) on its own timer and again before partitions are revoked, so no commit loop
// of ours runs here. Heartbeats come from librdkafka's thread: a long batch cannot lose the
// membership, only exceed max.poll.interval.ms.
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { BatchHandler, GroupConsumer, GroupConsumerOptions } from './kafka-client';
import type { ConsumedRecord } from './records';

/** A librdkafka consumer group member on one topic. */
export class LibrdkafkaConsumer implements GroupConsumer {
  private readonly consumer: KafkaJS.Consumer;
  private readonly logger: Logger;
  private readonly assigned = new Set<number>();
  private connected = false;
  private paused = false;
  private stopRequested = false;
  private inFlight = 0;
  private idle: (() => void) | undefined;

  /** Creates the consumer; {@link start} joins the group. */
  constructor(
    kafka: KafkaJS.Kafka,
    private readonly options: GroupConsumerOptions,
    logger: Logger = SILENT_LOGGER,
    clientLogger?: KafkaJS.Logger,
  ) {
    this.logger = logger.child({
      component: 'consumer',
      groupId: options.groupId,
      topic: options.topic,
    });
    const classic = (options.groupProtocol ?? 'classic') === 'classic';
    this.consumer = kafka.consumer({
      kafkaJS: {
        groupId: options.groupId,
        fromBeginning: true,
        autoCommit: options.commitOffsets,
        autoCommitInterval: options.commitIntervalMs,
        maxWaitTimeInMs: options.fetchMaxWaitMs,
        maxBytesPerPartition: options.maxBytesPerPartition,
        readUncommitted: !(options.readCommitted ?? true),
        allowAutoTopicCreation: false,
        ...(clientLogger === undefined ? {} : { logger: clientLogger }),
        // With KIP-848 the broker owns assignment, session and heartbeat settings.
        ...(classic
          ? {
              sessionTimeout: options.sessionTimeoutMs,
              heartbeatInterval: options.heartbeatIntervalMs,
              // Cooperative: a rebalance moves only the partitions that change owner; the
              // others keep being consumed through it.
              partitionAssigners: [KafkaJS.PartitionAssigners.cooperativeSticky],
            }
          : {}),
      },
      'group.protocol': options.groupProtocol ?? 'classic',
      ...(options.groupInstanceId === undefined
        ? {}
        : { 'group.instance.id': options.groupInstanceId }),
      'js.consumer.max.batch.size': options.maxBatchSize,
      rebalance_cb: (error: KafkaJS.LibrdKafkaError, partitions: KafkaJS.TopicPartition[]) =>
        this.onRebalance(error, partitions),
    });
  }

  /** The client's consumer (a transaction sends offsets on its behalf). */
  get native(): KafkaJS.Consumer {
    return this.consumer;
  }

  async start(handler: BatchHandler): Promise<void> {
    await this.consumer.connect();
    this.connected = true;
    await this.consumer.subscribe({ topics: [this.options.topic] });
    // The client keeps seeks of partitions not yet assigned and applies them at the assignment.
    for (const [partition, offset] of this.options.startOffsets ?? []) {
      this.consumer.seek({ topic: this.options.topic, partition, offset });
    }
    await this.consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: async (payload) => {
        const { batch } = payload;
        // A batch that arrives while stopping or paused stays in Kafka (nothing resolved): the
        // client seeks back to it. Pausing here also covers partitions assigned after pause().
        if (this.stopRequested) return;
        if (this.paused) {
          this.consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
          return;
        }
        this.inFlight += 1;
        try {
          await handler(
            {
              topic: batch.topic,
              partition: batch.partition,
              records: batch.messages.map(toConsumedRecord),
              lag: Number(batch.offsetLag()),
            },
            {
              isRunning: () =>
                !this.stopRequested && !this.paused && payload.isRunning() && !payload.isStale(),
              // librdkafka heartbeats from its own thread.
              heartbeat: () => Promise.resolve(),
              resolveOffset: (offset) => payload.resolveOffset(offset),
            },
          );
        } finally {
          this.inFlight -= 1;
          if (this.inFlight === 0) this.idle?.();
        }
      },
    });
  }

  get partitions(): readonly number[] {
    return [...this.assigned].sort((a, b) => a - b);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    this.paused = true;
    // The client refuses pause() before the group is joined; the handler pauses what comes later.
    if (this.connected && this.assigned.size > 0) {
      this.consumer.pause([{ topic: this.options.topic }]);
    }
  }

  resume(): void {
    this.paused = false;
    if (this.connected) this.consumer.resume([{ topic: this.options.topic }]);
  }

  async stop(): Promise<void> {
    if (!this.stopRequested) {
      this.stopRequested = true;
      if (this.connected && this.assigned.size > 0) {
        this.consumer.pause([{ topic: this.options.topic }]);
      }
      if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    }
    // Closing commits the stored offsets (auto-commit) and leaves the group; a static member
    // keeps its place until the session times out.
    await this.consumer.disconnect();
    this.connected = false;
    this.assigned.clear();
  }

  /** "EAGER", "COOPERATIVE" or "NONE" (not in a group yet). */
  private rebalanceProtocol(): string {
    return (this.consumer as ConsumerWithProtocol).rebalanceProtocol();
  }

  private onRebalance(error: KafkaJS.LibrdKafkaError, changed: KafkaJS.TopicPartition[]): void {
    const mine = changed.filter((p) => p.topic === this.options.topic).map((p) => p.partition);
    const previous = this.partitions;
    const codes = KafkaJS.ErrorCodes;
    if (error.code === codes.ERR__ASSIGN_PARTITIONS) {
      // Eager protocols hand over the whole assignment, cooperative ones only what is added.
      if (this.rebalanceProtocol() === 'EAGER') this.assigned.clear();
      mine.forEach((p) => this.assigned.add(p));
    } else if (error.code === codes.ERR__REVOKE_PARTITIONS) {
      mine.forEach((p) => this.assigned.delete(p));
    } else {
      this.logger.warn('rebalance failed; librdkafka rejoins the group', { error });
      return;
    }
    const partitions = this.partitions;
    const revoked = previous.filter((p) => !this.assigned.has(p));
    this.logger.info('partitions assigned', {
      partitions,
      revoked,
      protocol: this.rebalanceProtocol(),
    });
    this.options.onAssignment?.(partitions, revoked);
  }
}

/** The client's consumer declares no rebalanceProtocol(), which its JavaScript has. */
type ConsumerWithProtocol = KafkaJS.Consumer & { rebalanceProtocol(): string };

function toConsumedRecord(m: KafkaJS.KafkaMessage): ConsumedRecord {
  return {
    offset: m.offset,
    key: m.key,
    value: m.value,
    headers: m.headers ?? {},
    timestamp: m.timestamp === '' ? null : m.timestamp,
  };
}
