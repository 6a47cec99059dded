import {
  ROOT_CONTEXT,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { IHeaders } from 'kafkajs';

/** Kafka record headers as kafkajs takes them (writable). */
export type KafkaHeaders = IHeaders;

/** One header value as kafkajs hands it out: a repeated key gives an array. */
export type KafkaHeaderValue = Buffer | string | readonly (Buffer | string)[] | undefined;

/** Kafka record headers to read from; kafkajs's `IHeaders` and read-only copies both fit. */
export type ReadableKafkaHeaders = Readonly<Record<string, KafkaHeaderValue>>;

/** W3C header names carried on every traced record (`traceparent`, `tracestate`). */
export const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

// One propagator instance of our own rather than the global `propagation` API: the wire contract
// is W3C trace context whatever the process registered, and extraction and injection keep
// working when tracing is disabled — the no-op tracer hands the incoming span context through,
// so a worker with tracing off still forwards the producer's traceparent onto the verdict.
const propagator = new W3CTraceContextPropagator();

function headerText(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** Reads W3C headers from kafkajs headers: values may be Buffers, strings or arrays of either. */
export const KAFKA_HEADERS_GETTER: TextMapGetter<ReadableKafkaHeaders> = {
  keys(carrier) {
    return Object.keys(carrier);
  },
  get(carrier, key) {
    // Kafka header names are case-sensitive; W3C names are lowercase but some producers
    // capitalise them (`Traceparent`), so fall back to a case-insensitive match.
    let value = carrier[key];
    if (value === undefined) {
      const match = Object.keys(carrier).find((k) => k.toLowerCase() === key);
      value = match === undefined ? undefined : carrier[match];
    }
    if (value === undefined) return undefined;
    return typeof value === 'string' || Buffer.isBuffer(value)
      ? headerText(value)
      : value.map(headerText);
  },
};

/** Writes W3C headers as strings (kafkajs encodes strings as UTF-8 on the wire). */
export const KAFKA_HEADERS_SETTER: TextMapSetter<KafkaHeaders> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

/**
 * Writes the span context of `ctx` into `headers` as W3C `traceparent`/`tracestate` and returns
 * the same object. Existing trace headers are replaced; other headers are left alone. Writes
 * nothing when `ctx` holds no valid span context.
 */
export function injectTraceContext<T extends KafkaHeaders>(ctx: Context, headers: T): T {
  for (const name of TRACE_HEADERS) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) delete headers[key];
    }
  }
  propagator.inject(ctx, headers, KAFKA_HEADERS_SETTER);
  return headers;
}

/** The W3C trace headers of `ctx` as a plain, JSON-safe object (for BullMQ job data). */
export function traceHeadersOf(ctx: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  return injectTraceContext(ctx, headers);
}

/**
 * Reads the producer's span context from record headers. Returns a context whose span is the
 * remote producer span (use it as the parent of the process span), or `base` unchanged when the
 * record carries no valid `traceparent`. `base` defaults to the root context on purpose: a
 * consumed record must not inherit whatever span happens to be active in the consumer.
 */
export function extractTraceContext(
  headers: ReadableKafkaHeaders | undefined,
  base: Context = ROOT_CONTEXT,
): Context {
  if (headers === undefined) return base;
  return propagator.extract(base, headers, KAFKA_HEADERS_GETTER);
}
