import { flag, int, readFlags } from '@fraudstream/settings';
import { DEFAULT_SIMULATION_PARAMS, type SimulationParams } from './params';

const D = DEFAULT_SIMULATION_PARAMS;

/**
 * The simulator's seed and size flags, declared once for every command that simulates data
 * (`fraudstream simulate`, `train`, `evaluate`, `backfill`): spread them into a command's flags.
 */
export const SIMULATION_SIZE_FLAGS = {
  seed: flag('seed', int({ min: 0 }), D.seed, 'same seed and parameters, same data, byte for byte'),
  days: flag('days', int({ min: 1 }), D.days, 'simulated days'),
  customers: flag('customers', int({ min: 1 }), D.customers, 'simulated customers'),
  terminals: flag('terminals', int({ min: 1 }), D.terminals, 'simulated terminals'),
};

/** The simulator parameters set by the seed and size flags. */
export type SimulationSizeParams = Pick<
  Partial<SimulationParams>,
  'seed' | 'days' | 'customers' | 'terminals'
>;

/**
 * Of a command's parsed flags, the seed and size flags that were given (absent ones stay out, so
 * the simulator's defaults apply and "at defaults" can be told apart).
 */
export function givenSimulationSize(
  values: Readonly<Record<keyof typeof SIMULATION_SIZE_FLAGS, number>>,
  given: ReadonlySet<PropertyKey>,
): SimulationSizeParams {
  const sim: SimulationSizeParams = {};
  for (const key of Object.keys(SIMULATION_SIZE_FLAGS) as (keyof typeof SIMULATION_SIZE_FLAGS)[]) {
    if (given.has(key)) sim[key] = values[key];
  }
  return sim;
}

/**
 * The seed and size flags that were given, read through `str` (the string value of a flag,
 * undefined when absent), for commands that parse their own argv; a bad value throws a
 * UsageError naming the flag.
 */
export function simulationSizeFlags(
  str: (flag: string) => string | undefined,
): SimulationSizeParams {
  const argv = Object.values(SIMULATION_SIZE_FLAGS).flatMap((decl) => {
    const raw = str(decl.name.slice(2));
    return raw === undefined ? [] : [`${decl.name}=${raw}`];
  });
  const { values, given } = readFlags(SIMULATION_SIZE_FLAGS, argv);
  return givenSimulationSize(values, given);
}
