// Exactly-once mode: one transactional producer per input partition, with the transactional id
// `${prefix}-${topic}-${partition}`. The id is stable per partition (not per process) on
// purpose: when a partition moves to another worker, the new owner initialises the same id and
// Kafka fences the old owner's producer, so a stalled "zombie" can never commit a transaction
// for a partition it lost.
import type { KafkaClient, TransactionalProducer } from '../kafka/kafka-client';
import { SILENT_LOGGER, type Logger } from '../logging/logger';

/** Producers of the exactly-once mode, created on first use of a partition. */
export class TransactionalProducers {
  private readonly producers = new Map<string, Promise<TransactionalProducer>>();
  private readonly logger: Logger;

  /** `prefix` is FS_TRANSACTIONAL_ID_PREFIX. */
  constructor(
    private readonly client: KafkaClient,
    private readonly prefix: string,
    logger?: Logger,
  ) {
    this.logger = (logger ?? SILENT_LOGGER).child({ component: 'transactional-producers' });
  }

  /** The transactional id of a partition. */
  transactionalId(topic: string, partition: number): string {
    return `${this.prefix}-${topic}-${partition}`;
  }

  /** The connected producer of a partition. */
  async get(topic: string, partition: number): Promise<TransactionalProducer> {
    const id = this.transactionalId(topic, partition);
    let producer = this.producers.get(id);
    if (!producer) {
      producer = this.connect(id);
      this.producers.set(id, producer);
      // A failed connect must not stay cached.
      producer.catch(() => this.producers.delete(id));
    }
    return producer;
  }

  /** Drops a partition's producer (after a failure); the next `get` initialises a new one. */
  async discard(topic: string, partition: number): Promise<void> {
    const id = this.transactionalId(topic, partition);
    const producer = this.producers.get(id);
    this.producers.delete(id);
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  /** Disconnects every producer; safe to call twice. */
  async close(): Promise<void> {
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.all(all.map((p) => p.then((x) => x.disconnect()).catch(() => undefined)));
  }

  private async connect(transactionalId: string): Promise<TransactionalProducer> {
    const producer = await this.client.transactionalProducer(transactionalId);
    this.logger.debug('transactional producer ready', { transactionalId });
    return producer;
  }
}
