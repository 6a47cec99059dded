/** Stable, documented error codes of @fraudstream/workers (listed in workers/README.md). */
export const WORKER_ERROR_CODES = [
  'FS_CONFIG_INVALID',
  'FS_CLI_USAGE',
  'FS_TF_BACKEND',
] as const;

/** One of the documented worker error codes. */
export type WorkerErrorCode = (typeof WORKER_ERROR_CODES)[number];

/** Base error of the workers package: a stable code, whether a retry can help, and the cause. */
export class WorkerError extends Error {
  override readonly name: string = 'WorkerError';

  /** Creates an error with a stable code; `retriable` says whether retrying may succeed. */
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A setting (environment variable or flag) has a value we cannot use. Never retriable. */
export class ConfigError extends WorkerError {
  override readonly name = 'ConfigError';

  /** `setting` is the variable or flag name, so the message tells the user what to fix. */
  constructor(
    readonly setting: string,
    expected: string,
    received: string | undefined,
  ) {
    super(
      'FS_CONFIG_INVALID',
      `${setting}: expected ${expected}, got ${received === undefined ? 'nothing' : JSON.stringify(received)}`,
      false,
    );
  }
}

/** The command line was used wrongly. */
export class UsageError extends WorkerError {
  override readonly name = 'UsageError';

  /** `message` says what was wrong and how to ask for help. */
  constructor(message: string) {
    super('FS_CLI_USAGE', message, false);
  }
}

/** TensorFlow.js is not running on the native `tensorflow` backend. */
export class TfBackendError extends WorkerError {
  override readonly name = 'TfBackendError';

  /** `message` names the backend found and how to build the native one. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('FS_TF_BACKEND', message, false, options);
  }
}
