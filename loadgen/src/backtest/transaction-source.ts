// Where an event-time replay takes its transactions from: a labelled CSV file (streamed, in the
// layout of `train` and `evaluate`) or the simulator. A source can be read more than once (a
// backtest validates it whole before sending anything, then reads it again to send).
import type { LabelledTransaction, SimulationParams } from '@fraudstream/simulator';
import { readNumberedCsv, simulateTransactions } from '@fraudstream/simulator';

/** A row with where it came from: its line in a file, or null for generated rows. */
export interface SourcedRow {
  readonly row: LabelledTransaction;
  readonly line: number | null;
}

/** Labelled transactions in event-time order. */
export interface TransactionSource {
  /** For reports and errors: the file, or the simulation's parameters. */
  readonly description: string;
  /** The file that MalformedDataError names, or undefined for generated rows. */
  readonly file: string | undefined;
  /** A fresh pass over the rows, from the first; bounded memory. */
  rows(): AsyncIterable<SourcedRow>;
}

/** A labelled CSV file in the documented layout, streamed and validated line by line. */
export function csvTransactionSource(file: string): TransactionSource {
  return {
    description: `csv: ${file}`,
    file,
    rows: () => readNumberedCsv(file),
  };
}

/** The simulator's stream (the same seed gives the same rows on every pass). */
export function simulatedTransactionSource(params: Partial<SimulationParams>): TransactionSource {
  return {
    description: `simulated: ${JSON.stringify(params)}`,
    file: undefined,
    rows: () => ({
      [Symbol.asyncIterator]: (): AsyncIterator<SourcedRow> => {
        const rows = simulateTransactions(params)[Symbol.iterator]();
        return {
          next: () => {
            const step = rows.next();
            return Promise.resolve(
              step.done === true
                ? { done: true, value: undefined }
                : { done: false, value: { row: step.value, line: null } },
            );
          },
        };
      },
    }),
  };
}
