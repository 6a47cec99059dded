// Errors of the load generator and the benchmarks. They follow the package's error contract
// (stable `code`, `retriable`, `cause`); they live beside the load code until the package's
// single errors.ts (owned by the simulator) absorbs them: LOAD_ERROR_CODES then joins
// LOADGEN_ERROR_CODES and LoadError extends LoadgenError.

/** Stable codes of the load generator and benchmarks (listed in loadgen/README.md). */
export const LOAD_ERROR_CODES = [
  'FS_LOAD_INVALID_OPTIONS',
  'FS_LOAD_KAFKA',
  'FS_BENCH_FLEET_NOT_READY',
  'FS_BENCH_ABORTED',
] as const;

/** One of the load generator's error codes. */
export type LoadErrorCode = (typeof LOAD_ERROR_CODES)[number];

/** Base error of the load generator and benchmarks. */
export class LoadError extends Error {
  override readonly name: string = 'LoadError';

  /** A stable code; `retriable` says whether running again unchanged may succeed. */
  constructor(
    readonly code: LoadErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
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
