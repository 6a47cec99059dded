/** Stable, documented error codes of @fraudstream/loadgen (listed in loadgen/README.md). */
export const LOADGEN_ERROR_CODES = [
  'FS_SIM_INVALID_PARAMS',
  'FS_DATA_MALFORMED',
  'FS_DATA_IO',
  'FS_CLI_USAGE',
  'FS_REPORT_RENDER',
] as const;

/** Stable codes of the load generator and benchmarks (listed in loadgen/README.md). */
export const LOAD_ERROR_CODES = [
  'FS_LOAD_INVALID_OPTIONS',
  'FS_LOAD_KAFKA',
  'FS_BENCH_FLEET_NOT_READY',
  'FS_BENCH_ABORTED',
  'FS_BENCH_PROFILE_MALFORMED',
  'FS_KAFKAJS_UNSUPPORTED',
] as const;

/** One of the load generator's error codes. */
export type LoadErrorCode = (typeof LOAD_ERROR_CODES)[number];

/** One of the documented loadgen error codes (simulator and reports, or load generator). */
export type LoadgenErrorCode = (typeof LOADGEN_ERROR_CODES)[number] | LoadErrorCode;

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

/** Base error of the load generator and benchmarks. */
export class LoadError extends LoadgenError {
  override readonly name: string = 'LoadError';
  declare readonly code: LoadErrorCode;

  /** A stable code; `retriable` says whether running again unchanged may succeed. */
  constructor(
    code: LoadErrorCode,
    message: string,
    retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(code, message, retriable, options);
  }
}

/** An option of a load run or benchmark is invalid; the message names it. Never retriable. */
export class LoadOptionsError extends LoadError {
  override readonly name = 'LoadOptionsError';

  /** `setting` is the option's name (as in the options object), `expected` what it must be. */
  constructor(
    readonly setting: string,
    expected: string,
    received: unknown,
  ) {
    super(
      'FS_LOAD_INVALID_OPTIONS',
      `${setting}: expected ${expected}, got ${String(received)}`,
      false,
    );
  }
}

/** Kafka could not be reached or refused an operation the run needs (topics, groups, sends). */
export class LoadKafkaError extends LoadError {
  override readonly name = 'LoadKafkaError';

  /** `operation` says what was being done, e.g. "create topic transactions-bench-1". */
  constructor(operation: string, cause: unknown) {
    super(
      'FS_LOAD_KAFKA',
      `${operation}: ${cause instanceof Error ? cause.message : String(cause)} (is Kafka up at the configured brokers? bash deploy/local/stack.sh status)`,
      true,
      { cause },
    );
  }
}

/** The workers a benchmark started did not all join their consumer group in time. */
export class FleetNotReadyError extends LoadError {
  override readonly name = 'FleetNotReadyError';

  /** `expected` members, `joined` seen when `timeoutMs` (BenchOptions.fleetReadyTimeoutMs) ran out. */
  constructor(groupId: string, expected: number, joined: number, timeoutMs: number) {
    super(
      'FS_BENCH_FLEET_NOT_READY',
      `consumer group ${groupId}: ${joined} of ${expected} workers joined within ${timeoutMs} ms (raise fleetReadyTimeoutMs, or check the workers' logs)`,
      true,
    );
  }
}

/** A benchmark was stopped (its AbortSignal) before a run it still had to make. */
export class LoadAbortedError extends LoadError {
  override readonly name = 'LoadAbortedError';

  /** `run` is the label of the run that was not started. */
  constructor(run: string) {
    super('FS_BENCH_ABORTED', `benchmark stopped before its run "${run}"`, false);
  }
}

/** A worker's .cpuprofile is not a V8 CPU profile (truncated, or not one at all). */
export class CpuProfileFormatError extends LoadError {
  override readonly name = 'CpuProfileFormatError';

  /** `source` names the file, `reason` what is wrong with it. */
  constructor(source: string, reason: string, cause?: unknown) {
    super('FS_BENCH_PROFILE_MALFORMED', `${source}: not a V8 CPU profile (${reason})`, false, {
      cause,
    });
  }
}

/** The installed kafkajs is not the version whose internals a client fix was written for. */
export class KafkajsVersionError extends LoadError {
  override readonly name = 'KafkajsVersionError';

  /** `what` says which internal is missing or different. */
  constructor(what: string) {
    super(
      'FS_KAFKAJS_UNSUPPORTED',
      `kafkajs: ${what}; the idle-loop fix in loadgen/src/load/kafkajs-idle-fix.ts targets kafkajs 2.2.x (review it before upgrading kafkajs)`,
      false,
    );
  }
}
