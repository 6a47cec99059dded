// `@fraudstream/workers/cli`: the worker's own subcommands of `fraudstream`. The umbrella in
// @fraudstream/cli loads this module only when one of them runs.
export { doctorCommand } from './doctor-command';
export { traceCommand } from './trace-command';
export { workerCommand } from './worker-command';
