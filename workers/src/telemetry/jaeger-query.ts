import { TraceLookupError } from '../errors';
import { ATTR_FS_TRANSACTION_ID } from './attributes';

/** Where the local Jaeger (deploy/local/components/jaeger.sh) serves its UI and query API. */
export const DEFAULT_JAEGER_URL = 'http://127.0.0.1:26686';

/** Options of {@link findTransactionTraces}. */
export interface TraceQueryOptions {
  /** Jaeger query base URL. @defaultValue {@link DEFAULT_JAEGER_URL} (FS_JAEGER_URL) */
  readonly jaegerUrl?: string;
  /** Only search this service's spans. @defaultValue every service Jaeger knows */
  readonly service?: string;
  /** How far back to search. @defaultValue 2 days */
  readonly lookbackMs?: number;
  /** Timeout of each HTTP request. @defaultValue 5000 */
  readonly timeoutMs?: number;
  /** Injected for tests. @defaultValue the global fetch */
  readonly fetch?: typeof fetch;
}

/** One span, normalised from Jaeger's JSON. */
export interface TraceSpanView {
  readonly spanId: string;
  /** Parent in the same trace; undefined for a root. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly service: string;
  /** `producer`, `consumer`, `client`, `server`, `internal` (from the span.kind tag). */
  readonly kind: string | undefined;
  /** Microseconds since the epoch. */
  readonly startUs: number;
  readonly durationUs: number;
  /** Depth in the tree: 0 for roots. */
  readonly depth: number;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  /** The span ended with an error status. */
  readonly error: boolean;
}

/** One trace: spans in depth-first order, children by start time. */
export interface TraceView {
  readonly traceId: string;
  readonly spans: readonly TraceSpanView[];
  /** Earliest span start, µs since the epoch. */
  readonly startUs: number;
  /** Earliest start to latest end, µs. */
  readonly durationUs: number;
  readonly services: readonly string[];
}

/** A tag of a span in Jaeger's JSON. */
export interface JaegerTag {
  readonly key: string;
  readonly value: unknown;
}
/** A span in Jaeger's JSON (/api/traces): times in µs. */
export interface JaegerSpan {
  readonly traceID: string;
  readonly spanID: string;
  readonly operationName: string;
  readonly references?: readonly { refType: string; traceID: string; spanID: string }[] | null;
  readonly startTime: number;
  readonly duration: number;
  readonly tags?: readonly JaegerTag[] | null;
  readonly processID: string;
}
/** A trace in Jaeger's JSON (/api/traces). */
export interface JaegerTrace {
  readonly traceID: string;
  readonly spans: readonly JaegerSpan[];
  readonly processes: Readonly<Record<string, { serviceName: string }>>;
}
interface JaegerResponse<T> {
  readonly data: T | null;
  readonly errors?: readonly { code?: number; msg?: string }[] | null;
}

const SKIPPED_SERVICES = new Set(['jaeger', 'jaeger-all-in-one', 'jaeger-query']);

async function getJson<T>(url: string, o: TraceQueryOptions): Promise<T> {
  const doFetch = o.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, { signal: AbortSignal.timeout(o.timeoutMs ?? 5000) });
  } catch (error: unknown) {
    throw new TraceLookupError(
      'FS_TRACE_QUERY',
      `cannot reach Jaeger's query API at ${url} (is it running? bash deploy/local/stack.sh up --with jaeger; or pass --jaeger-url / FS_JAEGER_URL)`,
      { cause: error },
    );
  }
  const text = await response.text();
  if (!response.ok) {
    throw new TraceLookupError(
      'FS_TRACE_QUERY',
      `Jaeger answered ${response.status} to ${url}: ${text.slice(0, 300)}`,
    );
  }
  const body = JSON.parse(text) as JaegerResponse<T>;
  if (body.errors !== null && body.errors !== undefined && body.errors.length > 0) {
    const messages = body.errors.map((e) => e.msg ?? String(e.code)).join('; ');
    throw new TraceLookupError('FS_TRACE_QUERY', `Jaeger reported errors for ${url}: ${messages}`);
  }
  return (body.data ?? []) as T;
}

