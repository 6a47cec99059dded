// A static member fenced by another with its group.instance.id (what a zombie worker meets when
// its replacement has taken its name) is finished for good on librdkafka: the client leaves the
// consumer idle and only logs. The seam must tell the worker (onCrash), which then exits so that
// its orchestrator restarts it, rather than sit "ready" with no partitions forever.
import {
  createKafkaClient,
  type GroupConsumer,
  type KafkaClient,
} from '@fraudstream/workers/kafka';
import { SILENT_LOGGER, type WorkerError } from '@fraudstream/workers';
import { TopicFixture } from '../support/kafka';
import { KAFKA_BROKERS, uniqueName, waitFor } from '../support/services';

describe('Kafka seam on librdkafka: a fenced static member', () => {
  let topics: TopicFixture;
  let client: KafkaClient;
  const groupId = uniqueName('fencing');
  const consumers: GroupConsumer[] = [];

  beforeAll(async () => {
    topics = await TopicFixture.create(2);
    client = await createKafkaClient('librdkafka', {
      clientId: 'fencing-test',
      brokers: KAFKA_BROKERS,
      logger: SILENT_LOGGER,
      logLevel: 'error',
    });
  });

  afterAll(async () => {
    for (const c of consumers) await c.stop().catch(() => undefined);
    await topics.delete([groupId]);
  });

  function member(crashes: WorkerError[], assigned: number[][]): GroupConsumer {
    const consumer = client.consumer({
      groupId,
      topic: topics.transactions,
      partitionsConsumedConcurrently: 1,
      maxBatchSize: 100,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 1000,
      fetchMaxWaitMs: 100,
      maxBytesPerPartition: 1_048_576,
      commitOffsets: true,
      commitIntervalMs: 1000,
      groupInstanceId: 'worker-0',
      onCrash: (error) => crashes.push(error),
      onAssignment: (partitions) => assigned.push([...partitions]),
    });
    consumers.push(consumer);
    return consumer;
  }

  it('reports the fenced member as crashed, and the one that took its name keeps consuming', async () => {
    const zombieCrashes: WorkerError[] = [];
    const zombieAssigned: number[][] = [];
    await member(zombieCrashes, zombieAssigned).start(() => Promise.resolve());
    await waitFor('the first member to be assigned', () =>
      zombieAssigned.some((p) => p.length === 2) ? true : undefined,
    );

    const heirCrashes: WorkerError[] = [];
    const heirAssigned: number[][] = [];
    await member(heirCrashes, heirAssigned).start(() => Promise.resolve());

    const crash = await waitFor(
      'the first member to be reported crashed',
      () => zombieCrashes[0],
      30_000,
    );
    expect(crash.code).toBe('FS_KAFKA_CRASH');
    expect(crash.retriable).toBe(false);
    expect(crash.message).toContain('Fatal error');
    await waitFor('the second member to hold both partitions', () =>
      heirAssigned.some((p) => p.length === 2) ? true : undefined,
    );
    expect(heirCrashes).toEqual([]);
    expect(zombieCrashes).toHaveLength(1);
  });
});
