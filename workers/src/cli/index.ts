// `@fraudstream/workers/cli`: the worker's own subcommands of `fraudstream`. The umbrella in
// @fraudstream/cli loads this module only when one of them runs.
export { DOCTOR_FLAGS, doctorCommand } from './doctor-command';
export { TRACE_FLAGS, traceCommand } from './trace-command';
export { WORKER_FLAGS, workerCommand } from './worker-command';
