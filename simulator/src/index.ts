// Public entry point of @fraudstream/simulator: the handbook's transaction simulator, shared by
// model training (models) and load generation (loadgen), and the labelled-history CSV layout.
export type { SimulatorErrorCode } from './errors';
export {
  DataIoError,
  MalformedDataError,
  SIMULATOR_ERROR_CODES,
  SimulationParamsError,
  SimulatorError,
} from './errors';
export type { CompiledSimulationParams, SimulationParams } from './params';
export { DEFAULT_HISTORY_DAYS, DEFAULT_SIMULATION_PARAMS, compileSimulationParams } from './params';
export { Random, hashInts } from './prng';
export { simulateTransactions } from './simulate';
export type {
  FraudScenario,
  GroundTruth,
  LabelledTransaction,
  SimTransaction,
  SimulatedTransaction,
} from './types';
export {
  CSV_HEADER,
  formatCsvLine,
  formatTimestamp,
  parseCsvLine,
  parseTimestamp,
  readLabelledCsv,
  readNumberedCsv,
  writeLabelledCsv,
} from './csv';
export type { NumberedRow } from './csv';
export type { DatasetSummary } from './summary';
export { SummaryAccumulator } from './summary';
export type { SimulationSizeParams } from './size-flags';
export { SIMULATION_SIZE_FLAGS, givenSimulationSize, simulationSizeFlags } from './size-flags';
