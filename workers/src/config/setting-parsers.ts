// Parsers of the worker's environment variables: each checks one value and throws a
// ConfigError naming the variable and what was expected.
import { ConfigError } from '../errors';
import { parseLogLevel, type LogLevel } from '../logging/logger';

/** Parses and checks one raw value; throws ConfigError naming `name`. */
export type Parser<T> = (name: string, raw: string) => T;

/** Reads `true/false/1/0/yes/no/on/off`; the error names the variable. */
export function parseBooleanSetting(name: string, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

/** A non-empty string, trimmed. */
export function nonEmpty(name: string, raw: string): string {
  const v = raw.trim();
  if (v === '') throw new ConfigError(name, 'a non-empty string', raw);
  return v;
}

/** Kafka's legal topic and group characters; names that need escaping are refused early. */
/** A Kafka topic or group name. */
export function kafkaName(name: string, raw: string): string {
  const v = raw.trim();
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(v))
    throw new ConfigError(name, 'a Kafka name of [A-Za-z0-9._-], at most 249 characters', raw);
  return v;
}

/** A BullMQ queue or prefix name (no colon). */
export function queueName(name: string, raw: string): string {
  const v = raw.trim();
  // BullMQ builds keys `<prefix>:<queue>:...`; a colon in either would split them wrongly.
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(v))
    throw new ConfigError(name, 'a name of [A-Za-z0-9._-] (no colon)', raw);
  return v;
}

/** A TCP port, 0 to 65535. */
export function port(name: string, raw: string): number {
  const v = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || v > 65535)
    throw new ConfigError(name, 'a port number from 0 to 65535', raw);
  return v;
}

/** A log level name. */
export function logLevel(name: string, raw: string): LogLevel {
  const level = parseLogLevel(raw);
  if (level === undefined) throw new ConfigError(name, 'one of debug, info, warn, error', raw);
  return level;
}

/** An http(s) base URL, trailing slash dropped. */
export function httpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(name, 'an http:// or https:// URL', raw);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(name, 'an http:// or https:// URL', raw);
  return raw.trim().replace(/\/+$/, '');
}

/** A Redis key prefix. */
export function keyPrefix(name: string, raw: string): string {
  if (raw.length === 0 || /\s/.test(raw))
    throw new ConfigError(name, 'a non-empty key prefix without spaces', raw);
  return raw;
}
