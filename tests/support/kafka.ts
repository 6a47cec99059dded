// Test-owned Kafka topics: unique names per test, created with a few partitions, deleted after.
import { applyKafkajsIdleFix } from '@fraudstream/workers/kafka';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { KAFKA_BROKERS, uniqueName } from './services';

/** A kafkajs client for test code (quiet: only errors). */
export function testKafka(clientId = uniqueName('fs-test')): Kafka {
  applyKafkajsIdleFix();
  return new Kafka({ clientId, brokers: [...KAFKA_BROKERS], logLevel: logLevel.ERROR });
}

/** The four topics of a worker, with unique names. */
export interface TestTopics {
  readonly transactions: string;
  readonly decisions: string;
  readonly labels: string;
  readonly deadLetters: string;
}

/** Topics of one test; `delete()` removes them. */
export class TopicFixture implements TestTopics {
  readonly transactions = uniqueName('transactions');
  readonly decisions = uniqueName('decisions');
  readonly labels = uniqueName('fraud-labels');
  readonly deadLetters = uniqueName('transactions-dlq');

  private constructor(private readonly admin: Admin) {}

  /** Creates the topics; the input topic gets `partitions` partitions. */
  static async create(partitions = 4): Promise<TopicFixture> {
    const admin = testKafka().admin();
    await admin.connect();
    const fixture = new TopicFixture(admin);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: fixture.transactions, numPartitions: partitions },
        { topic: fixture.decisions, numPartitions: partitions },
        { topic: fixture.labels, numPartitions: 2 },
        { topic: fixture.deadLetters, numPartitions: 2 },
      ],
    });
    return fixture;
  }

  /** Deletes the topics and the given consumer groups; never throws (cleanup). */
  async delete(groups: readonly string[] = []): Promise<void> {
    try {
      if (groups.length > 0) await this.admin.deleteGroups([...groups]).catch(() => undefined);
      await this.admin.deleteTopics({
        topics: [this.transactions, this.decisions, this.labels, this.deadLetters],
      });
    } catch {
      // Best effort: a leftover uniquely named topic harms no other test.
    } finally {
      await this.admin.disconnect();
    }
  }
}

/** A connected idempotent producer for test input. */
export async function testProducer(): Promise<Producer> {
  const producer = testKafka().producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return producer;
}
