import { hostname } from 'node:os';
import type { Env } from '../config/env';
import { parsePositiveInt } from '../config/env';
import { ConfigError } from '../errors';

/** Settings of tracing and metrics; every field is optional, defaults below. */
export interface TelemetryOptions {
  /** `service.name` of every span and metric. @defaultValue `'fraudstream-worker'` (FS_SERVICE_NAME) */
  readonly serviceName?: string;
  /** `service.version`. @defaultValue `'0.1.0'` (FS_SERVICE_VERSION) */
  readonly serviceVersion?: string;
  /** `service.instance.id`, unique per process. @defaultValue `'<hostname>:<pid>'` (FS_SERVICE_INSTANCE_ID) */
  readonly serviceInstanceId?: string;
  /** Create and export spans at all. @defaultValue `true` (FS_TRACING_ENABLED) */
  readonly tracingEnabled?: boolean;
  /**
   * Share of new traces recorded, 0..1; a record that arrives with a sampling decision keeps it
   * (parent-based). @defaultValue `0.01` (FS_TRACE_SAMPLE_RATIO)
   */
  readonly traceSampleRatio?: number;
  /** Base URL of an OTLP/HTTP receiver; `/v1/traces`, `/v1/metrics` are appended. @defaultValue `'http://127.0.0.1:14318'` (FS_OTLP_ENDPOINT) */
  readonly otlpEndpoint?: string;
  /** Timeout of one OTLP export request. @defaultValue `10000` (FS_OTLP_TIMEOUT_MS) */
  readonly otlpTimeoutMs?: number;
  /** Push metrics over OTLP too (the /metrics scrape endpoint is always on). @defaultValue `false` (FS_METRICS_OTLP_ENABLED) */
  readonly metricsOtlpEnabled?: boolean;
  /** Interval of OTLP metric pushes. @defaultValue `15000` (FS_METRICS_EXPORT_INTERVAL_MS) */
  readonly metricsExportIntervalMs?: number;
  /**
   * One span per Redis command (ioredis instrumentation) in addition to the one span per
   * pipelined round trip. Off by default: a pipelined batch read is hundreds of commands.
   * @defaultValue `false` (FS_TRACE_REDIS_COMMANDS)
   */
  readonly traceRedisCommands?: boolean;
  /** Keep Redis command arguments (keys, values) in `db.query.text`. @defaultValue `false` (FS_TRACE_REDIS_ARGS) */
  readonly traceRedisArgs?: boolean;
}

/** {@link TelemetryOptions} with every default applied and every value checked. */
export type ResolvedTelemetryOptions = {
  readonly [K in keyof TelemetryOptions]-?: NonNullable<TelemetryOptions[K]>;
};

/**
 * Defaults of {@link TelemetryOptions}.
 *
 * Why 1 % of traces: metrics already cover every transaction, so traces only need to be a
 * representative sample of where time goes. At the 50,000 transactions an hour of the service
 * levels (~14/s) that is ~500 end-to-end traces an hour; at a 1,000/s load test it is 10 traces
 * (~80 spans) a second, well inside what one BatchSpanProcessor exports without back-pressure on
 * a 2-core machine. Local debugging and tests set FS_TRACE_SAMPLE_RATIO=1.
 */
export const DEFAULT_TELEMETRY_OPTIONS: ResolvedTelemetryOptions = {
  serviceName: 'fraudstream-worker',
  serviceVersion: '0.1.0',
  serviceInstanceId: `${hostname()}:${process.pid}`,
  tracingEnabled: true,
  traceSampleRatio: 0.01,
  otlpEndpoint: 'http://127.0.0.1:14318',
  otlpTimeoutMs: 10_000,
  metricsOtlpEnabled: false,
  metricsExportIntervalMs: 15_000,
  traceRedisCommands: false,
  traceRedisArgs: false,
};

/** Environment variable of each option, so errors and docs name the variable. */
export const TELEMETRY_ENV: { readonly [K in keyof ResolvedTelemetryOptions]: string } = {
  serviceName: 'FS_SERVICE_NAME',
  serviceVersion: 'FS_SERVICE_VERSION',
  serviceInstanceId: 'FS_SERVICE_INSTANCE_ID',
  tracingEnabled: 'FS_TRACING_ENABLED',
  traceSampleRatio: 'FS_TRACE_SAMPLE_RATIO',
  otlpEndpoint: 'FS_OTLP_ENDPOINT',
  otlpTimeoutMs: 'FS_OTLP_TIMEOUT_MS',
  metricsOtlpEnabled: 'FS_METRICS_OTLP_ENABLED',
  metricsExportIntervalMs: 'FS_METRICS_EXPORT_INTERVAL_MS',
  traceRedisCommands: 'FS_TRACE_REDIS_COMMANDS',
  traceRedisArgs: 'FS_TRACE_REDIS_ARGS',
};

