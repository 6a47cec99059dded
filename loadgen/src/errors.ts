import { FraudstreamError } from '@fraudstream/settings';

/** Stable codes of the load generator and benchmarks (listed in docs/errors.md). */
export const LOAD_ERROR_CODES = [
  'FS_LOAD_INVALID_OPTIONS',
  'FS_LOAD_KAFKA',
  'FS_BENCH_FLEET_NOT_READY',
  'FS_BENCH_ABORTED',
  'FS_BENCH_PROFILE_MALFORMED',
  'FS_BENCH_BACKEND',
] as const;

/** One of the load generator's error codes. */
export type LoadErrorCode = (typeof LOAD_ERROR_CODES)[number];

/** One of the documented loadgen error codes. */
export type LoadgenErrorCode = LoadErrorCode;

/** Base error of the loadgen package: a stable code, whether a retry can help, and the cause. */
export class LoadgenError extends FraudstreamError<LoadgenErrorCode> {
  override readonly name: string = 'LoadgenError';
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

/**
 * A benchmark could not run on the TF.js backend it names (the backend failed to initialise, or
 * another one ran instead): its figures would be labelled with the wrong backend.
 */
export class BenchmarkBackendError extends LoadError {
  override readonly name = 'BenchmarkBackendError';

  /** `wanted` is the backend asked for; `message` says what happened instead. */
  constructor(
    readonly wanted: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('FS_BENCH_BACKEND', `backend "${wanted}": ${message}`, false, options);
  }
}
