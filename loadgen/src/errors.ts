/** Stable, documented error codes of @fraudstream/loadgen (listed in loadgen/README.md). */
export const LOADGEN_ERROR_CODES = [
  'FS_SIM_INVALID_PARAMS',
  'FS_DATA_MALFORMED',
  'FS_DATA_IO',
  'FS_CLI_USAGE',
  'FS_REPORT_RENDER',
] as const;

/** One of the documented loadgen error codes. */
export type LoadgenErrorCode = (typeof LOADGEN_ERROR_CODES)[number];

/** Base error of the loadgen package: a stable code, whether a retry can help, and the cause. */
export class LoadgenError extends Error {
  override readonly name: string = 'LoadgenError';

  /** Creates an error with a stable code; `retriable` says whether retrying may succeed. */
  constructor(
    readonly code: LoadgenErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A simulation parameter is out of range; the message names the parameter. Never retriable. */
export class SimulationParamsError extends LoadgenError {
  override readonly name = 'SimulationParamsError';

  /** `param` is the bad setting's name, `expected` what it must be. */
  constructor(
    readonly param: string,
    expected: string,
    received: unknown,
  ) {
    super(
      'FS_SIM_INVALID_PARAMS',
      `${param}: expected ${expected}, got ${String(received)}`,
      false,
    );
  }
}

/** A labelled-history file does not follow the documented CSV layout. Never retriable. */
export class MalformedDataError extends LoadgenError {
  override readonly name = 'MalformedDataError';

  /** `line` is 1-based (the header is line 1); `reason` says what is wrong with it. */
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super('FS_DATA_MALFORMED', `${file}:${line}: ${reason}`, false);
  }
}

/** Reading or writing a data file failed at the file-system level. */
export class DataIoError extends LoadgenError {
  override readonly name = 'DataIoError';

  /** `file` is the path that failed. */
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(
      'FS_DATA_IO',
      `${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      false,
      { cause },
    );
  }
}

/** A command line could not be used; the message says what was wrong. */
export class UsageError extends LoadgenError {
  override readonly name = 'UsageError';

  /** `message` names the bad flag and what was expected. */
  constructor(message: string) {
    super('FS_CLI_USAGE', message, false);
  }
}

/** A chart could not be rendered (bad data, or no font available for the labels). */
export class ReportRenderError extends LoadgenError {
  override readonly name = 'ReportRenderError';

  /** `message` says what could not be drawn and why. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('FS_REPORT_RENDER', message, false, options);
  }
}
