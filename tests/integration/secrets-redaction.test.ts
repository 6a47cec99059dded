// Credentials planted in every secret setting never come out again: not in `worker
// --print-config`, not in `doctor` (text and --json, Redis unreachable, reachable, or refusing the
// password), not in a config error, not in the log lines of a real worker process from start-up
// to shutdown (real Kafka, a private password-protected redis-server), and not in the spans and
// metrics it exports (an in-process OTLP receiver). The same run checks that customer ids reach
// spans only as HMAC-SHA-256 under FS_TRACE_ID_HASH_KEY, while transaction ids stay raw.
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { RecordCollector } from '../support/collector';
import { testProducer } from '../support/kafka';
import { TestModelStore } from '../support/model-store';
import { OtlpReceiver } from '../support/otlp-receiver';
import { TestRedisServer } from '../support/redis-server';
import { KAFKA_BROKERS, waitFor } from '../support/services';
import { produceTransactions, simulatedStream, TransactionEncoder } from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';
import { FRAUDSTREAM_BIN, WorkerProcess } from '../support/worker-process';

// Distinct, unguessable texts: a hit can only be a leak of the one planted.
const REDIS_PASSWORD = `redis-pw-${randomUUID()}`;
const REGISTRY_TOKEN = `registry-token-${randomUUID()}`;
const OTLP_TOKEN = `otlp-token-${randomUUID()}`;
const HASH_KEY = `hash-key-${randomUUID()}`;
const SECRETS = { REDIS_PASSWORD, REGISTRY_TOKEN, OTLP_TOKEN, HASH_KEY };

/** The planted secrets found in `text` (by name): [] when none leaked. */
function leaked(text: string | Buffer): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => text.includes(secret))
    .map(([name]) => name);
}

