import { workerEnv } from './fleet';

const SPEC = {
  size: 2,
  brokers: ['k:1', 'k:2'],
  groupId: 'g',
  topics: { transactions: 't', decisions: 'd', labels: 'l', deadLetters: 'q' },
  runTag: 'capacity-abc',
  readyTimeoutMs: 1,
};

describe('workerEnv', () => {
  it("tells every worker, scoring or passthrough, its fleet's Kafka client", () => {
    const env = workerEnv({ ...SPEC, kafkaClient: 'librdkafka' }, 1);
    expect(env.kafkaClient).toBe('librdkafka');
    expect(env.env).toMatchObject({
      FS_KAFKA_BROKERS: 'k:1,k:2',
      FS_KAFKA_CLIENT: 'librdkafka',
      FS_INSTANCE_ID: 'bench-capacity-abc-1',
    });
  });

  it("leaves FS_KAFKA_CLIENT to the worker's own environment when the fleet names none", () => {
    const env = workerEnv(SPEC, 0);
    expect(env.kafkaClient).toBeUndefined();
    expect(env.env).not.toHaveProperty('FS_KAFKA_CLIENT');
  });

  it('lets a variant override the fleet settings', () => {
    const env = workerEnv(
      { ...SPEC, kafkaClient: 'kafkajs', env: () => ({ FS_LOG_LEVEL: 'info' }) },
      0,
    );
    expect(env.env).toMatchObject({ FS_KAFKA_CLIENT: 'kafkajs', FS_LOG_LEVEL: 'info' });
  });
});
