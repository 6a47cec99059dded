import { LoadOptionsError } from '../errors';
import {
  DEFAULT_BENCH_OPTIONS,
  SMOKE_BENCH_SIZES,
  compileBenchOptions,
  defaultKafkaClient,
} from './bench-options';
import { runBench } from './run-bench';

describe('compileBenchOptions', () => {
  it('uses the full sizes by default and smoke sizes where the caller set nothing', () => {
    const full = compileBenchOptions({ brokers: ['k:1'] });
    expect(full.stepMs).toBe(DEFAULT_BENCH_OPTIONS.stepMs);
    expect(full.seedDurationMs).toBe(600_000);
    const smoke = compileBenchOptions({ brokers: ['k:1'], smoke: true, rampTps: [300] });
    expect(smoke.stepMs).toBe(SMOKE_BENCH_SIZES.stepMs);
    expect(smoke.rampTps).toEqual([300]);
    expect(smoke.load.graceMs).toBe(SMOKE_BENCH_SIZES.graceMs);
    expect(
      compileBenchOptions({ brokers: ['k:1'], smoke: true, load: { graceMs: 1 } }).load.graceMs,
    ).toBe(1);
  });

  it('samples at 0 %, 1 % and 100 % into the local Jaeger unless told otherwise', () => {
    const o = compileBenchOptions({ brokers: ['k:1'] });
    expect(o.samplingRatios).toEqual([0, 0.01, 1]);
    expect(o.otlpEndpoint).toBe('http://127.0.0.1:14318');
    expect(
      compileBenchOptions({ brokers: ['k:1'], otlpEndpoint: 'http://collector:4318/' })
        .otlpEndpoint,
    ).toBe('http://collector:4318');
  });

  it("measures FS_KAFKA_CLIENT's client unless told which clients to compare", () => {
    expect(defaultKafkaClient({})).toBe('kafkajs');
    expect(defaultKafkaClient({ FS_KAFKA_CLIENT: 'librdkafka' })).toBe('librdkafka');
    expect(() => defaultKafkaClient({ FS_KAFKA_CLIENT: 'rdkafka' })).toThrow(/FS_KAFKA_CLIENT/);
    const both = compileBenchOptions({ brokers: ['k:1'], clients: ['librdkafka', 'kafkajs'] });
    expect(both.clients).toEqual(['librdkafka', 'kafkajs']);
  });

  it.each([
    ['clients', { clients: [] as const }],
    ['clients[1]', { clients: ['kafkajs', 'kafkajs'] as const }],
    ['clients[0]', { clients: ['rdkafka'] as never }],
    ['workers', { workers: 0 }],
    ['fleetSizes[1]', { fleetSizes: [1, 2.5] }],
    ['rampTps', { rampTps: [] }],
    ['stepMs', { stepMs: -1 }],
    ['samplingRatios[1]', { samplingRatios: [0, 1.5] }],
    ['samplingRatios', { samplingRatios: [] }],
    ['otlpEndpoint', { otlpEndpoint: 'localhost:4318' }],
  ])('names a bad %s', (setting, raw) => {
    expect.assertions(1);
    try {
      compileBenchOptions({ brokers: ['k:1'], ...raw });
    } catch (error) {
      expect(error instanceof LoadOptionsError && error.setting).toBe(setting);
    }
  });
});

describe('runBench', () => {
  it('compares clients only in capacity and passthrough, before touching Kafka', async () => {
    await expect(
      runBench('seed', {
        brokers: ['127.0.0.1:1'],
        clients: ['kafkajs', 'librdkafka'],
        startWorker: () => Promise.reject(new Error('not started')),
      }),
    ).rejects.toMatchObject({ code: 'FS_LOAD_INVALID_OPTIONS', setting: 'clients' });
  });

  it('refuses a scoring scenario without a worker launcher before touching Kafka', async () => {
    await expect(runBench('capacity', { brokers: ['127.0.0.1:1'] })).rejects.toMatchObject({
      code: 'FS_LOAD_INVALID_OPTIONS',
      setting: 'startWorker',
    });
  });
});
