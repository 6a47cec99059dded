// The telemetry settings (tracing, metrics, the Jaeger lookups of `fraudstream trace`), declared
// once: parsing, defaults, errors, `--help` and docs/settings.md come from the declarations.
import { hostname } from 'node:os';
import {
  bool,
  checkSettings,
  declaredDefaults,
  int,
  num,
  optionalSetting,
  readGivenSettings,
  setting,
  text,
  url,
  type SettingValues,
} from '@fraudstream/settings';
import type { Env } from '../config/env';
import { DEFAULT_JAEGER_URL } from './jaeger-query';
import { processHashKey } from './span-ids';

const nonEmpty = text(/\S/, 'a non-empty string');
// 32 characters: 128 bits as hex, as much as the HMAC needs to be out of reach of a search.
const HASH_KEY_MIN_LENGTH = 32;
const hashKey = text(
  new RegExp(`^\\S{${HASH_KEY_MIN_LENGTH},}$`),
  `at least ${HASH_KEY_MIN_LENGTH} characters without spaces`,
);
// Secret: a collector URL may carry credentials (https://user:token@collector).
const otlpUrl = url(['http', 'https'], { stripTrailingSlash: true });

/** The FS_* variables of tracing and metrics, read by every fraudstream process that traces. */
export const TELEMETRY_SETTINGS = {
  serviceName: setting(
    'FS_SERVICE_NAME',
    nonEmpty,
    'fraudstream-worker',
    '`service.name` of every span and metric',
  ),
  serviceVersion: setting('FS_SERVICE_VERSION', nonEmpty, '0.1.0', '`service.version`'),
  serviceInstanceId: optionalSetting(
    'FS_SERVICE_INSTANCE_ID',
    nonEmpty,
    '`service.instance.id`, unique per process (unset: hostname:pid; the worker uses FS_INSTANCE_ID)',
  ),
  tracingEnabled: setting('FS_TRACING_ENABLED', bool(), true, 'create and export spans at all'),
  // Why 1 % of traces: metrics already cover every transaction, so traces only need to be a
  // representative sample of where time goes. At the 50,000 transactions an hour of the service
  // levels (~14/s) that is ~500 end-to-end traces an hour; at a 1,000/s load test it is 10 traces
  // (~80 spans) a second, well inside what one BatchSpanProcessor exports without back-pressure
  // on a 2-core machine. Local debugging and tests set FS_TRACE_SAMPLE_RATIO=1.
  traceSampleRatio: setting(
    'FS_TRACE_SAMPLE_RATIO',
    num({ min: 0, max: 1 }),
    0.01,
    'share of new traces recorded (a record arriving with a sampling decision keeps it)',
  ),
  otlpEndpoint: setting(
    'FS_OTLP_ENDPOINT',
    otlpUrl,
    'http://127.0.0.1:14318',
    'base URL of an OTLP/HTTP receiver; /v1/traces and /v1/metrics are appended',
    { secret: true },
  ),
  otlpCa: optionalSetting(
    'FS_OTLP_CA',
    nonEmpty,
    'PEM file of the CA(s) an https:// FS_OTLP_ENDPOINT is verified against, besides the system ones (unset: the system CAs only)',
  ),
  otlpTimeoutMs: setting(
    'FS_OTLP_TIMEOUT_MS',
    int({ min: 1 }),
    10_000,
    'timeout of one OTLP export request, ms',
  ),
  metricsOtlpEnabled: setting(
    'FS_METRICS_OTLP_ENABLED',
    bool(),
    false,
    'push metrics over OTLP too (the /metrics scrape endpoint is always on)',
  ),
  metricsExportIntervalMs: setting(
    'FS_METRICS_EXPORT_INTERVAL_MS',
    int({ min: 1 }),
    15_000,
    'interval of OTLP metric pushes, ms',
  ),
  // Off by default: a pipelined batch read is hundreds of commands.
  traceRedisCommands: setting(
    'FS_TRACE_REDIS_COMMANDS',
    bool(),
    false,
    'one span per Redis command besides the one per pipelined round trip',
  ),
  traceRedisArgs: setting(
    'FS_TRACE_REDIS_ARGS',
    bool(),
    false,
    'keep Redis command arguments (keys, values) in db.query.text; they hold raw customer and card ids, whatever FS_TRACE_RAW_IDS says',
  ),
  traceRawIds: setting(
    'FS_TRACE_RAW_IDS',
    bool(),
    false,
    'put customer and card ids (kafka.message.key) on spans as they are, instead of their HMAC-SHA-256 under FS_TRACE_ID_HASH_KEY; the transaction id is always raw',
  ),
  traceIdHashKey: optionalSetting(
    'FS_TRACE_ID_HASH_KEY',
    hashKey,
    'key of the HMAC-SHA-256 that customer and card ids are hashed with on spans; set the same key on every process to follow one customer across them (unset: a random key per process)',
    { secret: true },
  ),
};

