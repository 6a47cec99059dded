import { FraudstreamError } from '@fraudstream/settings';

/** Stable codes of the load generator and benchmarks (listed in docs/errors.md). */
export const LOAD_ERROR_CODES = [
  'FS_LOAD_INVALID_OPTIONS',
  'FS_LOAD_KAFKA',
  'FS_BENCH_FLEET_NOT_READY',
  'FS_BENCH_ABORTED',
  'FS_BENCH_PROFILE_MALFORMED',
  'FS_BENCH_BACKEND',
  'FS_BENCH_STACK_UNAVAILABLE',
  'FS_BENCH_FAULT_NOT_RESTORED',
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

/**
 * A stack fault of `bench chaos` cannot be injected: the local stack's process is not running,
 * or it is not the Kafka or Redis the run's workers use (FRAUDSTREAM_HOME against FS_REDIS_URL and
 * FS_KAFKA_BROKERS). Checked before anything starts. Not retriable: the stack or the settings
 * must change first.
 */
export class StackUnavailableError extends LoadError {
  override readonly name = 'StackUnavailableError';

  /** `message` says which component and what is wrong with it. */
  constructor(message: string) {
    super('FS_BENCH_STACK_UNAVAILABLE', message, false);
  }
}

/**
 * A `bench chaos` fault left the stack broken: the component it hit did not come back (or its
 * settings could not be put back) within the restore timeout, after trying. The run stops at
 * once; the stack needs a look (bash deploy/local/stack.sh status) before anything else runs on
 * it, so this is not retriable.
 */
export class FaultNotRestoredError extends LoadError {
  override readonly name = 'FaultNotRestoredError';

  /** `fault` is the step's name (e.g. `5-redis-stop`), `what` what is still broken. */
  constructor(
    readonly fault: string,
    what: string,
    options?: { cause?: unknown },
  ) {
    super(
      'FS_BENCH_FAULT_NOT_RESTORED',
      `fault ${fault} could not be restored: ${what}${options?.cause instanceof Error ? ` (${options.cause.message})` : ''}; check the stack: bash deploy/local/stack.sh status`,
      false,
      options,
    );
  }
}
