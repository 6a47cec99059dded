import {
  SettingsError,
  UsageError,
  commandHelp,
  flag,
  isoDate,
  optionalFlag,
  readFlags,
  switchFlag,
  text,
  type CliCommand,
} from '@fraudstream/settings';
import type { DatasetSummary, SimulationParams } from '@fraudstream/simulator';
import {
  DEFAULT_SIMULATION_PARAMS,
  SIMULATION_SIZE_FLAGS,
  SimulatorError,
  SummaryAccumulator,
  compileSimulationParams,
  givenSimulationSize,
  simulateTransactions,
  writeLabelledCsv,
} from '@fraudstream/simulator';

/** The flags of `fraudstream simulate`, declared once: parsing and `--help` come from here. */
export const SIMULATE_FLAGS = {
  out: optionalFlag(
    'out',
    text(/\S/, 'a file path'),
    'output CSV (required), in the documented layout: transaction_id,timestamp,customer_id,terminal_id,amount,is_fraud,scenario',
  ),
  ...SIMULATION_SIZE_FLAGS,
  startDate: flag(
    'start-date',
    isoDate(),
    DEFAULT_SIMULATION_PARAMS.startDate,
    'first simulated day',
  ),
  json: switchFlag('json', 'print the summary as JSON'),
};

/** The book's run at the defaults (docs/simulator.md, "The data model"), printed beside ours. */
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
export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'Write a simulated labelled transaction dataset (CSV) and print its summary',
  async run(argv: string[]): Promise<number> {
    try {
      const { values, given, help } = readFlags(SIMULATE_FLAGS, argv);
      if (help) {
        console.log(
          commandHelp(
            'fraudstream simulate --out FILE.csv [options]',
            'Writes a simulated labelled dataset (docs/simulator.md) and prints its summary.',
            SIMULATE_FLAGS,
          ),
        );
        return 0;
      }
      const out = values.out;
      if (out === undefined) throw new UsageError('--out FILE.csv is required');
      const raw: Partial<SimulationParams> = givenSimulationSize(values, given);
      if (given.has('startDate')) raw.startDate = values.startDate;
      const params = compileSimulationParams(raw);
      const started = Date.now();
      const summary = new SummaryAccumulator();
      await writeLabelledCsv(out, simulateTransactions(params), (row) =>
        summary.add(row.tx, row.truth),
      );
      const s = summary.result();
      const atDefaults =
        raw.days === undefined && raw.customers === undefined && raw.terminals === undefined;
      if (values.json) console.log(JSON.stringify({ file: out, params, ...s }));
      else {
        console.log(formatSummary(s, atDefaults));
        console.log(`wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      return 0;
    } catch (err) {
      if (err instanceof SimulatorError || err instanceof SettingsError) {
        console.error(`error ${err.code}: ${err.message}`);
        return err.code === 'FS_CLI_USAGE' ? 2 : 1;
      }
      throw err;
    }
  },
};
