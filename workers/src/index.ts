// Public entry point of @fraudstream/workers: the scoring fleet and the fraudstream CLI.
export { main, COMMANDS } from './cli/main';
export type { CliCommand } from './cli/command';
export { WorkerError, ConfigError, UsageError, TfBackendError, WORKER_ERROR_CODES } from './errors';
export type { WorkerErrorCode } from './errors';
export {
  DEFAULT_SERVICE_ENDPOINTS,
  loadServiceEndpoints,
  parseBrokerList,
  parseRedisUrl,
  parsePositiveInt,
} from './config/env';
export type { Env, ServiceEndpoints } from './config/env';
export { runDoctor } from './doctor/checks';
export type { DoctorReport, CheckResult } from './doctor/checks';
