import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { LabelledTransaction, SimulationParams } from '@fraudstream/simulator';
import {
  CSV_HEADER,
  DEFAULT_SIMULATION_PARAMS,
  formatCsvLine,
  readLabelledCsv,
  simulateTransactions,
} from '@fraudstream/simulator';
import { FeatureReplay } from '../features/replay';
import type { FeatureTable } from '../features/replay';
import type { FeatureOptions } from '../features/options';
import { DEFAULT_FEATURE_OPTIONS } from '../features/options';
import type { TerminalTrace } from './terminal-trace';
import { TerminalTraceBuilder } from './terminal-trace';

const DAY_MS = 86_400_000;

/** How a simulated history is named in manifests, reports and logs. */
export function describeSimulation(params: SimulationParams): string {
  return `simulated: seed ${params.seed}, ${params.customers} customers, ${params.terminals} terminals, ${params.days} days from ${params.startDate}`;
}

/** Where labelled history comes from: the simulator (seeded) or a CSV file in the documented layout. */
export type DataSource =
  { kind: 'simulated'; params: Partial<SimulationParams> } | { kind: 'csv'; file: string };

/** A replayed dataset and the fingerprint of its rows. */
export interface LoadedDataset {
  table: FeatureTable;
  /** sha256 of the rows read, as documented-layout CSV text (header included). */
  sha256: string;
  /** Human-readable origin, for manifests and reports. */
  source: string;
  firstEventTime: number;
  lastEventTime: number;
  /** Ground truth about each kept row's terminal as of t − D (for the oracle bound only). */
  terminalTrace: TerminalTrace;
}

/**
 * Replays a data source into features. Simulated data is generated only up to `stopAtMs` (the
 * book's dates are kept; later days are not needed). The fingerprint hashes the rows actually
 * read in CSV form, so a simulated run and the file `fraudstream simulate` wrote for the same
 * days hash the same.
 */
export async function loadDataset(
  source: DataSource,
  featureOptions: Partial<FeatureOptions>,
  range: { keepFromMs?: number; stopAtMs?: number } = {},
): Promise<LoadedDataset> {
  const replay = new FeatureReplay({
    ...featureOptions,
    keepFromMs: range.keepFromMs,
    stopAtMs: range.stopAtMs,
  });
  const keepFromMs = range.keepFromMs ?? -Infinity;
  const trace = new TerminalTraceBuilder(
    Math.round(
      (featureOptions.feedbackDelayDays ?? DEFAULT_FEATURE_OPTIONS.feedbackDelayDays) * DAY_MS,
    ),
  );
  const hash = createHash('sha256');
  hash.update(`${CSV_HEADER}\n`);
  let first = Infinity;
  let last = -Infinity;
  const take = (row: LabelledTransaction): boolean => {
    if (!replay.push(row)) return false;
    trace.push(row, row.tx.event_time >= keepFromMs);
    hash.update(`${formatCsvLine(row)}\n`);
    if (row.tx.event_time < first) first = row.tx.event_time;
    if (row.tx.event_time > last) last = row.tx.event_time;
    return true;
  };
  let description: string;
  if (source.kind === 'simulated') {
    const params = { ...DEFAULT_SIMULATION_PARAMS, ...source.params };
    const start = Date.parse(`${params.startDate}T00:00:00Z`);
    const days =
      range.stopAtMs === undefined
        ? params.days
        : Math.min(params.days, Math.ceil((range.stopAtMs - start) / DAY_MS));
    for (const row of simulateTransactions({ ...params, days })) if (!take(row)) break;
    description = describeSimulation({ ...params, days });
  } else {
    for await (const row of readLabelledCsv(source.file)) if (!take(row)) break;
    description = `csv: ${source.file}`;
  }
  return {
    table: replay.result(),
    sha256: hash.digest('hex'),
    source: description,
    firstEventTime: first,
    lastEventTime: last,
    terminalTrace: trace.result(),
  };
}

/** sha256 of a file's bytes (to check a CSV against a manifest by hand). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