/** Reads `true/false/1/0/yes/no/on/off` (any case); the error names the variable. */
export function parseBoolean(name: string, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

/** Reads a number in [0, 1]; the error names the variable. */
export function parseRatio(name: string, raw: string): number {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(name, 'a number from 0 to 1', raw);
  }
  return value;
}

/** Reads an http:// or https:// base URL and drops a trailing slash; the error names the variable. */
export function parseHttpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(name, 'an http:// or https:// URL', raw);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, 'an http:// or https:// URL', raw);
  }
  return raw.trim().replace(/\/+$/, '');
}

function nonEmpty(name: string, raw: string): string {
  if (raw.trim() === '') throw new ConfigError(name, 'a non-empty string', raw);
  return raw.trim();
}

/**
 * Reads {@link TelemetryOptions} from the environment. `programDefaults` are the calling
 * program's own defaults (e.g. `{ serviceName: 'fraudstream-loadgen' }`); the environment wins
 * over them, and both win over {@link DEFAULT_TELEMETRY_OPTIONS}.
 */
export function telemetryOptionsFromEnv(
  env: Env,
  programDefaults: TelemetryOptions = {},
): TelemetryOptions {
  const read = <T>(
    key: keyof ResolvedTelemetryOptions,
    parse: (name: string, raw: string) => T,
  ): T | undefined => {
    const name = TELEMETRY_ENV[key];
    const raw = env[name];
    return raw === undefined ? undefined : parse(name, raw);
  };
  const fromEnv: TelemetryOptions = {
    serviceName: read('serviceName', nonEmpty),
    serviceVersion: read('serviceVersion', nonEmpty),
    serviceInstanceId: read('serviceInstanceId', nonEmpty),
    tracingEnabled: read('tracingEnabled', parseBoolean),
    traceSampleRatio: read('traceSampleRatio', parseRatio),
    otlpEndpoint: read('otlpEndpoint', parseHttpUrl),
    otlpTimeoutMs: read('otlpTimeoutMs', parsePositiveInt),
    metricsOtlpEnabled: read('metricsOtlpEnabled', parseBoolean),
    metricsExportIntervalMs: read('metricsExportIntervalMs', parsePositiveInt),
    traceRedisCommands: read('traceRedisCommands', parseBoolean),
    traceRedisArgs: read('traceRedisArgs', parseBoolean),
  };
  const merged: Record<string, unknown> = { ...programDefaults };
  for (const [key, value] of Object.entries(fromEnv)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/**
 * Applies the defaults and checks every value; a bad value throws a ConfigError naming the
 * option (options built by {@link telemetryOptionsFromEnv} were already checked per variable).
 */
export function resolveTelemetryOptions(options: TelemetryOptions = {}): ResolvedTelemetryOptions {
  const o: ResolvedTelemetryOptions = {
    ...DEFAULT_TELEMETRY_OPTIONS,
    ...withoutUndefined(options),
  };
  for (const key of ['serviceName', 'serviceVersion', 'serviceInstanceId'] as const) {
    if (o[key].trim() === '') throw new ConfigError(key, 'a non-empty string', o[key]);
  }
  if (!Number.isFinite(o.traceSampleRatio) || o.traceSampleRatio < 0 || o.traceSampleRatio > 1) {
    throw new ConfigError('traceSampleRatio', 'a number from 0 to 1', String(o.traceSampleRatio));
  }
  for (const key of ['otlpTimeoutMs', 'metricsExportIntervalMs'] as const) {
    if (!Number.isSafeInteger(o[key]) || o[key] <= 0) {
      throw new ConfigError(key, 'a positive integer (ms)', String(o[key]));
    }
  }
  return { ...o, otlpEndpoint: parseHttpUrl('otlpEndpoint', o.otlpEndpoint) };
}

function withoutUndefined(options: TelemetryOptions): TelemetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
