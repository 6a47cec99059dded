// A verdict (and dead-letter) collector: a consumer in its own group reading the decisions and
// dead-letter topics from the beginning, decoding every record with the schemas package.
import {
  AvroSerde,
  createEmbeddedRegistry,
  type DeadLetter,
  type Verdict,
} from '@fraudstream/schemas';
import type { Consumer, IHeaders } from 'kafkajs';
import { testKafka, type TestTopics } from './kafka';
import { uniqueName, waitFor } from './services';

/** A collected verdict with its Kafka coordinates. */
export interface CollectedVerdict {
  readonly verdict: Verdict;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly partition: number;
  /** The verdict record's Kafka timestamp (set by the worker's producer when it sent it), epoch ms. */
  readonly timestamp: number;
}

/** Collects what the workers write. */
export class RecordCollector {
  readonly verdicts: CollectedVerdict[] = [];
  readonly deadLetters: DeadLetter[] = [];
  private constructor(
    private readonly consumer: Consumer,
    readonly groupId: string,
  ) {}

  /** Starts collecting; `readCommitted` skips records of aborted transactions (exactly-once tests). */
  static async start(
    topics: Pick<TestTopics, 'decisions' | 'deadLetters'>,
    readCommitted = true,
  ): Promise<RecordCollector> {
    const serde = new AvroSerde(createEmbeddedRegistry());
    const groupId = uniqueName('collector');
    const consumer = testKafka().consumer({
      groupId,
      readUncommitted: !readCommitted,
      maxWaitTimeInMs: 50,
    });
    const collector = new RecordCollector(consumer, groupId);
    await consumer.connect();
    await consumer.subscribe({
      topics: [topics.decisions, topics.deadLetters],
      fromBeginning: true,
    });
    let joined: () => void = () => undefined;
    const hasJoined = new Promise<void>((resolve) => {
      joined = resolve;
    });
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (topic === topics.decisions) {
          const { value } = await serde.decode(message.value, 'Verdict');
          collector.verdicts.push({
            verdict: value,
            key: message.key?.toString() ?? null,
            headers: textHeaders(message.headers),
            partition,
            timestamp: Number(message.timestamp),
          });
        } else {
          collector.deadLetters.push((await serde.decode(message.value, 'DeadLetter')).value);
        }
      },
    });
    await hasJoined;
    return collector;
  }

  /** Distinct transaction ids verdicted so far. */
  verdictIds(): Set<string> {
    return new Set(this.verdicts.map((v) => v.verdict.transaction_id));
  }

  /** Waits until every id in `ids` has a verdict or a dead letter whose record it was. */
  async waitForVerdicts(ids: Iterable<string>, timeoutMs = 90_000): Promise<void> {
    const wanted = [...ids];
    await waitFor(
      `${wanted.length} verdicts`,
      () => {
        const seen = this.verdictIds();
        return wanted.every((id) => seen.has(id)) ? true : undefined;
      },
      timeoutMs,
      () => {
        const seen = this.verdictIds();
        const missing = wanted.filter((id) => !seen.has(id));
        return `${missing.length} missing (e.g. ${missing.slice(0, 5).join(', ')}), ${this.deadLetters.length} dead letters (${[...new Set(this.deadLetters.map((d) => `${d.reason_code}: ${d.reason_message}`))].slice(0, 3).join('; ')})`;
      },
    );
  }

  /** Waits until `count` dead letters arrived. */
  async waitForDeadLetters(count: number, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `${count} dead letters`,
      () => (this.deadLetters.length >= count ? true : undefined),
      timeoutMs,
      () =>
        `${this.deadLetters.length} so far: ${this.deadLetters.map((d) => d.reason_code).join(', ')}`,
    );
  }

  /** Stops the consumer (its group is deleted with the topics). */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first.toString();
  }
  return out;
}
