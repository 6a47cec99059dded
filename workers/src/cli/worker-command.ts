import { loadModelBackends } from '../adapters/models-backend';
import {
  commandHelp,
  describeValues,
  helpLines,
  readFlags,
  secretTexts,
  switchFlag,
  type CliCommand,
} from '@fraudstream/settings';
import { loadWorkerConfig, WORKER_SETTINGS, type WorkerConfig } from '../config/worker-config';
import { causeText, ShutdownTimeoutError, type WorkerError } from '../errors';
import { createJsonLogger } from '../logging/logger';
import {
  initTelemetry,
  resolveTelemetryOptions,
  TELEMETRY_SETTINGS,
  telemetryOptionsFromEnv,
  type TelemetryOptions,
} from '../telemetry';
import { ScoringWorker } from '../worker';

/**
 * The flags of `fraudstream worker`, declared once: parsing, `--help` and docs/settings.md come
 * from here. Only this one: the worker's configuration is its FS_* variables.
 */
export const WORKER_FLAGS = {
  printConfig: switchFlag(
    'print-config',
    'print the values in effect as JSON (credentials redacted) and exit',
  ),
};

/**
 * `fraudstream worker`: one stateless scoring process; run as many as there are partitions, all
 * in one consumer group. Configuration comes from FS_* environment variables only (so every
 * replica of a deployment is configured the same way); `--help` lists them.
 */
export const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'run a scoring worker (configured by FS_* environment variables; --help lists them)',
  async run(argv) {
    const { values, help } = readFlags(WORKER_FLAGS, argv);
    if (help) {
      printHelp();
      return 0;
    }
    // Validated once, here: a bad variable stops the process with its name (exit 1 via main).
    const config = loadWorkerConfig(process.env);
    const telemetryOptions = telemetryOptionsFromEnv(process.env, {
      serviceInstanceId: config.instanceId,
    });
    if (values.printConfig) {
      console.log(printableConfig(config, telemetryOptions));
      return 0;
    }
    const logger = createJsonLogger({
      level: config.logLevel,
      bindings: { service: 'fraudstream-worker', instance: config.instanceId },
      secrets: [
        ...secretTexts(WORKER_SETTINGS, config),
        ...secretTexts(TELEMETRY_SETTINGS, resolveTelemetryOptions(telemetryOptions)),
      ],
    });
    let fatal: WorkerError | undefined;
    let wake: (why: string) => void = () => undefined;
    const stopRequested = new Promise<string>((resolve) => {
      wake = resolve;
    });
    const onSignal = (signal: NodeJS.Signals): void => wake(signal);
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    process.on('unhandledRejection', (error) => {
      logger.error('unhandled rejection', { error });
      wake('unhandled rejection');
    });

    // First, so the spans of start-up are recorded; shut down last, after the consumers left.
    const telemetry = initTelemetry(telemetryOptions, {
      onError: (error) =>
        logger.debug('telemetry export failed', { component: 'telemetry', error }),
    });
    const backends = await loadModelBackends(config, logger);
    const worker = ScoringWorker.create(config, {
      ...backends,
      telemetry,
      logger,
      onFatal: (error) => {
        fatal = error;
        wake('fatal error');
      },
    });
    let startError: unknown;
    const started = worker.start().catch((error: unknown) => {
      startError = error;
      wake('start failed');
    });
    const reason = await stopRequested;

    // Bounded shutdown: past FS_SHUTDOWN_TIMEOUT_MS the process exits anyway; at-least-once
    // delivery makes that safe (uncommitted records are redelivered to another worker).
    const deadline = setTimeout(() => {
      logger.error('shutdown timed out; exiting', {
        error: new ShutdownTimeoutError(config.shutdownTimeoutMs),
      });
      process.exit(1);
    }, config.shutdownTimeoutMs);
    await worker.stop(reason);
    await started;
    await telemetry.shutdown();
    clearTimeout(deadline);
    // A failed start (bad model store, no broker) reaches the user with its code through main;
    // a start cut short by SIGTERM is a normal stop.
    if (startError !== undefined && reason === 'start failed') {
      throw startError instanceof Error ? startError : new Error(causeText(startError));
    }
    const code = (fatal ?? worker.fatalError) ? 1 : 0;
    // A client library that keeps a socket open must not keep a stopped worker alive.
    setTimeout(() => process.exit(code), 2_000).unref();
    return code;
  },
};

/**
 * The values in effect, by variable, as `--print-config` prints them (JSON): every worker and
 * telemetry setting, credentials redacted by their declarations.
 */
export function printableConfig(config: WorkerConfig, telemetryOptions: TelemetryOptions): string {
  const { traceIdHashKey } = telemetryOptions;
  const telemetry = resolveTelemetryOptions(telemetryOptions);
  const shown = {
    ...describeValues(WORKER_SETTINGS, config),
    ...describeValues(TELEMETRY_SETTINGS, telemetry),
  };
  // The per-process random key would show as "(set)", which reads as if one had been given.
  if (traceIdHashKey === undefined) {
    shown[TELEMETRY_SETTINGS.traceIdHashKey.name] = '(unset: random per process)';
  }
  return JSON.stringify(shown, null, 2);
}

function printHelp(): void {
  console.log(
    commandHelp(
      'fraudstream worker [options]',
      'Runs one scoring worker, configured by the FS_* environment variables below (docs/settings.md).',
      WORKER_FLAGS,
    ),
  );
  console.log('\nsettings (environment variables):');
  for (const line of helpLines(WORKER_SETTINGS)) console.log(line);
  console.log('\ntelemetry:');
  for (const line of helpLines(TELEMETRY_SETTINGS)) console.log(line);
}
