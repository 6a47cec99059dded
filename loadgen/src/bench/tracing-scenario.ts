// tracing: what tracing costs the scoring worker (issue #6). The capacity ramp of `capacity`,
// once per sampling ratio (0, 1 % and 100 % by default), the workers exporting their spans over
// OTLP/HTTP to a real receiver (the local stack's Jaeger), reduced to one table: highest rate
// held, latency and worker CPU at a rate every ratio held, and what the exporter did (spans
// exported, dropped, failed exports), so a run that could not export is visible, not hidden.
import { DEFAULT_TELEMETRY_OPTIONS, PROMETHEUS_SERIES } from '@fraudstream/workers';
import type { PhaseReport } from '../load/load-report';
import type { BenchRun, BenchTable, ScenarioFigures } from './bench-result';
import {
  NO_LATENCY_FIGURES,
  bestHeldPhase,
  heldRateTps,
  deliveryFigures,
  latencyFigures,
  median,
} from './bench-result';
import type { BenchContext } from './fleet-run';
import { runOnFleet } from './fleet-run';
import type { ScenarioOutcome } from './scenarios';
import { endsRamp, rampLimits, rampProfile } from './scenarios';
import { freePorts, probeOtlp, scrapeMetrics, sumSamples } from './worker-metrics';

/** FS_TRACE_SAMPLE_RATIO's default: the headline figures are those of the ratio nearest to it. */
const WORKER_DEFAULT_SAMPLE_RATIO = DEFAULT_TELEMETRY_OPTIONS.traceSampleRatio;

/** What the workers' /metrics said about their span export at the end of a run. */
export interface ExportCounts {
  /** Spans the span processor handed to the exporter. */
  readonly exported: number;
  /** Spans dropped because the processor's queue was full (the exporter could not keep up). */
  readonly dropped: number;
  /** Failed exports (fraudstream_errors_total{component="telemetry"}). */
  readonly failedExports: number;
}

/** One ramp at one sampling ratio. */
export interface RatioRun {
  readonly ratio: number;
  readonly run: BenchRun;
  /** Null when the workers serve no /metrics (stand-in workers) or did not answer. */
  readonly exports: ExportCounts | null;
}

/** "0 %", "1 %", "100 %", "0.5 %". */
export function percentLabel(ratio: number): string {
  return `${Number((ratio * 100).toFixed(4))} %`;
}

/** The figure-name suffix of a ratio: 0pct, 1pct, 100pct, 0_5pct. */
export function ratioKey(ratio: number): string {
  return `${String(Number((ratio * 100).toFixed(4))).replace('.', '_')}pct`;
}

/** Sums the export counters of every worker; null unless all of them answered. */
async function scrapeExports(ports: readonly number[]): Promise<ExportCounts | null> {
  const texts = await Promise.all(ports.map((p) => scrapeMetrics(p)));
  if (texts.length === 0 || texts.some((t) => t === null)) return null;
  const all = texts as string[];
  const sum = (f: (t: string) => number): number => all.reduce((n, t) => n + f(t), 0);
  return {
    exported: sum((t) =>
      sumSamples(t, 'otel_sdk_processor_span_processed_total', {}, ['error_type']),
    ),
    dropped: sum((t) =>
      sumSamples(t, 'otel_sdk_processor_span_processed_total', { error_type: 'queue_full' }),
    ),
    failedExports: sum((t) => sumSamples(t, PROMETHEUS_SERIES.errors, { component: 'telemetry' })),
  };
}

/** One capacity ramp with the workers tracing at `ratio`. */
async function rampAt(ctx: BenchContext, ratio: number, label: string): Promise<RatioRun> {
  const o = ctx.options;
  const ports = await freePorts(o.workers);
  let exports: ExportCounts | null = null;
  const run = await runOnFleet(ctx, {
    label,
    worker: 'scoring',
    workers: o.workers,
    profile: rampProfile(ctx),
    stopWhen: endsRamp,
    workerEnv: (index) => ({
      FS_TRACING_ENABLED: 'true',
      FS_TRACE_SAMPLE_RATIO: String(ratio),
      FS_OTLP_ENDPOINT: o.otlpEndpoint,
      // A known port per worker, to read its export counters from /metrics after the load.
      FS_HEALTH_HOST: '127.0.0.1',
      FS_HEALTH_PORT: String(ports[index] ?? 0),
    }),
    // Parent-based sampling: the worker follows the sampled flag of each record's traceparent.
    // loadgen's own synthetic headers (no spans of its own) carry that flag at the same ratio,
    // so every row samples the same share end to end and the sender's work is the same in all.
    load: { traceSend: undefined, traceSampleRatio: ratio },
    beforeStop: async () => {
      exports = await scrapeExports(ports);
    },
  });
  return { ratio, run, exports };
}

