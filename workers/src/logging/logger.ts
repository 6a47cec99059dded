// Structured JSON logs: one object per line on stdout, so a log shipper needs no parser. pino
// writes them behind the Logger interface every component receives.
// Redaction by construction: callers pass ids, codes and counts as fields; record contents
// (amounts, raw bytes) are never logged. As a second line of defence, credentials in known
// fields (passwords, URL userinfo) and URL passwords quoted in error messages are masked.
import { pino, type Logger as PinoLogger } from 'pino';
import { redactText, redactUrl } from '@fraudstream/settings';

/** Severity of a log line, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Extra fields of a log line; errors are serialised to name, code, message and retriable. */
export type LogFields = Readonly<Record<string, unknown>>;

/** The logger every component receives. */
export interface Logger {
  readonly level: LogLevel;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every line (e.g. `{ component: 'retry' }`). */
  child(bindings: LogFields): Logger;
  /** Whether a line at `level` would be written (to skip building costly fields). */
  enabled(level: LogLevel): boolean;
}

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Lowest level written. @defaultValue `'info'` */
  readonly level?: LogLevel;
  /** Where lines go. @defaultValue process.stdout */
  readonly write?: (line: string) => void;
  /** Clock for the `time` field. @defaultValue Date.now */
  readonly now?: () => number;
  /** Fields on every line. */
  readonly bindings?: LogFields;
  /**
   * Credentials to mask wherever they appear in a line (from `secretTexts` of the settings in
   * force): a library may quote one in a message no field path reaches.
   */
  readonly secrets?: readonly string[];
}

/** Defaults of {@link JsonLoggerOptions}. */
export const DEFAULT_JSON_LOGGER_OPTIONS = { level: 'info' } as const;

/**
 * Fields that may hold a credential, at the top of a line or one level down (`{ redis: { url } }`).
 * URL-valued ones keep their host (what an operator needs) and lose their password; the others
 * are hidden whole.
 */
const URL_FIELDS = [
  'url',
  'redisUrl',
  'schemaRegistryUrl',
  'registryUrl',
  'otlpEndpoint',
  'jaegerUrl',
];
const SECRET_FIELDS = ['password', 'secret', 'token', 'authorization', 'apiKey'];
const REDACTED = '[redacted]';

/**
 * A logger writing `{"time","level","msg",...fields}` JSON lines (pino underneath), credentials
 * in known fields redacted.
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const level = options.level ?? DEFAULT_JSON_LOGGER_OPTIONS.level;
  // process.stdout.write as before rather than pino's own asynchronous destination: a worker that
  // exits (shutdown timeout, fatal error) must not lose the lines saying why.
  const out = options.write ?? ((line: string) => void process.stdout.write(line));
  const secrets = options.secrets ?? [];
  const write = secrets.length === 0 ? out : (line: string) => out(redactText(line, secrets));
  const now = options.now ?? Date.now;
  const root = pino(
    {
      level,
      // No pid/hostname: the instance id is a binding, and lines keep the shape they had.
      base: undefined,
      timestamp: () => `,"time":"${new Date(now()).toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [...URL_FIELDS, ...SECRET_FIELDS].flatMap((f) => [f, `*.${f}`]),
        censor: (value: unknown, path: string[]) =>
          typeof value === 'string' && URL_FIELDS.includes(path[path.length - 1] ?? '')
            ? redactUrl(value)
            : REDACTED,
      },
    },
    { write },
  );
  return wrap(
    level,
    options.bindings === undefined ? root : root.child(serialiseFields(options.bindings)),
  );
}

/** A logger that writes nothing (the default of components built without one). */
export const SILENT_LOGGER: Logger = {
  level: 'error',
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => SILENT_LOGGER,
  enabled: () => false,
};

/** Our Logger over a pino logger: message first, fields second, errors serialised our way. */
function wrap(level: LogLevel, logger: PinoLogger): Logger {
  const emit =
    (lineLevel: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (fields === undefined) logger[lineLevel](message);
      else logger[lineLevel](serialiseFields(fields), message);
    };
  return {
    level,
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (more) => wrap(level, logger.child(serialiseFields(more))),
    enabled: (l) => logger.isLevelEnabled(l),
  };
}

function serialiseFields(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = serialise(v);
  return out;
}

/** Errors become plain objects: name, code, message, retriable, and the cause's code chain. */
export function serialise(value: unknown): unknown {
  if (!(value instanceof Error)) return typeof value === 'bigint' ? value.toString() : value;
  const e = value as Error & { code?: unknown; retriable?: unknown };
  const out: Record<string, unknown> = { name: e.name, message: redactText(e.message) };
  if (e.code !== undefined) out.code = e.code;
  if (typeof e.retriable === 'boolean') out.retriable = e.retriable;
  if (e.cause !== undefined) out.cause = serialise(e.cause);
  if (!(typeof e.code === 'string' && e.code.startsWith('FS_')) && e.stack) {
    // Only unexpected errors get a stack: ours are explained by their code.
    out.stack = redactText(e.stack.split('\n').slice(0, 8).join('\n'));
  }
  return out;
}

/** Parses a level name; undefined when it is not one. */
export function parseLogLevel(raw: string): LogLevel | undefined {
  const v = raw.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : undefined;
}