/** The settings of `fraudstream trace`. */
export const TRACE_SETTINGS = {
  jaegerUrl: setting(
    'FS_JAEGER_URL',
    otlpUrl,
    DEFAULT_JAEGER_URL,
    'Jaeger query API that `fraudstream trace` reads',
    { secret: true },
  ),
};

/** Settings of tracing and metrics given in code; every field optional, defaults from the declarations. */
export type TelemetryOptions = Partial<SettingValues<typeof TELEMETRY_SETTINGS>>;

/** Options that stay unset when not given. */
type UnsetKeys = 'otlpCa';

/** {@link TelemetryOptions} with every default applied and every value checked. */
export type ResolvedTelemetryOptions = {
  readonly [K in Exclude<keyof TelemetryOptions, UnsetKeys>]-?: NonNullable<TelemetryOptions[K]>;
} & { readonly otlpCa: string | undefined };

/**
 * Defaults of {@link TelemetryOptions}: the declared ones, this process's instance id, and its
 * random hash key (see span-ids.ts for why random).
 */
export const DEFAULT_TELEMETRY_OPTIONS: ResolvedTelemetryOptions = Object.freeze({
  ...(declaredDefaults(TELEMETRY_SETTINGS) as Omit<
    ResolvedTelemetryOptions,
    'serviceInstanceId' | 'traceIdHashKey' | 'otlpCa'
  >),
  serviceInstanceId: `${hostname()}:${process.pid}`,
  traceIdHashKey: processHashKey(),
  otlpCa: undefined,
});

/** Environment variable of each option, so errors and docs name the variable. */
export const TELEMETRY_ENV = Object.fromEntries(
  Object.entries(TELEMETRY_SETTINGS).map(([key, decl]) => [key, decl.name]),
) as { readonly [K in keyof typeof TELEMETRY_SETTINGS]: string };

/**
 * Reads {@link TelemetryOptions} from the environment. `programDefaults` are the calling
 * program's own defaults (e.g. `{ serviceName: 'fraudstream-loadgen' }`); the environment wins
 * over them, and both win over {@link DEFAULT_TELEMETRY_OPTIONS}.
 */
export function telemetryOptionsFromEnv(
  env: Env,
  programDefaults: TelemetryOptions = {},
): TelemetryOptions {
  return { ...programDefaults, ...readGivenSettings(TELEMETRY_SETTINGS, env) };
}

/**
 * Applies the defaults and checks every value given in code by the rules of its variable (the
 * hash key may come from FS_TRACE_ID_HASH_KEY_FILE, like every secret: the settings package reads
 * it); a bad value throws a ConfigError naming the variable.
 */
export function resolveTelemetryOptions(options: TelemetryOptions = {}): ResolvedTelemetryOptions {
  return { ...DEFAULT_TELEMETRY_OPTIONS, ...checkSettings(TELEMETRY_SETTINGS, options) };
}