/** The highest phase index every run held (the same ramp, so the same rate), if any. */
function commonHeldPhase(runs: readonly RatioRun[]): number | undefined {
  let common: Set<number> | undefined;
  for (const r of runs) {
    const held = new Set(r.run.report.phases.filter((p) => p.held).map((p) => p.index));
    common = common === undefined ? held : new Set([...common].filter((i) => held.has(i)));
  }
  const indices = [...(common ?? [])];
  return indices.length === 0 ? undefined : Math.max(...indices);
}

/** Cores used by the fleet's workers over a phase (null when any was unreadable). */
function workerCores(phase: PhaseReport | undefined): number | null {
  const cpu = phase?.cpu;
  if (cpu === null || cpu === undefined) return null;
  const cores = Object.entries(cpu.processCores).filter(([k]) => k.startsWith('worker '));
  if (cores.length === 0 || cores.some(([, v]) => v === null)) return null;
  return cores.reduce((n, [, v]) => n + (v as number), 0);
}

function medianOf(xs: readonly (number | null | undefined)[]): number | null {
  const known = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return known.length === 0 ? null : median(known);
}

function cell(x: number | null, digits: number): string {
  return x === null ? '–' : x.toFixed(digits);
}

/** Per-ratio medians over the repeats. */
export interface RatioSummary {
  readonly ratio: number;
  readonly capacityTps: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly workerCores: number | null;
  readonly jaegerCores: number | null;
  readonly exported: number | null;
  readonly dropped: number | null;
  readonly failedExports: number | null;
}

function summarise(
  ratio: number,
  runs: readonly RatioRun[],
  common: number | undefined,
): RatioSummary {
  const at = runs.map((r) => r.run.report.phases.find((p) => p.index === common));
  return {
    ratio,
    capacityTps: median(runs.map((r) => heldRateTps(bestHeldPhase(r.run.report)))),
    p50Ms: medianOf(at.map((p) => p?.latency.p50Ms)),
    p99Ms: medianOf(at.map((p) => p?.latency.p99Ms)),
    workerCores: medianOf(at.map(workerCores)),
    jaegerCores: medianOf(at.map((p) => p?.cpu?.processCores.jaeger)),
    exported: medianOf(runs.map((r) => r.exports?.exported)),
    dropped: medianOf(runs.map((r) => r.exports?.dropped)),
    failedExports: medianOf(runs.map((r) => r.exports?.failedExports)),
  };
}

/** How the runs of {@link tracingScenario} were made, for the comparison's notes. */
export interface ComparisonContext {
  readonly ratios: readonly number[];
  readonly repeats: number;
  readonly otlpEndpoint: string;
  /** Why the OTLP receiver did not answer, or null. */
  readonly unreachable: string | null;
}

