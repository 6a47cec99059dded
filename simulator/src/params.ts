import { SimulationParamsError } from './errors';

/** Parameters of the simulation model of docs/simulator.md. */
export interface SimulationParams {
  /** Seed of every random draw. @defaultValue 0 */
  seed: number;
  /** Number of customers (cards). @defaultValue 5000 */
  customers: number;
  /** Number of terminals. @defaultValue 10000 */
  terminals: number;
  /** Number of simulated days. @defaultValue 183 */
  days: number;
  /** First day, 00:00:00 UTC, as an ISO date. @defaultValue '2018-04-01' */
  startDate: string;
  /** A customer pays at terminals strictly closer than this. @defaultValue 5 */
  radius: number;
  /** Amounts above this are fraud (scenario 1). @defaultValue 220 */
  scenario1AmountThreshold: number;
  /** Terminals compromised per day (scenario 2). @defaultValue 2 */
  compromisedTerminalsPerDay: number;
  /** How long a compromised terminal stays compromised. @defaultValue 28 */
  terminalCompromiseDays: number;
  /** Customers whose credentials leak per day (scenario 3). @defaultValue 3 */
  compromisedCustomersPerDay: number;
  /** How long leaked credentials are used. @defaultValue 14 */
  customerCompromiseDays: number;
  /** Amount multiplier of a scenario-3 fraud. @defaultValue 5 */
  scenario3AmountFactor: number;
}

/** The book's defaults (docs/simulator.md), seed 0. */
export const DEFAULT_SIMULATION_PARAMS: Readonly<SimulationParams> = Object.freeze({
  seed: 0,
  customers: 5000,
  terminals: 10000,
  days: 183,
  startDate: '2018-04-01',
  radius: 5,
  scenario1AmountThreshold: 220,
  compromisedTerminalsPerDay: 2,
  terminalCompromiseDays: 28,
  compromisedCustomersPerDay: 3,
  customerCompromiseDays: 14,
  scenario3AmountFactor: 5,
});

/** Parameters after validation, with the start as epoch milliseconds. */
export interface CompiledSimulationParams extends SimulationParams {
  startMs: number;
}

function checkInt(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new SimulationParamsError(name, `an integer ≥ ${min}`, value);
  }
}

/** Fills defaults and validates once; errors name the bad parameter. */
export function compileSimulationParams(
  raw: Partial<SimulationParams> = {},
): CompiledSimulationParams {
  const p: SimulationParams = { ...DEFAULT_SIMULATION_PARAMS, ...raw };
  checkInt('seed', p.seed, 0);
  if (p.seed > 0xffffffff) throw new SimulationParamsError('seed', 'at most 2^32 - 1', p.seed);
  checkInt('customers', p.customers, 1);
  checkInt('terminals', p.terminals, 1);
  checkInt('days', p.days, 1);
  checkInt('compromisedTerminalsPerDay', p.compromisedTerminalsPerDay, 0);
  checkInt('terminalCompromiseDays', p.terminalCompromiseDays, 1);
  checkInt('compromisedCustomersPerDay', p.compromisedCustomersPerDay, 0);
  checkInt('customerCompromiseDays', p.customerCompromiseDays, 1);
  if (!(p.radius > 0)) throw new SimulationParamsError('radius', 'a number > 0', p.radius);
  if (!(p.scenario1AmountThreshold > 0)) {
    throw new SimulationParamsError(
      'scenario1AmountThreshold',
      'a number > 0',
      p.scenario1AmountThreshold,
    );
  }
  if (!(p.scenario3AmountFactor > 0)) {
    throw new SimulationParamsError(
      'scenario3AmountFactor',
      'a number > 0',
      p.scenario3AmountFactor,
    );
  }
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(p.startDate) ||
    Number.isNaN(Date.parse(`${p.startDate}T00:00:00Z`))
  ) {
    throw new SimulationParamsError('startDate', 'an ISO date YYYY-MM-DD', p.startDate);
  }
  return { ...p, startMs: Date.parse(`${p.startDate}T00:00:00Z`) };
}

/**
 * Simulated days treated as history before live traffic: the load generator skips them and a
 * backfill loads them by default, so a fleet warmed by one continues where the other starts.
 */
export const DEFAULT_HISTORY_DAYS = 28;
