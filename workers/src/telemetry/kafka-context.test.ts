import { ROOT_CONTEXT, TraceFlags, trace, type SpanContext } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import type { IHeaders } from 'kafkajs';
import { extractTraceContext, injectTraceContext, traceHeadersOf } from './kafka-context';

const SAMPLED: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function contextOf(sc: SpanContext) {
  return trace.setSpanContext(ROOT_CONTEXT, sc);
}

describe('injectTraceContext / extractTraceContext', () => {
  it('round-trips a span context through kafkajs headers, as they come back from the broker', () => {
    const headers: IHeaders = { 'content-type': 'avro' };
    injectTraceContext(contextOf(SAMPLED), headers);
    expect(headers.traceparent).toBe(TRACEPARENT);
    expect(headers['content-type']).toBe('avro');

    // kafkajs hands consumed header values out as Buffers.
    const consumed: IHeaders = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, Buffer.from(String(v))]),
    );
    const extracted = trace.getSpanContext(extractTraceContext(consumed));
    expect(extracted).toEqual({ ...SAMPLED, isRemote: true });
  });

  it('carries tracestate along with traceparent', () => {
    const sc: SpanContext = {
      ...SAMPLED,
      traceState: new TraceState('vendor=abc'),
    };
    const empty: IHeaders = {};
    const headers = injectTraceContext(contextOf(sc), empty);
    expect(headers.tracestate).toBe('vendor=abc');
    const back = trace.getSpanContext(extractTraceContext(headers));
    expect(back?.traceState?.serialize()).toBe('vendor=abc');
  });

  it.each<[string, IHeaders]>([
    ['a string value', { traceparent: TRACEPARENT }],
    ['a Buffer value', { traceparent: Buffer.from(TRACEPARENT) }],
    [
      'an array value (repeated header): the first wins',
      { traceparent: [Buffer.from(TRACEPARENT), 'junk'] },
    ],
    ['a capitalised header name', { Traceparent: TRACEPARENT }],
  ])('reads %s', (_label, headers) => {
    expect(trace.getSpanContext(extractTraceContext(headers))?.spanId).toBe(SAMPLED.spanId);
  });

  it.each<[string, IHeaders | undefined]>([
    ['no headers at all', undefined],
    ['no traceparent', { other: 'x' }],
    ['a malformed traceparent', { traceparent: 'not-a-traceparent' }],
    [
      'an all-zero trace id',
      { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' },
    ],
    ['an undefined value', { traceparent: undefined }],
  ])('returns the base context for %s', (_label, headers) => {
    expect(extractTraceContext(headers)).toBe(ROOT_CONTEXT);
  });

  it('keeps the sampled flag off when the producer did not sample', () => {
    const ctx = extractTraceContext({ traceparent: TRACEPARENT.replace(/-01$/, '-00') });
    expect(trace.getSpanContext(ctx)?.traceFlags).toBe(TraceFlags.NONE);
  });

  it('replaces existing trace headers, whatever their case, and leaves others alone', () => {
    const headers: IHeaders = { TraceParent: 'stale', tracestate: 'stale=1', key: 'v' };
    injectTraceContext(contextOf(SAMPLED), headers);
    expect(headers).toEqual({ traceparent: TRACEPARENT, key: 'v' });
  });

  it('writes nothing for a context without a span', () => {
    expect(traceHeadersOf(ROOT_CONTEXT)).toEqual({});
  });

  it('gives JSON-safe headers for retry jobs that survive a JSON round trip', () => {
    const job = JSON.parse(JSON.stringify({ trace: traceHeadersOf(contextOf(SAMPLED)) })) as {
      trace: Record<string, string>;
    };
    expect(trace.getSpanContext(extractTraceContext(job.trace))?.traceId).toBe(SAMPLED.traceId);
  });
});
