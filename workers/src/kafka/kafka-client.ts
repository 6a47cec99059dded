// The one seam between the worker and a Kafka client library. Everything the worker does with
// Kafka (consume per-partition batches, produce, commit, pause and resume, follow rebalances,
// transactions for exactly-once) goes through these interfaces; kafkajs-client.ts and
// librdkafka-client.ts implement them, and FS_KAFKA_CLIENT picks one at start-up. The load
// generator and the benchmarks use the same seam, so a comparison of clients is like for like.
import type { WorkerError } from '../errors';
import type { Logger, LogLevel } from '../logging/logger';
import type { KafkaSecurity } from './kafka-security';
import type { ConsumedBatch, PartitionOffset, TopicMessages } from './records';

/** The client libraries behind the seam. */
export const KAFKA_CLIENT_NAMES = ['kafkajs', 'librdkafka'] as const;

/** A client library behind the seam: kafkajs, or librdkafka through @confluentinc/kafka-javascript. */
export type KafkaClientName = (typeof KAFKA_CLIENT_NAMES)[number];

/** Consumer group protocols: the classic one, or KIP-848's broker-driven one. */
export const GROUP_PROTOCOLS = ['classic', 'consumer'] as const;

/** A consumer group protocol (librdkafka only: kafkajs speaks the classic one). */
export type GroupProtocol = (typeof GROUP_PROTOCOLS)[number];

/** What every client of a process shares. */
export interface KafkaClientOptions {
  /** Client id on the wire (broker logs, quotas). */
  readonly clientId: string;
  /** Bootstrap servers, host:port. */
  readonly brokers: readonly string[];
  readonly logger: Logger;
  /** The process's log level; each client maps it to its own. */
  readonly logLevel: LogLevel;
  /** TLS and SASL of every connection (see kafka-security.ts). @defaultValue plaintext */
  readonly security?: KafkaSecurity;
}

/** What a batch handler may do while it works through a batch. */
export interface BatchControl {
  /**
   * False once the consumer stops or the partition was revoked or paused: the handler leaves
   * the rest of the batch unresolved, and Kafka hands it over again.
   */
  isRunning(): boolean;
  /** Keeps the group membership alive during a long batch (a no-op where the client does it). */
  heartbeat(): Promise<void>;
  /** The record at `offset` and every one before it are done; the next commit moves past them. */
  resolveOffset(offset: string): void;
}

/** Handles one partition's batch; records left unresolved are consumed again. */
export type BatchHandler = (batch: ConsumedBatch, control: BatchControl) => Promise<void>;

/** Options of a consumer group member on one topic. */
export interface GroupConsumerOptions {
  readonly groupId: string;
  readonly topic: string;
  /** Partitions whose batches are handled at the same time. */
  readonly partitionsConsumedConcurrently: number;
  /** Most records handed to one handler call (librdkafka builds batches itself; kafkajs ignores it). */
  readonly maxBatchSize: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly fetchMaxWaitMs: number;
  readonly maxBytesPerPartition: number;
  /**
   * Commit resolved offsets through the group (at-least-once), every `commitIntervalMs`. False
   * in exactly-once mode, where offsets are committed inside the producer's transactions.
   */
  readonly commitOffsets: boolean;
  readonly commitIntervalMs: number;
  /** Read only committed transactional records. @defaultValue true */
  readonly readCommitted?: boolean;
  /**
   * Static membership (KIP-345): a member that leaves and comes back under the same id within
   * the session timeout gets its partitions back without a rebalance. Unset: dynamic membership.
   */
  readonly groupInstanceId?: string;
  /** The group protocol (librdkafka; kafkajs speaks only the classic one). @defaultValue 'classic' */
  readonly groupProtocol?: GroupProtocol;
  /** The consumer stopped for good (the client will not restart it). */
  readonly onCrash: (error: WorkerError) => void;
  /**
   * Where to start reading partitions this member is given, by partition (a fresh group's
   * starting point, e.g. a topic's end offsets taken before anything of interest was written):
   * applied at the first assignment of each, so nothing written after them can be skipped
   * however late the join completes. Unset: the committed offset, else the topic's beginning.
   */
  readonly startOffsets?: ReadonlyMap<number, string>;
  /** Told after each rebalance with the new assignment and the partitions taken away. */
  readonly onAssignment?: (partitions: readonly number[], revoked: readonly number[]) => void;
}

