import type { KafkaClient } from '../kafka/kafka-client';
import type { WorkerConfig } from '../config/worker-config';
import { ConfigError } from '../errors';

/**
 * Fails start-up when a topic is missing (topics are created by deployment, never by the
 * worker): otherwise every verdict would fail to produce and end in the retry queue.
 */
export async function checkTopics(client: KafkaClient, config: WorkerConfig): Promise<void> {
  const wanted: [string, string][] = [
    ['FS_TOPIC_TRANSACTIONS', config.transactionsTopic],
    ['FS_TOPIC_DECISIONS', config.decisionsTopic],
    ['FS_TOPIC_DLQ', config.deadLetterTopic],
  ];
  if (config.labelsEnabled) wanted.push(['FS_TOPIC_LABELS', config.labelsTopic]);
  const admin = await client.admin();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.find(([, topic]) => !existing.has(topic));
    if (missing) {
      throw new ConfigError(
        missing[0],
        'an existing topic (create it first, e.g. bash deploy/local/stack.sh up)',
        missing[1],
      );
    }
  } finally {
    await admin.disconnect();
  }
}
