import type { CliCommand } from '@fraudstream/settings';

/** A subcommand as `fraudstream --help` lists it, and how to load it when it runs. */
export interface LazyCommand {
  /** The word typed after `fraudstream`. */
  readonly name: string;
  /** One line for `fraudstream --help`. */
  readonly summary: string;
  /** Loads the package that implements the command; only the command that runs is loaded. */
  load(): Promise<CliCommand>;
}

// The summaries are repeated here so that `--help` loads no package (the command modules of
// loadgen and models pull in TensorFlow, charts and the simulator); commands.test.ts checks
// that each one is the command's own.

/** Every subcommand of `fraudstream`, in the order `--help` lists them. */
export const COMMANDS: readonly LazyCommand[] = [
  {
    name: 'doctor',
    summary: 'check Node, the native TensorFlow backend, Kafka and Redis (--json for machines)',
    load: async () => (await import('@fraudstream/workers/cli')).doctorCommand,
  },
  {
    name: 'demo',
    summary: 'run a small fleet against simulated traffic with live progress and a summary',
    load: async () => (await import('@fraudstream/loadgen')).demoCommand,
  },
  {
    name: 'worker',
    summary: 'run a scoring worker (configured by FS_* environment variables; --help lists them)',
    load: async () => (await import('@fraudstream/workers/cli')).workerCommand,
  },
  {
    name: 'loadgen',
    summary: 'stream simulated transactions at a controlled rate and measure end-to-end latency',
    load: async () => (await import('@fraudstream/loadgen')).loadgenCliCommand,
  },
  {
    name: 'bench',
    summary:
      'run a benchmark of docs/benchmarks.md (seed, capacity, passthrough, burst, fleet, tracing, ...)',
    load: async () => (await import('@fraudstream/loadgen')).benchCliCommand,
  },
  {
    name: 'trace',
    summary: "print one transaction's trace from Jaeger, stage by stage (--json for machines)",
    load: async () => (await import('@fraudstream/workers/cli')).traceCommand,
  },
  {
    name: 'schemas',
    summary: 'Avro contracts: compatibility check, type generation, fixtures, demo',
    load: async () => (await import('@fraudstream/schemas/cli')).schemasCommand,
  },
  {
    name: 'simulate',
    summary: 'Write a simulated labelled transaction dataset (CSV) and print its summary',
    load: async () => (await import('@fraudstream/loadgen')).simulateCommand,
  },
  {
    name: 'train',
    summary: 'Train the fraud model on simulated data or --data FILE.csv and save an artifact',
    load: async () => (await import('@fraudstream/models/training')).trainCommand,
  },
  {
    name: 'evaluate',
    summary: 'Evaluate the model with the book protocol (4 prequential folds) and write a report',
    load: async () => (await import('@fraudstream/models/training')).evaluateCommand,
  },
  {
    name: 'backfill',
    summary: "Load labelled history into the workers' feature state in Redis",
    load: async () => (await import('@fraudstream/models/training')).backfillCommand,
  },
];