/** A consumer group member on one topic. */
export interface GroupConsumer {
  /** Connects, joins the group and hands each fetched batch to `handler`. */
  start(handler: BatchHandler): Promise<void>;
  /** Partitions currently assigned to this member, ascending. */
  readonly partitions: readonly number[];
  /** Connected to the cluster. */
  readonly isConnected: boolean;
  /** Paused by {@link pause}. */
  readonly isPaused: boolean;
  /** Stops fetching every partition of the topic, current and future assignments alike. */
  pause(): void;
  /** Resumes fetching. */
  resume(): void;
  /**
   * Stops fetching, lets the batches in flight finish, commits what they resolved while still
   * a member of the group, then leaves it. Safe to call twice.
   */
  stop(): Promise<void>;
}

/** Options of {@link KafkaClient.producer}. */
export interface ProducerOptions {
  /**
   * Give up on a send after about this long (the send rejects). Unset: the client's own bound
   * (kafkajs retries an idempotent send a few times, librdkafka for five minutes). A load
   * generator sets it so that a run ends when Kafka goes away for good.
   */
  readonly deliveryTimeoutMs?: number;
}

/** An idempotent producer with acks=all. */
export interface KafkaProducer {
  /** Produces every message; resolves once all of them are acknowledged by the in-sync replicas. */
  send(batches: readonly TopicMessages[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** One open Kafka transaction. */
export interface KafkaTransaction {
  /** Adds messages to the transaction. */
  send(batches: readonly TopicMessages[]): Promise<void>;
  /** Adds `consumer`'s next position to the transaction and commits it. */
  commit(consumer: GroupConsumer, position: PartitionOffset): Promise<void>;
  /** Aborts the transaction if it is still open. */
  abort(): Promise<void>;
}

/** A transactional producer (one transactional id). */
export interface TransactionalProducer {
  /** Opens a transaction. */
  begin(): Promise<KafkaTransaction>;
  disconnect(): Promise<void>;
}

/** One partition's offset. */
export interface PartitionPosition {
  readonly partition: number;
  /** Decimal string; -1 where a group has committed nothing. */
  readonly offset: string;
}

/** The few admin calls the worker and the load generator make. */
export interface KafkaAdmin {
  /** Names of the topics that exist. */
  listTopics(): Promise<string[]>;
  /** Each partition's end offset (the next offset to be written), ascending by partition. */
  topicEndOffsets(topic: string): Promise<PartitionPosition[]>;
  /** A group's committed offsets on a topic, one per partition (-1 where none). */
  groupOffsets(groupId: string, topic: string): Promise<PartitionPosition[]>;
  /** Deletes consumer groups that have no members. */
  deleteGroups(groupIds: readonly string[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** A Kafka client library behind the seam. */
export interface KafkaClient {
  readonly name: KafkaClientName;
  /** Library and version, e.g. `kafkajs 2.2.4` or `librdkafka 2.15.1 (@confluentinc/kafka-javascript 1.10.1)`. */
  readonly version: string;
  /** A connected idempotent producer (acks=all, ordered per partition). */
  producer(options?: ProducerOptions): Promise<KafkaProducer>;
  /** A connected transactional producer with the given transactional id. */
  transactionalProducer(transactionalId: string): Promise<TransactionalProducer>;
  /** A consumer group member; {@link GroupConsumer.start} joins. */
  consumer(options: GroupConsumerOptions): GroupConsumer;
  /** A connected admin client. */
  admin(): Promise<KafkaAdmin>;
}
