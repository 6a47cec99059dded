// Stage 5: acknowledge. A delivery session carries one chunk from "messages to produce" to
// "source offsets committed", and hides whether that is at-least-once (produce with acks=all,
// then commit the consumer offsets) or exactly-once (one Kafka transaction holding the verdicts,
// the dead letters and the offsets). The pipeline code is the same for both.
import type {
  GroupConsumer,
  KafkaProducer,
  KafkaTransaction,
  TransactionalProducer,
} from '../kafka/kafka-client';
import type { TopicMessages } from './types';

/** One chunk's way to Kafka. */
export interface DeliverySession {
  /** Produces the messages; resolves once Kafka acknowledged them (or they joined the transaction). */
  send(batches: readonly TopicMessages[]): Promise<void>;
  /** Commits the chunk's source offsets (and, in exactly-once mode, the transaction). */
  commit(): Promise<void>;
  /** Gives up on what was sent (exactly-once: aborts the transaction); safe to call twice. */
  abort(): Promise<void>;
  /**
   * True when records whose produce failed will come back from Kafka by themselves (an aborted
   * transaction leaves their offsets uncommitted), so they must not also go to the retry queue.
   */
  readonly redeliversOnFailure: boolean;
}

/** Where a chunk's source records end: the next offset to read, per the Kafka convention. */
export interface SourcePosition {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the last record of the chunk. */
  readonly lastOffset: string;
}

/**
 * At-least-once: produce with acks=all through the idempotent producer, then `commitSource`
 * (resolve the offsets and commit them through the consumer).
 */
export function atLeastOnceSession(
  producer: KafkaProducer,
  commitSource: () => Promise<void>,
): DeliverySession {
  return {
    redeliversOnFailure: false,
    send: (batches) => producer.send(batches),
    commit: commitSource,
    abort: () => Promise.resolve(),
  };
}

/** A session with no source offsets (the retry processor acknowledges by completing its job). */
export function standaloneSession(producer: KafkaProducer): DeliverySession {
  return atLeastOnceSession(producer, () => Promise.resolve());
}

/**
 * Exactly-once: the messages and the consumer offsets go in one Kafka transaction of the input
 * partition's transactional producer; `afterCommit` then moves the consumer's fetch position.
 */
export function transactionalSession(
  producer: TransactionalProducer,
  consumer: GroupConsumer,
  position: SourcePosition,
  afterCommit: () => Promise<void>,
): DeliverySession {
  let transaction: KafkaTransaction | undefined;
  const open = async (): Promise<KafkaTransaction> => (transaction ??= await producer.begin());
  return {
    redeliversOnFailure: true,
    async send(batches) {
      const t = await open();
      await t.send(batches);
    },
    async commit() {
      const t = await open();
      const next = (BigInt(position.lastOffset) + 1n).toString();
      await t.commit(consumer, {
        topic: position.topic,
        partition: position.partition,
        offset: next,
      });
      transaction = undefined;
      await afterCommit();
    },
    async abort() {
      const t = transaction;
      transaction = undefined;
      await t?.abort();
    },
  };
}
