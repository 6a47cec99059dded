/**
 * The labelled-history CSV layout (documented in loadgen/README.md), shared by the simulator's
 * output and users' own data:
 *
 *   transaction_id,timestamp,customer_id,terminal_id,amount,is_fraud,scenario
 *   0,2018-04-01T00:00:31Z,596,3156,57.16,0,0
 *
 * timestamp ISO 8601 in UTC, amount in major units, is_fraud 0 or 1, scenario optional (0 for
 * genuine, 1–3 for the simulator's scenarios, empty when unknown; the column may be left out).
 * Rows must be in non-decreasing time order: features are computed by replaying the stream.
 * No quoting: ids must not contain commas or quotes.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { DataIoError, MalformedDataError } from './errors';
import type { FraudScenario, LabelledTransaction, SimulatedTransaction } from './types';

/** The header line of the documented layout. */
export const CSV_HEADER =
  'transaction_id,timestamp,customer_id,terminal_id,amount,is_fraud,scenario';
const HEADER_WITHOUT_SCENARIO = 'transaction_id,timestamp,customer_id,terminal_id,amount,is_fraud';

/** Formats an epoch-ms time as ISO 8601 UTC, without milliseconds when they are zero. */
export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]00:?00)$/;

/** Parses an ISO 8601 UTC timestamp; `undefined` when it is not one. */
export function parseTimestamp(text: string): number | undefined {
  if (!ISO_UTC.test(text)) return undefined;
  const normalised = text.replace(' ', 'T').replace(/[+-]00:?00$/, 'Z');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? undefined : ms;
}

/** One CSV line (no newline) for a labelled transaction. */
export function formatCsvLine(row: SimulatedTransaction | LabelledTransaction): string {
  const { tx, truth } = row;
  return [
    tx.transaction_id,
    formatTimestamp(tx.event_time),
    tx.customer_id,
    tx.terminal_id,
    tx.amount.toFixed(2),
    truth.is_fraud ? '1' : '0',
    truth.scenario === null ? '' : String(truth.scenario),
  ].join(',');
}

/** Writes rows to `file` in the documented layout; resolves to the number of rows written. */
export async function writeLabelledCsv(
  file: string,
  rows: Iterable<SimulatedTransaction | LabelledTransaction>,
  onRow?: (row: SimulatedTransaction | LabelledTransaction) => void,
): Promise<number> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([err]: unknown[]) => {
    throw new DataIoError(file, err);
  });
  failed.catch(() => undefined);
  let count = 0;
  let chunk: string[] = [CSV_HEADER];
  const flush = async (): Promise<void> => {
    if (!out.write(`${chunk.join('\n')}\n`)) await Promise.race([once(out, 'drain'), failed]);
    chunk = [];
  };
  for (const row of rows) {
    chunk.push(formatCsvLine(row));
    onRow?.(row);
    count += 1;
    if (chunk.length >= 4096) await flush();
  }
  if (chunk.length > 0) await flush();
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return count;
}

const SCENARIOS: Record<string, FraudScenario | null> = {
  '': null,
  '0': 0,
  '1': 1,
  '2': 2,
  '3': 3,
};

/** Parses one data line; throws MalformedDataError naming the line and the reason. */
export function parseCsvLine(
  line: string,
  lineNumber: number,
  columns: 6 | 7,
  file = '<input>',
): LabelledTransaction {
  const fail = (reason: string): never => {
    throw new MalformedDataError(file, lineNumber, reason);
  };
  const cells = line.split(',');
  if (cells.length !== columns)
    fail(`expected ${columns} comma-separated fields, found ${cells.length}`);
  const [id = '', ts = '', customer = '', terminal = '', amountText = '', fraudText = ''] = cells;
  const scenarioText = columns === 7 ? (cells[6] ?? '') : '';
  if (id.trim() === '') fail('transaction_id is empty');
  if (customer.trim() === '') fail('customer_id is empty');
  if (terminal.trim() === '') fail('terminal_id is empty');
  if (/["']/.test(line)) fail('quotes are not supported: ids must not contain quotes or commas');
  const eventTime = parseTimestamp(ts.trim());
  if (eventTime === undefined) {
    fail(`timestamp ${JSON.stringify(ts)} is not ISO 8601 UTC (e.g. 2018-04-01T00:00:31Z)`);
  }
  const amount = Number(amountText);
  if (amountText.trim() === '' || !Number.isFinite(amount) || amount < 0) {
    fail(`amount ${JSON.stringify(amountText)} is not a finite number ≥ 0 in major units`);
  }
  if (fraudText !== '0' && fraudText !== '1')
    fail(`is_fraud ${JSON.stringify(fraudText)} is not 0 or 1`);
  const isFraud = fraudText === '1';
  const scenario = SCENARIOS[scenarioText.trim()];
  if (scenario === undefined) {
    fail(`scenario ${JSON.stringify(scenarioText)} is not empty, 0, 1, 2 or 3`);
  }
  if (scenario !== null && scenario !== undefined && (scenario === 0) === isFraud) {
    fail(
      `scenario ${String(scenario)} contradicts is_fraud ${fraudText} (0 is genuine, 1–3 fraud)`,
    );
  }
  return {
    tx: {
      transaction_id: id.trim(),
      event_time: eventTime ?? 0,
      customer_id: customer.trim(),
      terminal_id: terminal.trim(),
      amount,
    },
    truth: { is_fraud: isFraud, scenario: scenario ?? null },
  };
}

/** A row of a labelled-history file with the line it was read from (the header is line 1). */
export interface NumberedRow {
  readonly row: LabelledTransaction;
  readonly line: number;
}

/**
 * Streams a labelled-history file in the documented layout, validating every line; rejects with
 * MalformedDataError (file, line number, reason) at the first bad one. Bounded memory.
 */
export async function* readLabelledCsv(file: string): AsyncGenerator<LabelledTransaction> {
  for await (const { row } of readNumberedCsv(file)) yield row;
}

/**
 * {@link readLabelledCsv} with each row's line number, for callers that check more than the
 * layout (e.g. a backtest's id lengths) and must name the line they refuse.
 */
export async function* readNumberedCsv(file: string): AsyncGenerator<NumberedRow> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let columns: 6 | 7 | undefined;
  let lastTime = -Infinity;
  try {
    for await (const raw of lines) {
      lineNumber += 1;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (lineNumber === 1) {
        const header = line.replace(/^\uFEFF/, '').trim();
        if (header === CSV_HEADER) columns = 7;
        else if (header === HEADER_WITHOUT_SCENARIO) columns = 6;
        else throw new MalformedDataError(file, 1, `header must be "${CSV_HEADER}"`);
        continue;
      }
      if (line.trim() === '') continue;
      const row = parseCsvLine(line, lineNumber, columns ?? 7, file);
      if (row.tx.event_time < lastTime) {
        throw new MalformedDataError(
          file,
          lineNumber,
          'timestamp goes back in time: rows must be sorted by timestamp',
        );
      }
      lastTime = row.tx.event_time;
      yield { row, line: lineNumber };
    }
  } catch (err) {
    if (err instanceof MalformedDataError) throw err;
    throw new DataIoError(file, err);
  } finally {
    lines.close();
    input.destroy();
  }
  if (lineNumber === 0)
    throw new MalformedDataError(file, 1, `empty file: header "${CSV_HEADER}" expected`);
}
