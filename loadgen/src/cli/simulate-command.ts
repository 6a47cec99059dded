import { parseArgs } from 'node:util';
import { LoadgenError, UsageError } from '../errors';
import { writeLabelledCsv } from '../simulator/csv';
import { simulationSizeFlags } from './cli-args';
import type { SimulationParams } from '../simulator/params';
import { DEFAULT_SIMULATION_PARAMS, compileSimulationParams } from '../simulator/params';
import { simulateTransactions } from '../simulator/simulate';
import type { DatasetSummary } from '../simulator/summary';
import { SummaryAccumulator } from '../simulator/summary';

const HELP = `fraudstream simulate — write a simulated labelled dataset (docs/simulator.md)

  --out FILE.csv     output, in the documented layout
                     (transaction_id,timestamp,customer_id,terminal_id,amount,is_fraud,scenario)
  --days N           (${DEFAULT_SIMULATION_PARAMS.days})   --customers N (${DEFAULT_SIMULATION_PARAMS.customers})   --terminals N (${DEFAULT_SIMULATION_PARAMS.terminals})
  --seed N           (${DEFAULT_SIMULATION_PARAMS.seed}) same seed and parameters, same file, byte for byte
  --start-date D     (${DEFAULT_SIMULATION_PARAMS.startDate})
  --json             print the summary as JSON`;

/** The book's run at the defaults (docs/simulator.md §1), printed beside ours. */
export const REFERENCE_SUMMARY = {
  transactions: 1_754_155,
  frauds: 14_681,
  fraudRate: 0.0084,
  fraudsByScenario: { '1': 1000, '2': 9100, '3': 4600 },
} as const;

/** Formats a summary for people, beside the reference figures when the defaults were used. */
export function formatSummary(s: DatasetSummary, atDefaults: boolean): string {
  const ref = REFERENCE_SUMMARY;
  const pct = (v: number): string => `${(v * 100).toFixed(2)} %`;
  const lines = [
    `transactions  ${s.transactions}${atDefaults ? `   (book: ${ref.transactions})` : ''}`,
    `frauds        ${s.frauds}${atDefaults ? `   (book: ${ref.frauds})` : ''}`,
    `fraud rate    ${pct(s.fraudRate)}${atDefaults ? `   (book: ${pct(ref.fraudRate)})` : ''}`,
  ];
  for (const k of ['1', '2', '3'] as const) {
    lines.push(
      `scenario ${k}    ${s.fraudsByScenario[k]}${atDefaults ? `   (book: about ${ref.fraudsByScenario[k]})` : ''}`,
    );
  }
  lines.push(`customers     ${s.customers} active, terminals ${s.terminals} used, ${s.days} days`);
  return lines.join('\n');
}

/** `fraudstream simulate`: writes the simulated dataset and prints its summary. */
export const simulateCommand = {
  name: 'simulate',
  summary: 'Write a simulated labelled transaction dataset (CSV) and print its summary',
  async run(argv: string[]): Promise<number> {
    try {
      let values: Record<string, string | boolean | undefined>;
      try {
        values = parseArgs({
          args: argv,
          options: {
            out: { type: 'string' },
            days: { type: 'string' },
            customers: { type: 'string' },
            terminals: { type: 'string' },
            seed: { type: 'string' },
            'start-date': { type: 'string' },
            json: { type: 'boolean' },
            help: { type: 'boolean', short: 'h' },
          },
          strict: true,
        }).values;
      } catch (err) {
        throw new UsageError(err instanceof Error ? err.message : String(err));
      }
      if (values.help === true) {
        console.log(HELP);
        return 0;
      }
      const out = values.out;
      if (typeof out !== 'string') throw new UsageError('--out FILE.csv is required');
      const str = (k: string): string | undefined => {
        const v = values[k];
        return typeof v === 'string' ? v : undefined;
      };
      const raw: Partial<SimulationParams> = simulationSizeFlags(str);
      const startDate = str('start-date');
      if (startDate !== undefined) raw.startDate = startDate;
      const params = compileSimulationParams(raw);
      const started = Date.now();
      const summary = new SummaryAccumulator();
      await writeLabelledCsv(out, simulateTransactions(params), (row) =>
        summary.add(row.tx, row.truth),
      );
      const s = summary.result();
      const atDefaults =
        raw.days === undefined && raw.customers === undefined && raw.terminals === undefined;
      if (values.json === true) console.log(JSON.stringify({ file: out, params, ...s }));
      else {
        console.log(formatSummary(s, atDefaults));
        console.log(`wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      return 0;
    } catch (err) {
      if (err instanceof LoadgenError) {
        console.error(`error ${err.code}: ${err.message}`);
        return err.code === 'FS_CLI_USAGE' ? 2 : 1;
      }
      console.error(err);
      return 1;
    }
  },
};
