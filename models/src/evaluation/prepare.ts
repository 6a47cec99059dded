import { DEFAULT_SIMULATION_PARAMS } from '@fraudstream/simulator';
import { EvaluationError } from '../errors';
import type { DataSource, LoadedDataset } from './dataset';
import { loadDataset } from './dataset';
import type { ProtocolOptions } from './protocol';
import { foldSpanDays, protocolRangeMs } from './protocol';

const DAY_MS = 86_400_000;

/** Moves the most recent training start so the last test day ends with the data. */
function anchorAtEnd(o: ProtocolOptions, dataEndMs: number): ProtocolOptions {
  const endDay = Math.floor((dataEndMs - 1) / DAY_MS) + 1;
  return { ...o, lastTrainStartMs: (endDay - foldSpanDays(o)) * DAY_MS };
}

/**
 * Loads the data the protocol needs and fixes the fold dates: the book's dates when the data
 * covers them (or the ones asked for), else the latest that fit. Simulated data is generated
 * only up to the last test day, and rows before the first training day only warm the state.
 */
export async function prepareExperimentData(
  source: DataSource,
  protocol: ProtocolOptions,
  trainStartDefaulted: boolean,
): Promise<{ dataset: LoadedDataset; protocol: ProtocolOptions }> {
  const featureOptions = { feedbackDelayDays: protocol.feedbackDelayDays };
  let p = protocol;
  if (source.kind === 'simulated') {
    const params = { ...DEFAULT_SIMULATION_PARAMS, ...source.params };
    const simEnd = Date.parse(`${params.startDate}T00:00:00Z`) + params.days * DAY_MS;
    if (protocolRangeMs(p).toMs > simEnd && trainStartDefaulted) p = anchorAtEnd(p, simEnd);
    const range = protocolRangeMs(p);
    const dataset = await loadDataset(source, featureOptions, {
      keepFromMs: range.fromMs,
      stopAtMs: range.toMs,
    });
    check(dataset, p);
    return { dataset, protocol: p };
  }
  const dataset = await loadDataset(source, featureOptions);
  const range = protocolRangeMs(p);
  if (
    trainStartDefaulted &&
    (range.fromMs < dataset.firstEventTime || range.toMs > dataset.lastEventTime + 1)
  ) {
    p = anchorAtEnd(p, dataset.lastEventTime + 1);
  }
  check(dataset, p);
  return { dataset, protocol: p };
}

function check(dataset: LoadedDataset, p: ProtocolOptions): void {
  const range = protocolRangeMs(p);
  if (dataset.table.rows === 0 || range.fromMs < dataset.firstEventTime - DAY_MS) {
    const need = `${new Date(range.fromMs).toISOString().slice(0, 10)} to ${new Date(range.toMs).toISOString().slice(0, 10)}`;
    throw new EvaluationError(
      `the protocol (${p.folds} folds of ${foldSpanDays(p)} days) needs data from ${need}; the data covers ` +
        `${new Date(dataset.firstEventTime).toISOString().slice(0, 10)} to ${new Date(dataset.lastEventTime).toISOString().slice(0, 10)}: ` +
        'use fewer --folds, a longer history, or --train-start',
    );
  }
}
