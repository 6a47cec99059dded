import { TraceLookupError } from '../errors';
import {
  findTransactionTraces,
  toTraceView,
  type JaegerSpan,
  type JaegerTrace,
} from './jaeger-query';
import { formatTraceBreakdown, kafkaWaitsMs, stageTotals } from './trace-breakdown';

const T = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const T0 = 1_700_000_000_000_000; // µs

function span(
  id: string,
  name: string,
  processID: string,
  start: number,
  duration: number,
  extra: Partial<JaegerSpan> = {},
  tags: Record<string, unknown> = {},
): JaegerSpan {
  return {
    traceID: T,
    spanID: id,
    operationName: name,
    processID,
    startTime: T0 + start,
    duration,
    references: [],
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    ...extra,
  };
}
const child = (parent: string) => ({
  references: [{ refType: 'CHILD_OF', traceID: T, spanID: parent }],
});

/** One transaction as Jaeger returns it: loadgen send, worker process, four stages. */
const FIXTURE: JaegerTrace = {
  traceID: T,
  processes: {
    p1: { serviceName: 'fraudstream-loadgen' },
    p2: { serviceName: 'fraudstream-worker' },
  },
  spans: [
    // Deliberately out of order: the view sorts by tree and start time.
    span('s5', 'inference', 'p2', 9_000, 8_000, child('s2'), { 'fraudstream.stage': 'inference' }),
    span(
      's1',
      'send transactions',
      'p1',
      0,
      1_500,
      {},
      {
        'span.kind': 'producer',
        'messaging.destination.partition.id': '3',
        'kafka.message.key': 'cust-1',
      },
    ),
    span(
      's2',
      'process transactions',
      'p2',
      2_000,
      20_000,
      {
        references: [
          { refType: 'CHILD_OF', traceID: T, spanID: 's1' },
          { refType: 'FOLLOWS_FROM', traceID: 'b'.repeat(32), spanID: 'batch' },
        ],
      },
      {
        'span.kind': 'consumer',
        'kafka.offset': 42,
        'messaging.consumer.group.name': 'scorers',
        'fraudstream.decision': 'DECLINE',
        'fraudstream.score': 0.912345,
        'fraudstream.model_version': 'v7',
        'fraudstream.attempt': 2,
      },
    ),
    span('s3', 'decode', 'p2', 2_100, 100, child('s2'), { 'fraudstream.stage': 'decode' }),
    span('s4', 'features', 'p2', 2_300, 6_000, child('s2'), { 'fraudstream.stage': 'features' }),
    span('s6', 'send decisions', 'p2', 17_500, 4_000, child('s2'), {
      'fraudstream.stage': 'produce',
      'span.kind': 'producer',
      error: true,
      'error.type': 'FS_PRODUCE_FAILED',
    }),
  ],
};

describe('toTraceView', () => {
  it('orders spans depth first by start time, with parents from CHILD_OF references in the trace', () => {
    const view = toTraceView(FIXTURE);
    expect(view.spans.map((s) => [s.name, s.depth, s.parentSpanId])).toEqual([
      ['send transactions', 0, undefined],
      ['process transactions', 1, 's1'],
      ['decode', 2, 's2'],
      ['features', 2, 's2'],
      ['inference', 2, 's2'],
      ['send decisions', 2, 's2'],
    ]);
    expect(view.services).toEqual(['fraudstream-loadgen', 'fraudstream-worker']);
    expect(view.durationUs).toBe(22_000);
    expect(view.spans.find((s) => s.name === 'send decisions')?.error).toBe(true);
  });

  it('treats a span whose parent is missing from the trace as a root', () => {
    const view = toTraceView({ ...FIXTURE, spans: FIXTURE.spans.filter((s) => s.spanID !== 's1') });
    expect(view.spans[0]?.name).toBe('process transactions');
    expect(view.spans[0]?.depth).toBe(0);
  });
});

