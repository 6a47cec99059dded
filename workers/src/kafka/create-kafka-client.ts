// Picks the client library behind the seam. Each implementation is loaded only when chosen: a
// kafkajs process never loads the native librdkafka addon, and a librdkafka one never patches
// kafkajs.
import type { KafkaClient, KafkaClientName, KafkaClientOptions } from './kafka-client';

/** The chosen client library, built (nothing connects yet). */
export async function createKafkaClient(
  name: KafkaClientName,
  options: KafkaClientOptions,
): Promise<KafkaClient> {
  if (name === 'librdkafka') {
    const { LibrdkafkaClient } = await import('./librdkafka-client');
    return new LibrdkafkaClient(options);
  }
  const { KafkajsClient } = await import('./kafkajs-client');
  return new KafkajsClient(options);
}
