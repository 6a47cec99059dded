// What kafkajs and librdkafka's KafkaJS-compatible API share: the same producer and admin calls
// and the same message shape. Both implementations of the seam wrap their producers and admin
// clients here, so only what really differs (consumers, transactions' offsets, errors) is written
// twice.
import type { KafkaAdmin, KafkaProducer } from './kafka-client';
import type { TopicMessages } from './records';

/** Messages in the shape both APIs' `sendBatch` takes (mutable arrays). */
export interface KafkajsTopicMessages {
  topic: string;
  messages: {
    key: Buffer | string | null;
    value: Buffer;
    headers: Record<string, Buffer | string>;
    partition?: number;
  }[];
}

/** The producer calls the seam uses, as both APIs declare them. */
export interface KafkajsShapedProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(batch: { topicMessages: KafkajsTopicMessages[]; acks?: number }): Promise<unknown>;
}

/** The admin calls the seam uses, as both APIs declare them. */
export interface KafkajsShapedAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string }[]>;
  fetchOffsets(options: {
    groupId: string;
    topics: string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  deleteGroups(groupIds: string[]): Promise<unknown>;
}

/** The seam's messages in both APIs' shape. */
export function toKafkajsMessages(batches: readonly TopicMessages[]): KafkajsTopicMessages[] {
  return batches.map((b) => ({
    topic: b.topic,
    messages: b.messages.map((m) =>
      m.partition === undefined
        ? { key: m.key, value: m.value, headers: { ...m.headers } }
        : { key: m.key, value: m.value, headers: { ...m.headers }, partition: m.partition },
    ),
  }));
}

/**
 * Connects `producer` and wraps it as the seam's producer. `acks` goes with each send where the
 * API takes it there (kafkajs); librdkafka takes it in the producer's configuration instead.
 */
export async function seamProducer(
  producer: KafkajsShapedProducer,
  acks?: number,
): Promise<KafkaProducer> {
  await producer.connect();
  return {
    send: async (batches) => {
      const topicMessages = toKafkajsMessages(batches);
      await producer.sendBatch(acks === undefined ? { topicMessages } : { topicMessages, acks });
    },
    disconnect: () => producer.disconnect(),
  };
}

/** Connects `admin` and wraps it as the seam's admin client. */
export async function seamAdmin(admin: KafkajsShapedAdmin): Promise<KafkaAdmin> {
  await admin.connect();
  return {
    listTopics: () => admin.listTopics(),
    topicEndOffsets: async (topic) =>
      (await admin.fetchTopicOffsets(topic))
        .map((p) => ({ partition: p.partition, offset: p.high }))
        .sort((a, b) => a.partition - b.partition),
    groupOffsets: async (groupId, topic) => {
      const topics = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (topics.find((t) => t.topic === topic)?.partitions ?? [])
        .map((p) => ({ partition: p.partition, offset: p.offset }))
        .sort((a, b) => a.partition - b.partition);
    },
    deleteGroups: async (groupIds) => {
      await admin.deleteGroups([...groupIds]);
    },
    disconnect: () => admin.disconnect(),
  };
}
