// A worker inside the test process, for the tests that inject faults through stage wrappers
// (dependency injection through the worker's options; production code has no test switches).
import {
  createJsonLogger,
  loadModelBackends,
  loadWorkerConfig,
  ScoringWorker,
  type LogLevel,
  type WorkerDependencies,
} from '@fraudstream/workers';

/** One JSON log line. */
export type CapturedLog = Readonly<Record<string, unknown>>;

/** A worker started in-process with `env`, its logs captured in `logs`. */
export async function startInProcessWorker(
  env: Readonly<Record<string, string>>,
  deps: Partial<WorkerDependencies> = {},
  logs: CapturedLog[] = [],
): Promise<ScoringWorker> {
  const config = loadWorkerConfig(env);
  const logger = createJsonLogger({
    level: (env.FS_LOG_LEVEL as LogLevel | undefined) ?? 'info',
    write: (line) => logs.push(JSON.parse(line) as CapturedLog),
  });
  const backends = await loadModelBackends(config, logger);
  return ScoringWorker.start(config, { ...backends, logger, ...deps });
}