/** The runs reduced to one summary per ratio, the comparison table and the figures. */
export function compareRatios(
  runs: readonly RatioRun[],
  c: ComparisonContext,
): { summaries: RatioSummary[]; table: BenchTable; figures: ScenarioFigures } {
  const common = commonHeldPhase(runs);
  const commonPhase = runs[0]?.run.report.phases.find((p) => p.index === common);
  const commonRate = commonPhase?.targetTps ?? null;
  const summaries = c.ratios.map((ratio) =>
    summarise(
      ratio,
      runs.filter((r) => r.ratio === ratio),
      common,
    ),
  );
  const baseline = summaries.find((s) => s.ratio === 0);

  const extra: Record<string, number | null> = {};
  for (const s of summaries) {
    const k = ratioKey(s.ratio);
    extra[`capacity_tps_${k}`] = s.capacityTps;
    extra[`capacity_change_${k}`] =
      baseline !== undefined && baseline.capacityTps > 0
        ? s.capacityTps / baseline.capacityTps - 1
        : null;
    extra[`p50_ms_${k}`] = s.p50Ms;
    extra[`p99_ms_${k}`] = s.p99Ms;
    extra[`worker_cores_${k}`] = s.workerCores;
    extra[`spans_exported_${k}`] = s.exported;
    extra[`spans_dropped_${k}`] = s.dropped;
    extra[`failed_exports_${k}`] = s.failedExports;
  }
  const headline = [...summaries].sort(
    (a, b) =>
      Math.abs(a.ratio - WORKER_DEFAULT_SAMPLE_RATIO) -
      Math.abs(b.ratio - WORKER_DEFAULT_SAMPLE_RATIO),
  )[0];
  const headlineRun = runs.find((r) => r.ratio === headline?.ratio);
  const headlinePhase =
    headlineRun?.run.report.phases.find((p) => p.index === common) ??
    (headlineRun === undefined ? undefined : bestHeldPhase(headlineRun.run.report));
  const latency = headlinePhase?.latency ?? headlineRun?.run.report.latency;
  const figures: ScenarioFigures = {
    rate_tps: headline?.capacityTps ?? 0,
    ...(latency === undefined ? NO_LATENCY_FIGURES : latencyFigures(latency)),
    ...deliveryFigures(runs.map((r) => r.run)),
    headline_sampling_ratio: headline?.ratio ?? null,
    otlp_endpoint_reachable: c.unreachable === null,
    common_rate_tps: commonRate,
    ...extra,
  };

  const at = commonRate === null ? 'no common step' : `${commonRate} tx/s`;
  const table: BenchTable = {
    title: 'Tracing overhead by sampling ratio',
    columns: [
      'sampling',
      'highest rate held (tx/s)',
      'vs 0 %',
      `p50 @ ${at} (ms)`,
      `p99 @ ${at} (ms)`,
      `worker CPU @ ${at} (cores)`,
      `Jaeger CPU @ ${at} (cores)`,
      'spans exported',
      'spans dropped',
      'failed exports',
    ],
    rows: summaries.map((s) => [
      percentLabel(s.ratio),
      s.capacityTps.toFixed(0),
      baseline === undefined || baseline.capacityTps <= 0
        ? '–'
        : `${((s.capacityTps / baseline.capacityTps - 1) * 100).toFixed(1)} %`,
      cell(s.p50Ms, 2),
      cell(s.p99Ms, 2),
      cell(s.workerCores, 2),
      cell(s.jaegerCores, 2),
      cell(s.exported, 0),
      cell(s.dropped, 0),
      cell(s.failedExports, 0),
    ]),
    notes: [
      `One capacity ramp per row (${c.repeats > 1 ? `median of ${c.repeats}` : 'one run'}); ` +
        `workers at FS_TRACE_SAMPLE_RATIO = the row's share, exporting to ${c.otlpEndpoint}` +
        (c.unreachable === null ? '.' : ` — which did NOT answer (${c.unreachable}).`),
      'loadgen marks the same share of its traceparent headers sampled and makes no spans of its own, so rows differ only in the workers\u2019 tracing.',
      commonRate === null
        ? 'No ramp step was held by every row: latency and CPU are not compared.'
        : `Latency and CPU are compared at ${commonRate} tx/s, the highest ramp step every row held.`,
      `Spans exported / dropped: the workers\u2019 span processor (otel_sdk_processor_span_processed_total); failed exports: ${PROMETHEUS_SERIES.errors}{component="telemetry"}; "–": the workers serve no /metrics.`,
      'The local stack\u2019s Jaeger runs on the same machine: the CPU it spends storing spans is taken from the workers and the sender too (its column; "–" when it is not running).',
    ],
  };

  return { summaries, table, figures };
}

/**
 * tracing: one capacity ramp per sampling ratio (repeated `repeats` times, ratios alternating
 * so that drift of the machine spreads over all of them; medians), and the comparison table.
 */
export async function tracingScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const o = ctx.options;
  // Decided up front and reported: with no receiver every export fails fast, which makes 100 %
  // look cheaper than it is; the runs still go ahead so the other figures are not lost.
  const unreachable = await probeOtlp(o.otlpEndpoint);
  if (unreachable !== null) {
    o.log(
      `[tracing] OTLP receiver ${o.otlpEndpoint} does not answer (${unreachable}): every export ` +
        'will fail and be counted (start it with `bash deploy/local/stack.sh up --with jaeger`)',
    );
  }
  const runs: RatioRun[] = [];
  for (let i = 0; i < o.repeats; i += 1) {
    const suffix = o.repeats > 1 ? ` #${i + 1}` : '';
    for (const ratio of o.samplingRatios) {
      runs.push(await rampAt(ctx, ratio, `tracing ${percentLabel(ratio)} ramp${suffix}`));
    }
  }
  const { summaries, table, figures } = compareRatios(runs, {
    ratios: o.samplingRatios,
    repeats: o.repeats,
    otlpEndpoint: o.otlpEndpoint,
    unreachable,
  });
  const limits: string[] = [];
  if (unreachable !== null) {
    limits.push(
      `The OTLP receiver ${o.otlpEndpoint} did not answer (${unreachable}): spans were made but every export failed, so the sampled rows understate the cost of exporting.`,
    );
  }
  for (const s of summaries) {
    if ((s.dropped ?? 0) > 0 || (s.failedExports ?? 0) > 0) {
      limits.push(
        `${percentLabel(s.ratio)}: ${s.dropped ?? 0} spans dropped (queue full) and ${s.failedExports ?? 0} failed exports — the exporter did not keep up, so this row understates the cost of tracing everything.`,
      );
    }
  }
  limits.push(...runs.flatMap((r) => rampLimits(r.run)));
  return {
    figures,
    targets: [],
    limits,
    tables: [table],
    runs: runs.map((r) => r.run),
    parameters: {
      workers: o.workers,
      samplingRatios: o.samplingRatios,
      otlpEndpoint: o.otlpEndpoint,
      rampTps: o.rampTps,
      stepMs: o.stepMs,
      repeats: o.repeats,
    },
  };
}
