import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import * as attributes from './attributes';
import { extractTraceContext } from './kafka-context';
import { initMetrics } from './metrics';
import { initTracing } from './tracing';

/** The incubating entry point, loaded by file: TypeScript's node10 resolution cannot see subpath exports. */
function incubating(): Record<string, unknown> {
  const req = createRequire(__filename);
  const main = req.resolve('@opentelemetry/semantic-conventions');
  return req(join(dirname(main), 'index-incubating.cjs')) as Record<string, unknown>;
}

const constantValues = new Set(
  Object.entries(attributes)
    .filter(([name]) => name.startsWith('ATTR_'))
    .map(([, value]) => value as string),
);

describe('attribute names', () => {
  it('match the installed OpenTelemetry semantic conventions', () => {
    const semconv = incubating();
    const ours = attributes as unknown as Record<string, unknown>;
    const copied = Object.keys(ours).filter(
      (k) => k.startsWith('ATTR_') && !k.startsWith('ATTR_FS_'),
    );
    expect(copied.length).toBeGreaterThan(15);
    for (const name of copied) {
      expect({ name, value: ours[name] }).toEqual({ name, value: semconv[name] });
    }
    expect(attributes.MESSAGING_SYSTEM_KAFKA).toBe(semconv.MESSAGING_SYSTEM_NAME_VALUE_KAFKA);
    expect(attributes.DB_SYSTEM_REDIS).toBe(semconv.DB_SYSTEM_NAME_VALUE_REDIS);
    expect(attributes.MESSAGING_OPERATION_TYPE).toEqual({
      send: semconv.MESSAGING_OPERATION_TYPE_VALUE_SEND,
      receive: semconv.MESSAGING_OPERATION_TYPE_VALUE_RECEIVE,
      process: semconv.MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
    });
  });

  it('are the only attribute keys the span helpers emit', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = initTracing({ traceSampleRatio: 1 }, { spanExporter: exporter });
    const { tracer } = tracing;
    const send = tracer.startSendSpan({
      topic: 't',
      key: 'k',
      transactionId: 'tx',
      partition: 1,
      clientId: 'c',
    });
    send.end({ partition: 1 });
    const batch = tracer.startBatchSpan(
      { topic: 't', partition: 1, messages: [{ offset: '5', key: 'k', headers: send.headers }] },
      { consumerGroup: 'g', clientId: 'c' },
    );
    const tx = tracer.startTransactionSpan(
      batch.recordContexts[0] ?? extractTraceContext(undefined),
      {
        topic: 't',
        partition: 1,
        offset: '5',
        key: 'k',
        transactionId: 'tx',
        consumerGroup: 'g',
        attempt: 2,
        batch,
      },
    );
    await tracer.withBatchStage('features', { batch, transactions: [tx] }, () =>
      tracer
        .withRedisSpan('PIPELINE', () => Promise.reject(new Error('x')), { commandCount: 2 })
        .catch(() => 0),
    );
    await tracer.withStageSpan('produce', () => undefined, {
      parent: tx,
      destination: 'decisions',
    });
    tx.setVerdict({ decision: 'REVIEW', score: 0.5, modelVersion: 'v1', degraded: true });
    tx.end(new Error('late'));
    batch.end();
    await tracing.forceFlush();
    const keys = new Set<string>();
    for (const span of exporter.getFinishedSpans()) {
      for (const k of Object.keys(span.attributes)) keys.add(k);
      for (const link of span.links)
        for (const k of Object.keys(link.attributes ?? {})) keys.add(k);
    }
    await tracing.shutdown();
    expect([...keys].filter((k) => !constantValues.has(k))).toEqual([]);
    expect(keys.size).toBeGreaterThan(15);
  });

  it('are the only label names on fraudstream metrics', async () => {
    const handle = initMetrics();
    const m = handle.metrics;
    m.recordStage('decode', 1);
    m.countConsumed('t');
    m.countVerdict('APPROVE', 'v1');
    m.countRetry('r');
    m.countLabelRetry('r');
    m.countDeadLetter('r', 'bad_input');
    m.countRetryJobStalled();
    m.countRetryJobFailed('r');
    m.setConsumerLag('t', 0, 1);
    m.setModelVersion('v1');
    m.countError('kafka', 'c');
    const text = await handle.renderMetrics();
    await handle.shutdown();
    const labelNames = new Set(
      Object.entries(attributes)
        .filter(([name]) => name.startsWith('LABEL_'))
        .map(([, v]) => v as string),
    );
    labelNames.add('le');
    const used = new Set<string>();
    for (const line of text.split('\n').filter((l) => l.startsWith('fraudstream_'))) {
      for (const match of line.matchAll(/([a-z_]+)="/g)) used.add(match[1] ?? '');
    }
    expect([...used].filter((l) => !labelNames.has(l))).toEqual([]);
  });

  it('are not spelled out anywhere else in the telemetry code', () => {
    const literal = /'(?:messaging|kafka|fraudstream|db|error|service)\.[a-z_.]+'/g;
    const offenders = readdirSync(__dirname)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'attributes.ts')
      .flatMap((f) =>
        (readFileSync(join(__dirname, f), 'utf8').match(literal) ?? []).map((m) => `${f}: ${m}`),
      );
    expect(offenders).toEqual([]);
  });
});
