import { FraudstreamError } from '@fraudstream/settings';

/** Stable, documented error codes of @fraudstream/simulator (listed in docs/errors.md). */
export const SIMULATOR_ERROR_CODES = [
  'FS_SIM_INVALID_PARAMS',
  'FS_DATA_MALFORMED',
  'FS_DATA_IO',
] as const;

/** One of the simulator's error codes. */
export type SimulatorErrorCode = (typeof SIMULATOR_ERROR_CODES)[number];

/** Base error of the simulator package: a stable code, whether a retry can help, and the cause. */
export class SimulatorError extends FraudstreamError<SimulatorErrorCode> {
  override readonly name: string = 'SimulatorError';
}

/** A simulation parameter is out of range; the message names the parameter. Never retriable. */
export class SimulationParamsError extends SimulatorError {
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
export class MalformedDataError extends SimulatorError {
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
export class DataIoError extends SimulatorError {
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
