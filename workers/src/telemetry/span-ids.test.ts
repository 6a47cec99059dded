import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { ConfigError } from '@fraudstream/settings';
import { ATTR_FS_TRANSACTION_ID, ATTR_KAFKA_MESSAGE_KEY } from './attributes';
import { resolveTelemetryOptions, telemetryOptionsFromEnv } from './config';
import { spanIdMapper } from './span-ids';
import { initTracing } from './tracing';

const KEY = 'k'.repeat(16) + '0123456789abcdef';
const hmac = (key: string, id: string): string =>
  createHmac('sha256', key).update(id).digest('hex');

/** The `kafka.message.key` and transaction id of a send and a transaction span. */
async function spanIds(env: Record<string, string>): Promise<(string | undefined)[][]> {
  const exporter = new InMemorySpanExporter();
  const tracing = initTracing(
    { ...telemetryOptionsFromEnv(env), traceSampleRatio: 1 },
    { spanExporter: exporter },
  );
  const send = tracing.tracer.startSendSpan({ topic: 't', key: 'cust-7', transactionId: 'tx-7' });
  send.end();
  tracing.tracer
    .startTransactionSpan(send.context, {
      topic: 't',
      partition: 0,
      offset: '1',
      key: Buffer.from('cust-7'),
      transactionId: 'tx-7',
    })
    .end();
  await tracing.forceFlush();
  const spans = exporter.getFinishedSpans();
  await tracing.shutdown();
  return spans.map((s) => [
    s.attributes[ATTR_KAFKA_MESSAGE_KEY] as string | undefined,
    s.attributes[ATTR_FS_TRANSACTION_ID] as string | undefined,
  ]);
}

describe('customer ids on spans', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fs-span-ids-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('become HMAC-SHA-256 under FS_TRACE_ID_HASH_KEY; the transaction id stays raw', async () => {
    const hashed = hmac(KEY, 'cust-7');
    expect(await spanIds({ FS_TRACE_ID_HASH_KEY: KEY })).toEqual([
      [hashed, 'tx-7'],
      [hashed, 'tx-7'],
    ]);
  });

  it('stay raw with FS_TRACE_RAW_IDS=true', async () => {
    const raw = ['cust-7', 'tx-7'];
    expect(await spanIds({ FS_TRACE_RAW_IDS: 'true', FS_TRACE_ID_HASH_KEY: KEY })).toEqual([
      raw,
      raw,
    ]);
  });

  it('are hashed under a per-process random key when no key is set', async () => {
    const ids = await spanIds({});
    const sendKey = ids[0]?.[0];
    const txKey = ids[1]?.[0];
    expect(sendKey).toMatch(/^[0-9a-f]{64}$/);
    expect(txKey).toBe(sendKey);
    expect(sendKey).not.toBe(hmac(KEY, 'cust-7'));
    expect(resolveTelemetryOptions({}).traceIdHashKey).toBe(
      resolveTelemetryOptions({}).traceIdHashKey,
    );
  });

  it('take the key from FS_TRACE_ID_HASH_KEY_FILE, trailing newline and all', async () => {
    const file = join(dir, 'key');
    await writeFile(file, `${KEY}\n`);
    expect(await spanIds({ FS_TRACE_ID_HASH_KEY_FILE: file })).toContainEqual([
      hmac(KEY, 'cust-7'),
      'tx-7',
    ]);
  });

  it.each<[string, Record<string, string>]>([
    ['a key too short', { FS_TRACE_ID_HASH_KEY: 'short-key' }],
    ['a missing key file', { FS_TRACE_ID_HASH_KEY_FILE: '/nonexistent/fs-key' }],
    ['both the key and its file', { FS_TRACE_ID_HASH_KEY: KEY, FS_TRACE_ID_HASH_KEY_FILE: '/k' }],
  ])('refuse %s by name, never showing the key', (_what, env) => {
    let error: unknown;
    try {
      resolveTelemetryOptions(telemetryOptionsFromEnv(env));
    } catch (e: unknown) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/^FS_TRACE_ID_HASH_KEY/);
    expect((error as ConfigError).message).not.toContain(KEY);
    expect((error as ConfigError).message).not.toContain('short-key');
  });

  it('a short key in its file is refused too', async () => {
    const file = join(dir, 'short');
    await writeFile(file, 'short-key\n');
    expect(() =>
      resolveTelemetryOptions(telemetryOptionsFromEnv({ FS_TRACE_ID_HASH_KEY_FILE: file })),
    ).toThrow(/^FS_TRACE_ID_HASH_KEY: expected at least 32/);
  });

  it('spanIdMapper hashes one id the same way each time, and distinct ids apart', () => {
    const map = spanIdMapper({ key: KEY, raw: false });
    expect(map('a')).toBe(map('a'));
    expect(map('a')).not.toBe(map('b'));
    expect(spanIdMapper({ key: KEY, raw: true })('a')).toBe('a');
  });
});
