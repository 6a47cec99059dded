import {
  context as contextApi,
  propagation,
  type MeterProvider,
  ProxyTracerProvider,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type SpanKind,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import Redis from 'ioredis';
import { ATTR_MESSAGING_BATCH_MESSAGE_COUNT } from './attributes';
import { resolveTelemetryOptions, type TelemetryOptions } from './config';
import { createOtlpSpanExporter } from './otlp-exporters';
import { telemetryResource } from './resource';
import { spanIdMapper } from './span-ids';
import { FraudstreamTracer, MAX_BATCH_LINKS } from './spans';
import type { StageRecorder } from './types';

/** Instrumentation scope of every fraudstream span. */
export const TRACER_NAME = '@fraudstream/workers';

/** Test and wiring hooks of {@link initTracing}; none of them come from the environment. */
export interface TracingHooks {
  /** Replaces the OTLP exporter (tests pass an InMemorySpanExporter). */
  readonly spanExporter?: SpanExporter;
  /** Receives stage durations (initTelemetry wires it to the stage metric). */
  readonly onStage?: StageRecorder;
  /**
   * Where the span processor counts its own work: spans handed to the exporter, spans dropped
   * because its queue was full (`otel_sdk_processor_span_processed_total{error_type="queue_full"}`)
   * and its queue size; and the OTLP exporter its own (`otel_sdk_exporter_span_exported_total`,
   * failed ones with `error_type`). initTelemetry passes the metrics' provider, so /metrics
   * shows them.
   */
  readonly selfObservability?: MeterProvider;
}

/** A running tracing setup. */
export interface TracingHandle {
  /** The span helpers; no-ops when tracing is disabled. */
  readonly tracer: FraudstreamTracer;
  /** Whether spans are recorded and exported. */
  readonly enabled: boolean;
  /** Exports every finished span now (tests, and before a short-lived CLI exits). */
  forceFlush(): Promise<void>;
  /** Flushes and stops; safe to call twice. */
  shutdown(): Promise<void>;
}

/**
 * Samples a batch span whenever one of the records it links to was sampled by its producer,
 * and otherwise behaves as the ratio sampler. Without it a sampled transaction would link to
 * a batch span that the ratio dropped.
 */
export class LinkAwareRatioSampler implements Sampler {
  private readonly ratio: TraceIdRatioBasedSampler;

  /** `ratio` in [0, 1] applies to spans without a sampled link. */
  constructor(readonly ratioValue: number) {
    this.ratio = new TraceIdRatioBasedSampler(ratioValue);
  }

  /** Sampler interface: sampled link on a batch span => sample; else the ratio decides. */
  shouldSample(
    ctx: Context,
    traceId: string,
    _name: string,
    _kind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (
      attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] !== undefined &&
      links.some((l) => (l.context.traceFlags & TraceFlags.SAMPLED) !== 0)
    ) {
      return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    }
    return this.ratio.shouldSample(ctx, traceId);
  }

  /** Shown in diagnostics. */
  toString(): string {
    return `LinkAwareRatioSampler{${this.ratioValue}}`;
  }
}

/** The sampler fraudstream uses: a parent's decision wins; new traces at `ratio`. */
export function createSampler(ratio: number): Sampler {
  return new ParentBasedSampler({ root: new LinkAwareRatioSampler(ratio) });
}

/**
 * Per-command Redis spans. ioredis is normally loaded before this runs (static imports come
 * first), and the instrumentation's require hook only patches modules required after it, so
 * the loaded ioredis is patched explicitly through the instrumentation's own module
 * definition — independent of import order, and it also works under jest's module loader.
 * Arguments are redacted to the command name unless `keepArgs`.
 */
function instrumentRedis(provider: BasicTracerProvider, keepArgs: boolean): () => void {
  const instrumentation = new IORedisInstrumentation({
    enabled: false,
    requireParentSpan: true,
    ...(keepArgs ? {} : { dbStatementSerializer: (command: string) => command }),
  });
  instrumentation.setTracerProvider(provider);
  const definitions = instrumentation.getModuleDefinitions().filter((d) => d.name === 'ioredis');
  for (const d of definitions) d.patch?.(Redis);
  return () => {
    for (const d of definitions) d.unpatch?.(Redis);
  };
}

/**
 * Starts tracing: a BasicTracerProvider with a BatchSpanProcessor exporting OTLP/HTTP
 * (protobuf) to `${otlpEndpoint}/v1/traces`, the parent-based ratio sampler, W3C propagation,
 * and the async-hooks context manager, registered as the process globals (so libraries that
 * use @opentelemetry/api join the same traces). When `tracingEnabled` is false, nothing is
 * registered and the helpers hand trace context through without recording.
 */
export function initTracing(
  options: TelemetryOptions = {},
  hooks: TracingHooks = {},
): TracingHandle {
  const o = resolveTelemetryOptions(options);
  if (!o.tracingEnabled) {
    // A private ProxyTracerProvider without a delegate yields the API's no-op tracer, whatever
    // else the process registered: its spans carry the parent's span context on unchanged.
    const noop = new ProxyTracerProvider().getTracer(TRACER_NAME);
    return {
      tracer: new FraudstreamTracer(noop, hooks.onStage),
      enabled: false,
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
  }

  const exporter =
    hooks.spanExporter ??
    createOtlpSpanExporter(`${o.otlpEndpoint}/v1/traces`, o.otlpTimeoutMs, {
      ca: o.otlpCa,
      selfObservability: hooks.selfObservability,
    });
  // 1 s rather than the 5 s default: `fraudstream trace` right after a run should find it.
  // selfObsMeterProvider is the SDK's (experimental) option, absent from the shim's config type:
  // without it a full queue drops spans silently, and the tracing cost at 100 % looks smaller.
  const processorConfig: ConstructorParameters<typeof BatchSpanProcessor>[1] & {
    selfObsMeterProvider?: MeterProvider;
  } = { scheduledDelayMillis: 1000, selfObsMeterProvider: hooks.selfObservability };
  const provider = new BasicTracerProvider({
    resource: telemetryResource(o),
    sampler: createSampler(o.traceSampleRatio),
    spanLimits: { linkCountLimit: MAX_BATCH_LINKS },
    spanProcessors: [new BatchSpanProcessor(exporter, processorConfig)],
  });

  // Register the globals only if nobody else did; remember which, to undo exactly those.
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const ownsContext = contextApi.setGlobalContextManager(contextManager);
  if (!ownsContext) contextManager.disable();
  const ownsProvider = trace.setGlobalTracerProvider(provider);
  const ownsPropagator = propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const unpatchRedis = o.traceRedisCommands
    ? instrumentRedis(provider, o.traceRedisArgs)
    : undefined;

  let stopping: Promise<void> | undefined;
  return {
    tracer: new FraudstreamTracer(
      provider.getTracer(TRACER_NAME, o.serviceVersion),
      hooks.onStage,
      spanIdMapper({ key: o.traceIdHashKey, raw: o.traceRawIds }),
    ),
    enabled: true,
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopping ??= (async () => {
        unpatchRedis?.();
        try {
          await provider.shutdown();
        } finally {
          if (ownsProvider) trace.disable();
          if (ownsPropagator) propagation.disable();
          if (ownsContext) contextApi.disable();
        }
      })();
      return stopping;
    },
  };
}