/** Runs `fraudstream <args>` with `env` over this process's; its exit code and all it printed. */
function fraudstream(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FRAUDSTREAM_BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('credentials stay out of every output', () => {
  let redis: TestRedisServer;
  let store: TestModelStore;

  beforeAll(async () => {
    redis = await TestRedisServer.start({ password: REDIS_PASSWORD });
    store = await TestModelStore.create(['v1']);
  });

  afterAll(async () => {
    await redis?.destroy();
    await store?.destroy();
  });

  /** A worker environment with a secret in every secret setting. */
  const plantedEnv = (redisUrl: string): Record<string, string> => ({
    FS_KAFKA_BROKERS: KAFKA_BROKERS.join(','),
    FS_REDIS_URL: redisUrl,
    FS_SCHEMA_REGISTRY_URL: `https://svc:${REGISTRY_TOKEN}@registry.invalid`,
    FS_OTLP_ENDPOINT: `http://collector:${OTLP_TOKEN}@127.0.0.1:1`,
    FS_TRACE_ID_HASH_KEY: HASH_KEY,
  });

  it('worker --print-config shows that they are set, never what they are', async () => {
    const { code, output } = await fraudstream(['worker', '--print-config'], plantedEnv(redis.url));
    expect(code).toBe(0);
    expect(leaked(output)).toEqual([]);
    const shown = JSON.parse(output) as Record<string, unknown>;
    expect(shown).toMatchObject({
      FS_REDIS_URL: `redis://:***@127.0.0.1:${redis.port}`,
      FS_SCHEMA_REGISTRY_URL: 'https://svc:***@registry.invalid',
      FS_OTLP_ENDPOINT: 'http://collector:***@127.0.0.1:1',
      FS_TRACE_ID_HASH_KEY: '(set)',
    });
  });

  it.each<[string, (port: number) => string]>([
    ['unreachable', () => `redis://:${REDIS_PASSWORD}@127.0.0.1:1`],
    ['reachable', (port) => `redis://:${REDIS_PASSWORD}@127.0.0.1:${port}`],
    ['refusing the password', (port) => `redis://:${REDIS_PASSWORD}x@127.0.0.1:${port}`],
  ])('doctor, text and --json, against a Redis %s', async (_what, url) => {
    const env = { ...plantedEnv(url(redis.port)), FS_KAFKA_CLIENT: 'kafkajs' };
    for (const args of [['doctor'], ['doctor', '--json']]) {
      const { output } = await fraudstream([...args, '--timeout-ms', '2000'], env);
      expect(output).toMatch(/redis/);
      expect({ args, leaked: leaked(output) }).toEqual({ args, leaked: [] });
    }
  });

  it.each<[string, Record<string, string>]>([
    ['a Redis URL of the wrong scheme', { FS_REDIS_URL: `ftp://:${REDIS_PASSWORD}@h:1` }],
    ['a hash key too short', { FS_TRACE_ID_HASH_KEY: 'short' }],
    [
      'a rule between settings failing',
      { FS_RETRY_MAX_DELAY_MS: '1', FS_RETRY_BASE_DELAY_MS: '9' },
    ],
  ])('a config error (%s) names the setting and shows no credential', async (_what, bad) => {
    const { code, output } = await fraudstream(['worker'], {
      ...plantedEnv(redis.url),
      ...bad,
    });
    expect(code).toBe(1);
    expect(output).toMatch(/FS_CONFIG_INVALID: FS_/);
    expect(leaked(output)).toEqual([]);
  });

  it('a real worker: its log lines from start-up to shutdown, its spans and metrics', async () => {
    const receiver = await OtlpReceiver.start();
    const fixture = await WorkerFixture.create({
      modelDir: store.dir,
      partitions: 2,
      redisUrl: redis.url,
    });
    const collector = await RecordCollector.start(fixture.topics);
    const producer = await testProducer();
    let worker: WorkerProcess | undefined;
    try {
      worker = new WorkerProcess(
        'worker-secrets',
        fixture.env({
          FS_OTLP_ENDPOINT: `http://collector:${OTLP_TOKEN}@127.0.0.1:${receiver.port}`,
          FS_TRACE_ID_HASH_KEY: HASH_KEY,
          FS_TRACING_ENABLED: 'true',
          FS_TRACE_SAMPLE_RATIO: '1',
          FS_METRICS_OTLP_ENABLED: 'true',
          FS_METRICS_EXPORT_INTERVAL_MS: '500',
          FS_LOG_LEVEL: 'debug',
        }),
      );
      await worker.ready();
      const stream = simulatedStream(20, fixture.id).map((s) => s.tx);
      await produceTransactions(
        producer,
        fixture.topics.transactions,
        stream,
        await new TransactionEncoder().prepare(),
      );
      await collector.waitForVerdicts(stream.map((tx) => tx.transaction_id));
      // The batch span processor exports every second: wait for the last transaction's span.
      const lastId = stream[stream.length - 1]?.transaction_id ?? '';
      await waitFor('the spans exported', () =>
        receiver.bodies('/v1/traces').includes(lastId) ? true : undefined,
      );
      const exit = await worker.stop();
      expect(exit.code).toBe(0);

      const logs = [...worker.logs.map((l) => JSON.stringify(l)), ...worker.stderr].join('\n');
      expect(logs).toMatch(/health server listening/);
      expect(leaked(logs)).toEqual([]);

      const spans = receiver.bodies('/v1/traces');
      const metrics = receiver.bodies('/v1/metrics');
      expect(metrics.length).toBeGreaterThan(0);
      expect(leaked(spans)).toEqual([]);
      expect(leaked(metrics)).toEqual([]);
      // Customer ids only as their keyed hash; transaction ids as they are.
      const hmac = (id: string): string => createHmac('sha256', HASH_KEY).update(id).digest('hex');
      for (const tx of stream) {
        expect(spans.includes(tx.transaction_id)).toBe(true);
        expect({ customer: tx.customer_id, raw: spans.includes(tx.customer_id) }).toEqual({
          customer: tx.customer_id,
          raw: false,
        });
        expect(spans.includes(hmac(tx.customer_id))).toBe(true);
      }
    } finally {
      await worker?.stop();
      await producer.disconnect();
      await collector.stop();
      await fixture.cleanup([collector.groupId]);
      await receiver.stop();
    }
  });
});
