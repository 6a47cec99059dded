// Test-owned Kafka topics: unique names per test, created with a few partitions, deleted after;
// and a sampler of a group's committed offsets over a run.
import { applyKafkajsIdleFix } from '@fraudstream/workers/kafka';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { HARNESS_KAFKA_SECURITY, KAFKA_BROKERS, sleep, uniqueName, waitFor } from './services';

/** A kafkajs client for test code (quiet: only errors). */
export function testKafka(clientId = uniqueName('fs-test')): Kafka {
  applyKafkajsIdleFix();
  return new Kafka({
    clientId,
    brokers: [...KAFKA_BROKERS],
    ...HARNESS_KAFKA_SECURITY,
    logLevel: logLevel.ERROR,
  });
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

/** A group's committed offset of one partition, as read at `at` (epoch ms, after the answer). */
export interface CommittedSample {
  readonly at: number;
  readonly partition: number;
  /** The next offset the group would read; -1 while nothing is committed. */
  readonly offset: number;
}

/**
 * Reads a group's committed offsets on a topic every `intervalMs` until stopped, keeping every
 * reading: how the offsets moved over a run, not only where they ended.
 */
export class CommittedOffsetSampler {
  readonly samples: CommittedSample[] = [];
  /** Readings that failed. */
  readonly failures: unknown[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  private constructor(
    private readonly admin: Admin,
    groupId: string,
    topic: string,
    intervalMs: number,
  ) {
    this.loop = this.run(groupId, topic, intervalMs);
  }

  /** Starts sampling. */
  static async start(
    groupId: string,
    topic: string,
    intervalMs = 100,
  ): Promise<CommittedOffsetSampler> {
    const admin = testKafka().admin();
    await admin.connect();
    return new CommittedOffsetSampler(admin, groupId, topic, intervalMs);
  }

  /** The latest reading of each partition. */
  latest(): Map<number, number> {
    const out = new Map<number, number>();
    for (const s of this.samples) out.set(s.partition, s.offset);
    return out;
  }

  /** Stops sampling and disconnects; safe to call twice. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.loop;
    await this.admin.disconnect();
  }

  private async run(groupId: string, topic: string, intervalMs: number): Promise<void> {
    while (this.running) {
      // A failed reading is a gap in the samples (kept in `failures`); the next one counts.
      const read = await this.admin
        .fetchOffsets({ groupId, topics: [topic] })
        .catch((error: unknown) => {
          this.failures.push(error);
          return [];
        });
      const at = Date.now();
      for (const { partitions } of read)
        for (const p of partitions)
          this.samples.push({ at, partition: p.partition, offset: Number(p.offset) });
      await sleep(intervalMs);
    }
  }
}

/** Waits until `groupId`'s committed offsets on `topic` are at the end of every partition. */
export async function waitForCommittedEnd(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<void> {
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  await waitFor(`group ${groupId} to commit the end of every partition of ${topic}`, async () => {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return committed?.partitions.every((p) => p.offset === ends.get(p.partition))
      ? true
      : undefined;
  });
}
