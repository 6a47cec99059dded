// The seam's group consumer on kafkajs: offsets resolved by hand and committed on a timer, pause
// and resume of whole topics, the assignment (for readiness) and crash reporting. kafkajs' own
// autoCommit commits after every batch, before the next fetch: one coordinator round trip inside
// every record's latency (see offset-committer.ts).
import type { Consumer, ConsumerRunConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { causeChain, KafkaCrashError } from '../errors';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { BatchHandler, GroupConsumer, GroupConsumerOptions } from './kafka-client';
import { OffsetCommitter } from './offset-committer';
import type { ConsumedRecord } from './records';

/** A kafkajs consumer group member on one topic. */
export class KafkajsConsumer implements GroupConsumer {
  private readonly consumer: Consumer;
  private readonly committer: OffsetCommitter | undefined;
  private readonly logger: Logger;
  private assignment: number[] = [];
  private connected = false;
  private paused = false;
  private stopRequested = false;
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private runConfig: ConsumerRunConfig | undefined;
  private memberId: string | undefined;
  private rerunTimer: NodeJS.Timeout | undefined;

  /** Creates the kafkajs consumer; {@link start} joins the group. */
  constructor(
    kafka: Kafka,
    private readonly options: GroupConsumerOptions,
    logger: Logger = SILENT_LOGGER,
  ) {
    if (options.groupProtocol === 'consumer') {
      throw new TypeError('kafkajs speaks only the classic group protocol');
    }
    this.logger = logger.child({
      component: 'consumer',
      groupId: options.groupId,
      topic: options.topic,
    });
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      maxWaitTimeInMs: options.fetchMaxWaitMs,
      maxBytesPerPartition: options.maxBytesPerPartition,
      readUncommitted: !(options.readCommitted ?? true),
      allowAutoTopicCreation: false,
      // kafkajs' default back-off doubles to 30 s, and a consumer that crashes while the broker
      // is down restarts after its last back-off: a broker back after 20 s found the members
      // asleep for 20 s more. Retrying at least every second costs a few connection attempts
      // while the broker is away, and resumes consumption within a second of its return.
      retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 10 },
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
      // score it again; then nothing until the new assignment is known.
      void this.committer?.commitAndHold();
    });
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      const previous = this.assignment;
      this.assignment = [...(payload.memberAssignment[options.topic] ?? [])].sort((a, b) => a - b);
      // A new member id: this member was dropped (session or rebalance timeout, a crash) and the
      // group may have handed its partitions to others meanwhile.
      const rejoined = this.memberId !== undefined && this.memberId !== payload.memberId;
      this.memberId = payload.memberId;
      this.committer?.retain(options.topic, this.assignment, rejoined);
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
      // The restarted member joins with a new generation: no commit until its assignment.
      void this.committer?.commitAndHold();
      if (payload.restart) {
        this.logger.warn('consumer crashed; kafkajs restarts it', { error: payload.error });
      } else if (this.runConfig !== undefined && isBrokerError(payload.error)) {
        // kafkajs gives up for good on errors it calls non-retriable, among them a connection
        // refused after its retries and "group coordinator not found" while a broker restarts;
        // the process is fine and the broker comes back, so the member rejoins on its own.
        this.logger.warn('consumer crashed on a broker error; restarting it', {
          error: payload.error,
          inMs: RERUN_DELAY_MS,
        });
        this.scheduleRerun();
      } else {
        options.onCrash(
          new KafkaCrashError(`consumer of ${options.topic} (group ${options.groupId})`, {
            cause: payload.error,
          }),
        );
      }
    });
  }

  /** The consumer group (a transaction commits offsets to it). */
  get groupId(): string {
    return this.options.groupId;
  }

  /** Connects, subscribes and starts consuming. */
  async start(handler: BatchHandler): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    const { committer } = this;
    const eachBatch = (payload: EachBatchPayload): Promise<void> => {
      // Called through `payload.`: kafkajs declares these as methods.
      const { batch } = payload;
      return handler(
        {
          topic: batch.topic,
          partition: batch.partition,
          records: batch.messages.map(toConsumedRecord),
          lag: Number(batch.offsetLag()),
        },
        {
          isRunning: () => payload.isRunning() && !payload.isStale(),
          heartbeat: () => payload.heartbeat(),
          resolveOffset: (offset) => payload.resolveOffset(offset),
        },
      );
    };
    this.runConfig = {
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
    };
    await this.consumer.run(this.runConfig);
    // kafkajs keeps seeks of partitions not yet assigned and applies them at their first fetch.
    for (const [partition, offset] of this.options.startOffsets ?? []) {
      this.consumer.seek({ topic: this.options.topic, partition, offset });
    }
  }

  /**
   * Runs the crashed consumer again after {@link RERUN_DELAY_MS}. kafkajs disconnected it before
   * reporting the crash, so `run` starts it afresh: it rejoins the group and fetches from the
   * committed offsets. A start that fails crashes again and comes back here.
   */
  private scheduleRerun(): void {
    clearTimeout(this.rerunTimer);
    this.rerunTimer = setTimeout(() => {
      const config = this.runConfig;
      if (config === undefined) return;
      this.consumer.run(config).catch((error: unknown) => {
        this.logger.warn('restarting the consumer failed; trying again', { error });
        this.scheduleRerun();
      });
    }, RERUN_DELAY_MS);
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
    // No restart after this point: a crash while leaving the group is the end of this member.
    this.runConfig = undefined;
    clearTimeout(this.rerunTimer);
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

function toConsumedRecord(m: KafkaMessage): ConsumedRecord {
  return {
    offset: m.offset,
    key: m.key,
    value: m.value,
    headers: m.headers ?? {},
    timestamp: m.timestamp,
  };
}

/** How long a consumer that crashed on a broker error waits before it rejoins, ms. */
const RERUN_DELAY_MS = 1_000;

/**
 * True when a crash came from the broker side (a kafkajs error at its root): the consumer is
 * restarted. Anything else (a bug in a handler) stops the worker, as a crash should.
 */
function isBrokerError(error: unknown): boolean {
  let root: object | undefined;
  for (const e of causeChain(error, 8)) root = e;
  const name = (root as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name.startsWith('KafkaJS');
}
