// Topics of their own for each benchmark run, so that no backlog, verdict or label of another
// run (or of the demo fleet on the shared topics) can reach the figures; deleted afterwards.
import type { Admin } from 'kafkajs';
import { LoadKafkaError } from '../errors';
import type { LoadTopics } from '../load/load-options';
import { DEFAULT_LOAD_TOPICS } from '../load/load-options';

/** Partitions of a run's topics (transactions, decisions); the stack's transactions count. */
export const DEFAULT_BENCH_PARTITIONS = 12;

/** `transactions-bench-<tag>`... for each topic of {@link DEFAULT_LOAD_TOPICS}. */
export function runTopicNames(tag: string): LoadTopics {
  return {
    transactions: `${DEFAULT_LOAD_TOPICS.transactions}-${tag}`,
    decisions: `${DEFAULT_LOAD_TOPICS.decisions}-${tag}`,
    labels: `${DEFAULT_LOAD_TOPICS.labels}-${tag}`,
    deadLetters: `${DEFAULT_LOAD_TOPICS.deadLetters}-${tag}`,
  };
}

/**
 * Creates the run's topics with the cluster's default replication (the local stack: 1 on a single
 * broker, 3 with min.insync.replicas 2 on three) and waits until every partition answers.
 */
export async function createRunTopics(
  admin: Admin,
  topics: LoadTopics,
  partitions: number,
  timeoutMs = 30_000,
): Promise<void> {
  const names = topicList(topics);
  try {
    await admin.createTopics({
      // kafkajs' own waitForLeaders gives up after its client retries (a few seconds), too soon
      // on a loaded machine; the loop below waits as long as `timeoutMs`.
      waitForLeaders: false,
      // No replicationFactor: -1, the broker's default.replication.factor. A fixed 1 left the
      // partitions of a killed node of the 3-node cluster without a leader until it came back.
      topics: [
        { topic: topics.transactions, numPartitions: partitions },
        { topic: topics.decisions, numPartitions: partitions },
        { topic: topics.labels, numPartitions: 4 },
        { topic: topics.deadLetters, numPartitions: 4 },
      ],
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // A leader in the metadata is not enough: the broker may still be loading the partition.
      // Ready means every topic answers a ListOffsets, which is what the run does first.
      const ready = await Promise.all(names.map((topic) => admin.fetchTopicOffsets(topic)))
        .then((all) => all.every((offsets, i) => offsets.length === (i < 2 ? partitions : 4)))
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline)
        throw new Error(`partitions did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (error) {
    throw new LoadKafkaError(`create topics ${names.join(', ')}`, error);
  }
}

/** Deletes the run's topics; failures are ignored (they are only clutter). */
export async function deleteRunTopics(admin: Admin, topics: LoadTopics): Promise<void> {
  await admin.deleteTopics({ topics: topicList(topics), timeout: 10_000 }).catch(() => undefined);
}

function topicList(topics: LoadTopics): string[] {
  return [topics.transactions, topics.decisions, topics.labels, topics.deadLetters];
}