/** Services Jaeger has spans for (its /api/services). */
export async function listJaegerServices(options: TraceQueryOptions = {}): Promise<string[]> {
  const base = (options.jaegerUrl ?? DEFAULT_JAEGER_URL).replace(/\/+$/, '');
  return getJson<string[]>(`${base}/api/services`, options);
}

/**
 * Finds the traces holding a span tagged `fraudstream.transaction_id=<id>` through Jaeger's
 * query API (/api/traces with a tag filter, per service), newest first. Throws
 * TraceLookupError FS_TRACE_NOT_FOUND when there is none, FS_TRACE_QUERY when Jaeger cannot
 * be asked.
 */
export async function findTransactionTraces(
  transactionId: string,
  options: TraceQueryOptions = {},
): Promise<TraceView[]> {
  const base = (options.jaegerUrl ?? DEFAULT_JAEGER_URL).replace(/\/+$/, '');
  const services =
    options.service !== undefined
      ? [options.service]
      : (await listJaegerServices(options)).filter((s) => !SKIPPED_SERVICES.has(s));
  const endUs = Date.now() * 1000;
  const startUs = endUs - (options.lookbackMs ?? 2 * 24 * 3600 * 1000) * 1000;
  const tags = JSON.stringify({ [ATTR_FS_TRANSACTION_ID]: transactionId });
  const found = new Map<string, JaegerTrace>();
  for (const service of services) {
    const query = new URLSearchParams({
      service,
      tags,
      start: String(startUs),
      end: String(endUs),
      limit: '20',
    });
    for (const t of await getJson<JaegerTrace[]>(
      `${base}/api/traces?${query.toString()}`,
      options,
    )) {
      const known = found.get(t.traceID);
      // The same trace comes back once per service; keep the copy with the most spans.
      if (known === undefined || known.spans.length < t.spans.length) found.set(t.traceID, t);
    }
  }
  if (found.size === 0) {
    const where =
      services.length === 0
        ? 'no services have reported spans yet'
        : `searched ${services.join(', ')}`;
    throw new TraceLookupError(
      'FS_TRACE_NOT_FOUND',
      `no trace with ${ATTR_FS_TRANSACTION_ID}=${transactionId} in Jaeger at ${base} (${where}). ` +
        'Was it sampled? FS_TRACE_SAMPLE_RATIO=1 traces every transaction; spans reach Jaeger about a second after the verdict.',
    );
  }
  return [...found.values()].map(toTraceView).sort((a, b) => b.startUs - a.startUs);
}

/** Turns one trace of Jaeger's JSON into a {@link TraceView}. */
export function toTraceView(t: JaegerTrace): TraceView {
  const ids = new Set(t.spans.map((s) => s.spanID));
  const parentOf = (s: JaegerSpan): string | undefined =>
    s.references?.find(
      (r) => r.refType === 'CHILD_OF' && r.traceID === t.traceID && ids.has(r.spanID),
    )?.spanID;
  const children = new Map<string | undefined, JaegerSpan[]>();
  for (const s of t.spans) {
    const p = parentOf(s);
    const list = children.get(p) ?? [];
    list.push(s);
    children.set(p, list);
  }
  const spans: TraceSpanView[] = [];
  const visit = (parent: string | undefined, depth: number): void => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) => a.startTime - b.startTime);
    for (const s of list) {
      const attributes: Record<string, string | number | boolean> = {};
      for (const tag of s.tags ?? []) {
        const v = tag.value;
        attributes[tag.key] = typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
      }
      const kind = attributes['span.kind'];
      spans.push({
        spanId: s.spanID,
        parentSpanId: parent,
        name: s.operationName,
        service: t.processes[s.processID]?.serviceName ?? s.processID,
        kind: typeof kind === 'string' ? kind : undefined,
        startUs: s.startTime,
        durationUs: s.duration,
        depth,
        attributes,
        error: attributes.error === true || attributes['otel.status_code'] === 'ERROR',
      });
      visit(s.spanID, depth + 1);
    }
  };
  visit(undefined, 0);
  const startUs = Math.min(...t.spans.map((s) => s.startTime));
  const endUs = Math.max(...t.spans.map((s) => s.startTime + s.duration));
  return {
    traceId: t.traceID,
    spans,
    startUs,
    durationUs: endUs - startUs,
    services: [...new Set(spans.map((s) => s.service))].sort(),
  };
}
