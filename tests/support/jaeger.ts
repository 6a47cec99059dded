// The local Jaeger (bash deploy/local/stack.sh up --with jaeger) for tracing suites: where it is,
// a hard check that it runs (a suite that needs it fails, never skips), and polling for a
// transaction's trace until all the spans a test expects have arrived (spans are exported in
// batches, and Jaeger stores them asynchronously), and producing traced transactions.
import { createHmac } from 'node:crypto';
import {
  DEFAULT_JAEGER_URL,
  findTransactionTraces,
  initTelemetry,
  traceSendFor,
  type Telemetry,
  type TraceView,
} from '@fraudstream/workers';
import type { Producer } from 'kafkajs';
import { waitFor } from './services';
import type { TestTransaction, TransactionEncoder } from './transactions';

/** Jaeger's query API and UI. */
export const JAEGER_URL = (process.env.FS_JAEGER_URL ?? DEFAULT_JAEGER_URL).replace(/\/+$/, '');

/** Jaeger's OTLP/HTTP receiver, where the suites export their spans. */
export const OTLP_ENDPOINT = (process.env.FS_OTLP_ENDPOINT ?? 'http://127.0.0.1:14318').replace(
  /\/+$/,
  '',
);

/** Throws, naming the fix, unless Jaeger's query API answers. */
export async function requireJaeger(): Promise<void> {
  let status: number | string;
  try {
    status = (await fetch(`${JAEGER_URL}/api/services`, { signal: AbortSignal.timeout(5000) }))
      .status;
  } catch (error: unknown) {
    status = error instanceof Error ? error.message : String(error);
  }
  if (status !== 200) {
    throw new Error(
      `Jaeger's query API at ${JAEGER_URL} is not answering (${status}). Start it with ` +
        '`bash deploy/local/stack.sh up --with jaeger`, or point FS_JAEGER_URL and FS_OTLP_ENDPOINT at one.',
    );
  }
}

/** Telemetry of one simulated service exporting every span to the local Jaeger. */
export function tracedService(serviceName: string): Telemetry {
  return initTelemetry({
    serviceName,
    traceSampleRatio: 1,
    otlpEndpoint: OTLP_ENDPOINT,
    tracingEnabled: true,
    traceIdHashKey: TRACE_ID_HASH_KEY,
  });
}

/** The customer-id hash key of {@link tracedService}: one for every service, as in a fleet. */
export const TRACE_ID_HASH_KEY = 'fraudstream-test-trace-id-hash-key-0001';

/** A customer id as {@link tracedService}'s spans carry it (HMAC-SHA-256, hex). */
export function hashedId(id: string): string {
  return createHmac('sha256', TRACE_ID_HASH_KEY).update(id, 'utf8').digest('hex');
}

/**
 * Waits until Jaeger holds exactly one trace for `transactionId` with at least `minSpans` spans
 * (fewer means some are still on their way), and returns it.
 */
export async function waitForTransactionTrace(
  transactionId: string,
  minSpans: number,
  timeoutMs = 30_000,
): Promise<TraceView> {
  let last = 'nothing yet';
  return waitFor(
    `a trace of ${transactionId} with ${minSpans}+ spans in Jaeger at ${JAEGER_URL}`,
    async () => {
      try {
        const traces = await findTransactionTraces(transactionId, { jaegerUrl: JAEGER_URL });
        last = traces.map((t) => `${t.traceId}: ${t.spans.length} spans`).join(', ');
        const [only] = traces;
        return traces.length === 1 && only !== undefined && only.spans.length >= minSpans
          ? only
          : undefined;
      } catch (error: unknown) {
        last = error instanceof Error ? error.message : String(error);
        return undefined;
      }
    },
    timeoutMs,
    () => last,
  );
}

interface JaegerRef {
  refType: string;
  traceID: string;
  spanID: string;
}

/** The raw spans of one trace (for references that the TraceView leaves out, such as links). */
export async function jaegerTraceSpans(
  traceId: string,
): Promise<{ spanID: string; operationName: string; references: JaegerRef[] }[]> {
  const response = await fetch(`${JAEGER_URL}/api/traces/${traceId}`, {
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`GET /api/traces/${traceId}: ${response.status}`);
  const body = (await response.json()) as {
    data: { spans: { spanID: string; operationName: string; references: JaegerRef[] | null }[] }[];
  };
  return (body.data[0]?.spans ?? []).map((s) => ({ ...s, references: s.references ?? [] }));
}

/**
 * Produces `stream` to `topic` the way loadgen does: one send span per transaction (started by
 * `tracer`), its context in the record headers, each span ended with the produce's outcome.
 */
export async function sendTraced(
  producer: Producer,
  tracer: Telemetry['tracer'],
  encoder: TransactionEncoder,
  topic: string,
  stream: readonly TestTransaction[],
): Promise<void> {
  const traceSend = traceSendFor(tracer);
  const sends = stream.map(({ tx }) => traceSend(tx, topic));
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: stream.map(({ tx }, i) => ({
        key: tx.customer_id,
        value: encoder.encode(tx),
        headers: sends[i]?.headers,
      })),
    });
    for (const s of sends) s.end();
  } catch (error: unknown) {
    for (const s of sends) s.end(error);
    throw error;
  }
}
