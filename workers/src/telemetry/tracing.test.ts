import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Link } from '@opentelemetry/api';
import { InMemorySpanExporter, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import Redis from 'ioredis';
import {
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
} from './attributes';
import { createSampler, initTracing, LinkAwareRatioSampler } from './tracing';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const sampledLink: Link = {
  context: { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED },
};
const unsampledLink: Link = {
  context: { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE },
};
const batchAttrs = { [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: 2 };

describe('sampling', () => {
  it('samples a batch span at ratio 0 when one of its records was sampled', () => {
    const s = new LinkAwareRatioSampler(0);
    const decide = (attrs: Record<string, number>, links: Link[]) =>
      s.shouldSample(ROOT_CONTEXT, TRACE_ID, 'x', SpanKind.CONSUMER, attrs, links).decision;
    expect(decide(batchAttrs, [unsampledLink, sampledLink])).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
    expect(decide(batchAttrs, [unsampledLink])).toBe(SamplingDecision.NOT_RECORD);
    // Only batch spans: any other span with a sampled link is left to the ratio.
    expect(decide({}, [sampledLink])).toBe(SamplingDecision.NOT_RECORD);
  });

  it('lets a remote parent decide, whatever the ratio', () => {
    const withParent = (flags: TraceFlags) =>
      trace.setSpanContext(ROOT_CONTEXT, {
        traceId: TRACE_ID,
        spanId: '00f067aa0ba902b7',
        traceFlags: flags,
        isRemote: true,
      });
    const decide = (ratio: number, flags: TraceFlags) =>
      createSampler(ratio).shouldSample(withParent(flags), TRACE_ID, 'x', SpanKind.CONSUMER, {}, [])
        .decision;
    expect(decide(0, TraceFlags.SAMPLED)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(1, TraceFlags.NONE)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('samples new traces at the configured ratio', () => {
    const rootDecisions = (ratio: number) => {
      const sampler = createSampler(ratio);
      let sampled = 0;
      for (let i = 0; i < 2000; i++) {
        const traceId = randomBytes(16).toString('hex');
        const d = sampler.shouldSample(
          ROOT_CONTEXT,
          traceId,
          'x',
          SpanKind.CONSUMER,
          {},
          [],
        ).decision;
        if (d === SamplingDecision.RECORD_AND_SAMPLED) sampled++;
      }
      return sampled;
    };
    expect(rootDecisions(0)).toBe(0);
    expect(rootDecisions(1)).toBe(2000);
    const half = rootDecisions(0.5);
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(2000);
  });
});

describe('Redis command spans (FS_TRACE_REDIS_COMMANDS)', () => {
  // A stand-in Redis that answers every command with a nil reply: no real server needed.
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      socket.on('data', (chunk) => {
        const commands = chunk.toString('utf8').match(/^\*\d+\r$/gm)?.length ?? 0;
        socket.write('$-1\r\n'.repeat(commands));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  const client = () =>
    new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableReadyCheck: false });

  async function runGet(options: { traceRedisCommands: boolean; traceRedisArgs?: boolean }) {
    // The client exists before tracing starts, as in the worker: import order must not matter.
    const redis = client();
    const exporter = new InMemorySpanExporter();
    const tracing = initTracing({ traceSampleRatio: 1, ...options }, { spanExporter: exporter });
    try {
      // Connected outside any span: the connection's own CLIENT SETINFO commands stay untraced.
      await redis.connect();
      await tracing.tracer.withStageSpan('features', () => redis.get('customer:42'));
      await tracing.forceFlush();
      // ioredis also gets a `connect` span; only commands matter here.
      return exporter
        .getFinishedSpans()
        .filter((s) => s.attributes[ATTR_DB_SYSTEM_NAME] === 'redis' && s.name !== 'connect');
    } finally {
      redis.disconnect();
      await tracing.shutdown();
    }
  }

  it('traces each command with its arguments redacted by default', async () => {
    const spans = await runGet({ traceRedisCommands: true });
    expect(spans.map((s) => [s.name, s.attributes[ATTR_DB_QUERY_TEXT]])).toEqual([['get', 'get']]);
  });

  it('keeps arguments only when FS_TRACE_REDIS_ARGS allows it', async () => {
    const spans = await runGet({ traceRedisCommands: true, traceRedisArgs: true });
    expect(spans.map((s) => s.attributes[ATTR_DB_QUERY_TEXT])).toEqual(['get customer:42']);
  });

  it('adds no command spans when off, and removes the patch on shutdown', async () => {
    expect(await runGet({ traceRedisCommands: false })).toEqual([]);
    const sendCommandOf = (): unknown =>
      Object.getOwnPropertyDescriptor(Redis.prototype, 'sendCommand')?.value;
    const before = sendCommandOf();
    const tracing = initTracing(
      { traceSampleRatio: 1, traceRedisCommands: true },
      { spanExporter: new InMemorySpanExporter() },
    );
    expect(sendCommandOf()).not.toBe(before);
    await tracing.shutdown();
    expect(sendCommandOf()).toBe(before);
  });
});

describe('initTracing', () => {
  it('shuts down twice without error and unregisters its globals', async () => {
    const tracing = initTracing(
      { traceSampleRatio: 1 },
      { spanExporter: new InMemorySpanExporter() },
    );
    expect(trace.getTracerProvider()).not.toBeUndefined();
    await tracing.shutdown();
    await expect(tracing.shutdown()).resolves.toBeUndefined();
    // A second setup can register again once the first is gone.
    const again = initTracing(
      { traceSampleRatio: 1 },
      { spanExporter: new InMemorySpanExporter() },
    );
    await again.shutdown();
  });
});
