/** Stable, documented error codes of @fraudstream/settings (listed in docs/errors.md). */
export const SETTINGS_ERROR_CODES = ['FS_CONFIG_INVALID', 'FS_CLI_USAGE'] as const;

/** One of the settings package's error codes. */
export type SettingsErrorCode = (typeof SETTINGS_ERROR_CODES)[number];

/**
 * Base of every fraudstream error, in every package: a stable `FS_*` code (listed in
 * docs/errors.md), whether retrying the same operation may succeed, and the cause.
 */
export class FraudstreamError<C extends string = string> extends Error {
  override readonly name: string = 'FraudstreamError';

  /** Creates an error with a stable code; `retriable` says whether retrying may succeed. */
  constructor(
    readonly code: C,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Base of the settings errors: never retriable (the input must change). */
export class SettingsError extends FraudstreamError<SettingsErrorCode> {
  override readonly name: string = 'SettingsError';

  /** Creates an error with a stable code. */
  constructor(code: SettingsErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, false, options);
  }
}

/** A setting (environment variable or flag) has a value we cannot use. */
export class ConfigError extends SettingsError {
  override readonly name = 'ConfigError';

  /** `setting` is the variable or flag name, so the message tells the user what to fix. */
  constructor(
    readonly setting: string,
    expected: string,
    received: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      'FS_CONFIG_INVALID',
      `${setting}: expected ${expected}, got ${received === undefined ? 'nothing' : JSON.stringify(received)}`,
      options,
    );
  }
}

/** A command line could not be used; the message names the flag and what was expected. */
export class UsageError extends SettingsError {
  override readonly name = 'UsageError';

  /** `message` says what was wrong and how to ask for help. */
  constructor(message: string) {
    super('FS_CLI_USAGE', message);
  }
}
