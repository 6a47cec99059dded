import { ConfigError } from '../errors';

/** Raw process environment, as given to the parsers (injected so tests need no global state). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where the local services are; every default lives here and in deploy/local/env.sh. */
export interface ServiceEndpoints {
  /** Kafka bootstrap servers. @defaultValue `['127.0.0.1:19092']` (FS_KAFKA_BROKERS) */
  readonly kafkaBrokers: readonly string[];
  /** Redis URL. @defaultValue `'redis://127.0.0.1:16379'` (FS_REDIS_URL) */
  readonly redisUrl: string;
}

/** Defaults for {@link ServiceEndpoints}; they match the local stack in deploy/local. */
export const DEFAULT_SERVICE_ENDPOINTS: ServiceEndpoints = {
  kafkaBrokers: ['127.0.0.1:19092'],
  redisUrl: 'redis://127.0.0.1:16379',
};

/** Reads a `host:port[,host:port]` list; the error names the variable. */
export function parseBrokerList(name: string, raw: string): string[] {
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  const valid = brokers.length > 0 && brokers.every((b) => /^[^\s:]+:\d{1,5}$/.test(b));
  if (!valid) throw new ConfigError(name, 'a comma-separated list of host:port', raw);
  return brokers;
}

/** Reads a redis:// or rediss:// URL; the error names the variable. */
export function parseRedisUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'a redis://host:port URL', raw);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(name, 'a redis:// or rediss:// URL', raw);
  }
  return raw;
}

/** Reads a positive integer (e.g. a duration in ms); the error names the variable. */
export function parsePositiveInt(name: string, raw: string): number {
  return parseIntAtLeast(name, raw, 1, 'a positive integer');
}

/** Parses an integer ≥ 0; throws ConfigError naming `name`. */
export function parseNonNegativeInt(name: string, raw: string): number {
  return parseIntAtLeast(name, raw, 0, 'an integer ≥ 0');
}

function parseIntAtLeast(name: string, raw: string, min: number, expected: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(name, expected, raw);
  }
  return value;
}

/** Resolves the service endpoints from the environment, falling back to the defaults. */
export function loadServiceEndpoints(env: Env): ServiceEndpoints {
  return {
    kafkaBrokers:
      env.FS_KAFKA_BROKERS === undefined
        ? DEFAULT_SERVICE_ENDPOINTS.kafkaBrokers
        : parseBrokerList('FS_KAFKA_BROKERS', env.FS_KAFKA_BROKERS),
    redisUrl:
      env.FS_REDIS_URL === undefined
        ? DEFAULT_SERVICE_ENDPOINTS.redisUrl
        : parseRedisUrl('FS_REDIS_URL', env.FS_REDIS_URL),
  };
}