describe('formatTraceBreakdown', () => {
  it('prints each span indented under its parent with offsets, durations and key attributes', () => {
    const text = formatTraceBreakdown(toTraceView(FIXTURE), 'tx-1');
    const lines = text.split('\n');
    expect(lines[0]).toContain(`trace ${T}  transaction tx-1: 6 spans`);
    expect(text).toMatch(
      /^\s+0\.000\s+1\.500\s+fraudstream-loadgen\s+send transactions {2}partition=3 key=cust-1$/m,
    );
    expect(text).toMatch(
      /^\s+2\.000\s+20\.000\s+fraudstream-worker\s+└─ process transactions {2}offset=42 group=scorers decision=DECLINE score=0\.9123 model=v7 attempt=2$/m,
    );
    expect(text).toMatch(/^\s+2\.100\s+0\.100\s+fraudstream-worker\s+ {3}├─ decode$/m);
    expect(text).toMatch(
      /^\s+17\.500\s+4\.000\s+fraudstream-worker\s+ {3}└─ send decisions \[ERROR\] {2}error=FS_PRODUCE_FAILED$/m,
    );
    expect(text).toContain(
      'stages: decode 0.100 ms | features 6.000 ms | inference 8.000 ms | produce 4.000 ms',
    );
    expect(text).toContain('in kafka (send end to process start): 0.500 ms');
  });

  it('sums stages and Kafka waits', () => {
    const view = toTraceView(FIXTURE);
    expect(stageTotals(view).map((s) => s.stage)).toEqual([
      'decode',
      'features',
      'inference',
      'produce',
    ]);
    expect(kafkaWaitsMs(view)).toEqual([0.5]);
  });

  it('orders stages that start in the same millisecond by their place in the pipeline', () => {
    const tied: JaegerTrace = {
      traceID: T,
      processes: { p2: { serviceName: 'fraudstream-worker' } },
      spans: [
        span('s1', 'process transactions', 'p2', 0, 5_000),
        span('s3', 'features', 'p2', 1_000, 2_000, child('s1'), {
          'fraudstream.stage': 'features',
        }),
        span('s2', 'decode', 'p2', 1_000, 50, child('s1'), { 'fraudstream.stage': 'decode' }),
        span('s4', 'send decisions', 'p2', 3_000, 500, child('s1'), {
          'fraudstream.stage': 'produce',
        }),
      ],
    };
    expect(stageTotals(toTraceView(tied)).map((s) => s.stage)).toEqual([
      'decode',
      'features',
      'produce',
    ]);
  });
});

describe('findTransactionTraces', () => {
  function fakeJaeger(traces: Record<string, JaegerTrace[]>, services = Object.keys(traces)) {
    const urls: string[] = [];
    const answer = (url: URL): Response => {
      if (url.pathname === '/api/services') {
        return new Response(JSON.stringify({ data: services, errors: null }));
      }
      if (url.pathname === '/api/traces') {
        const service = url.searchParams.get('service') ?? '';
        return new Response(JSON.stringify({ data: traces[service] ?? [], errors: null }));
      }
      return new Response('not found', { status: 404 });
    };
    const fetchFn = ((input: string | URL) => {
      const url = new URL(input);
      urls.push(url.pathname + url.search);
      return Promise.resolve(answer(url));
    }) as typeof fetch;
    return { fetchFn, urls };
  }

  it('searches every service by the transaction id tag and merges the copies of one trace', async () => {
    const { fetchFn, urls } = fakeJaeger({
      'fraudstream-loadgen': [FIXTURE],
      'fraudstream-worker': [FIXTURE],
      jaeger: [],
    });
    const traces = await findTransactionTraces('tx-1', {
      jaegerUrl: 'http://jaeger:16686/',
      fetch: fetchFn,
    });
    expect(traces.map((t) => t.traceId)).toEqual([T]);
    const searches = urls.filter((u) => u.startsWith('/api/traces'));
    expect(searches).toHaveLength(2); // jaeger's own service is skipped
    const params = new URLSearchParams(searches[0]?.split('?')[1]);
    expect(JSON.parse(params.get('tags') ?? '')).toEqual({ 'fraudstream.transaction_id': 'tx-1' });
  });

  it('asks one service only when given', async () => {
    const { fetchFn, urls } = fakeJaeger({ 'fraudstream-worker': [FIXTURE] });
    await findTransactionTraces('tx-1', { service: 'fraudstream-worker', fetch: fetchFn });
    expect(urls.some((u) => u.startsWith('/api/services'))).toBe(false);
  });

  it('says FS_TRACE_NOT_FOUND, with a hint about sampling, when no trace matches', async () => {
    const { fetchFn } = fakeJaeger({ 'fraudstream-worker': [] });
    await expect(findTransactionTraces('tx-9', { fetch: fetchFn })).rejects.toMatchObject({
      code: 'FS_TRACE_NOT_FOUND',
      message: expect.stringContaining('FS_TRACE_SAMPLE_RATIO') as string,
    });
  });

  it('says FS_TRACE_QUERY when Jaeger cannot be reached or answers an error', async () => {
    const refused = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    await expect(findTransactionTraces('tx', { fetch: refused })).rejects.toBeInstanceOf(
      TraceLookupError,
    );
    await expect(findTransactionTraces('tx', { fetch: refused })).rejects.toMatchObject({
      code: 'FS_TRACE_QUERY',
    });
    const failing = (() => Promise.resolve(new Response('boom', { status: 503 }))) as typeof fetch;
    await expect(findTransactionTraces('tx', { fetch: failing })).rejects.toMatchObject({
      code: 'FS_TRACE_QUERY',
      message: expect.stringContaining('503') as string,
    });
  });
});
