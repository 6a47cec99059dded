import {
  ATTR_DB_OPERATION_BATCH_SIZE,
  ATTR_ERROR_TYPE,
  ATTR_FS_ATTEMPT,
  ATTR_FS_BATCH_SIZE,
  ATTR_FS_DECISION,
  ATTR_FS_DEGRADED,
  ATTR_FS_MODEL_VERSION,
  ATTR_FS_SCORE,
  ATTR_FS_STAGE,
  ATTR_KAFKA_MESSAGE_KEY,
  ATTR_KAFKA_OFFSET,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
} from './attributes';
import type { TraceSpanView, TraceView } from './jaeger-query';
import { PIPELINE_STAGES } from './types';

/** Attributes worth a column in the breakdown, with their short label, in print order. */
const KEY_ATTRIBUTES: readonly (readonly [string, string])[] = [
  [ATTR_MESSAGING_DESTINATION_PARTITION_ID, 'partition'],
  [ATTR_KAFKA_OFFSET, 'offset'],
  [ATTR_KAFKA_MESSAGE_KEY, 'key'],
  [ATTR_MESSAGING_CONSUMER_GROUP_NAME, 'group'],
  [ATTR_MESSAGING_BATCH_MESSAGE_COUNT, 'batch'],
  [ATTR_FS_BATCH_SIZE, 'batch'],
  [ATTR_DB_OPERATION_BATCH_SIZE, 'commands'],
  [ATTR_FS_DECISION, 'decision'],
  [ATTR_FS_SCORE, 'score'],
  [ATTR_FS_MODEL_VERSION, 'model'],
  [ATTR_FS_DEGRADED, 'degraded'],
  [ATTR_ERROR_TYPE, 'error'],
];

/** Per-stage totals of one trace: the sum of its stage spans' durations, in pipeline order. */
export interface StageTotal {
  readonly stage: string;
  readonly durationMs: number;
  readonly spans: number;
}

/** Position of a stage in the pipeline; unknown stages sort after the known ones. */
function pipelineRank(stage: string): number {
  const i = (PIPELINE_STAGES as readonly string[]).indexOf(stage);
  return i < 0 ? PIPELINE_STAGES.length : i;
}

/**
 * Sums the stage spans (`fraudstream.stage` attribute) of a trace, in order of first start.
 * Starts tie often: the SDK stamps a span's start from `Date.now()` (whole milliseconds), so
 * stages that begin within one millisecond are ordered by their place in the pipeline.
 */
export function stageTotals(view: TraceView): StageTotal[] {
  const totals = new Map<string, { durationUs: number; spans: number; firstUs: number }>();
  for (const s of view.spans) {
    const stage = s.attributes[ATTR_FS_STAGE];
    if (typeof stage !== 'string') continue;
    const t = totals.get(stage) ?? { durationUs: 0, spans: 0, firstUs: s.startUs };
    t.durationUs += s.durationUs;
    t.spans += 1;
    t.firstUs = Math.min(t.firstUs, s.startUs);
    totals.set(stage, t);
  }
  return [...totals.entries()]
    .sort((a, b) => a[1].firstUs - b[1].firstUs || pipelineRank(a[0]) - pipelineRank(b[0]))
    .map(([stage, t]) => ({ stage, durationMs: t.durationUs / 1000, spans: t.spans }));
}

/**
 * Time records of this trace sat in Kafka: from the end of each producer span to the start of
 * the consumer span that is its child (broker, fetch and batch wait together), in ms.
 */
export function kafkaWaitsMs(view: TraceView): number[] {
  const byId = new Map(view.spans.map((s) => [s.spanId, s]));
  const waits: number[] = [];
  for (const s of view.spans) {
    const parent = s.parentSpanId === undefined ? undefined : byId.get(s.parentSpanId);
    if (s.kind === 'consumer' && parent?.kind === 'producer') {
      waits.push((s.startUs - (parent.startUs + parent.durationUs)) / 1000);
    }
  }
  return waits;
}

function ms(us: number): string {
  return (us / 1000).toFixed(3);
}

function keyAttributes(s: TraceSpanView): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const [name, label] of KEY_ATTRIBUTES) {
    const v = s.attributes[name];
    if (v === undefined || seen.has(label)) continue;
    seen.add(label);
    parts.push(
      `${label}=${typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(4))) : String(v)}`,
    );
  }
  const attempt = s.attributes[ATTR_FS_ATTEMPT];
  if (typeof attempt === 'number' && attempt > 1) parts.push(`attempt=${attempt}`);
  return parts.join(' ');
}

/** Tree prefixes (`├─ `, `└─ `, `│  `) for spans in depth-first order. */
function treePrefixes(spans: readonly TraceSpanView[]): string[] {
  const isLastChild = spans.map((s, i) => {
    for (let j = i + 1; j < spans.length; j++) {
      const next = spans[j];
      if (next === undefined || next.depth < s.depth) return true;
      if (next.depth === s.depth) return false;
    }
    return true;
  });
  const open: boolean[] = [];
  return spans.map((s, i) => {
    open.length = s.depth;
    let prefix = '';
    for (let d = 1; d < s.depth; d++) prefix += open[d] === true ? '│  ' : '   ';
    if (s.depth > 0) prefix += isLastChild[i] === true ? '└─ ' : '├─ ';
    open[s.depth] = isLastChild[i] !== true;
    return prefix;
  });
}

/** The terminal breakdown of one transaction's trace: one line per span, then stage totals. */
export function formatTraceBreakdown(view: TraceView, transactionId: string): string {
  const lines: string[] = [];
  lines.push(
    `trace ${view.traceId}  transaction ${transactionId}: ${view.spans.length} spans, ` +
      `${view.services.join(', ')}, ${ms(view.durationUs)} ms first start to last end`,
  );
  lines.push('');
  const serviceWidth = Math.max(7, ...view.spans.map((s) => s.service.length));
  lines.push(
    `${'offset ms'.padStart(10)}  ${'duration ms'.padStart(11)}  ${'service'.padEnd(serviceWidth)}  span`,
  );
  const prefixes = treePrefixes(view.spans);
  view.spans.forEach((s, i) => {
    const attrs = keyAttributes(s);
    lines.push(
      `${ms(s.startUs - view.startUs).padStart(10)}  ${ms(s.durationUs).padStart(11)}  ` +
        `${s.service.padEnd(serviceWidth)}  ${prefixes[i] ?? ''}${s.name}${s.error ? ' [ERROR]' : ''}` +
        `${attrs === '' ? '' : `  ${attrs}`}`,
    );
  });
  const stages = stageTotals(view);
  if (stages.length > 0) {
    lines.push('');
    lines.push(
      `stages: ${stages.map((s) => `${s.stage} ${s.durationMs.toFixed(3)} ms${s.spans > 1 ? ` (${s.spans} spans)` : ''}`).join(' | ')}`,
    );
  }
  const waits = kafkaWaitsMs(view);
  if (waits.length > 0) {
    lines.push(
      `in kafka (send end to process start): ${waits.map((w) => `${w.toFixed(3)} ms`).join(', ')}`,
    );
  }
  return lines.join('\n');
}
