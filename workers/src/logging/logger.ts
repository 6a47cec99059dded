// Structured JSON logs: one object per line on stdout, so a log shipper needs no parser.
// Redaction by construction: callers pass ids, codes and counts as fields; record contents
// (amounts, raw bytes) are never logged.

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
}

/** Defaults of {@link JsonLoggerOptions}. */
export const DEFAULT_JSON_LOGGER_OPTIONS = { level: 'info' } as const;

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger writing `{"time","level","msg",...fields}` JSON lines. */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const level = options.level ?? DEFAULT_JSON_LOGGER_OPTIONS.level;
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const now = options.now ?? Date.now;
  return build(level, write, now, options.bindings ?? {});
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

function build(
  level: LogLevel,
  write: (line: string) => void,
  now: () => number,
  bindings: LogFields,
): Logger {
  const min = RANK[level];
  const emit = (lineLevel: LogLevel, message: string, fields?: LogFields): void => {
    if (RANK[lineLevel] < min) return;
    const line: Record<string, unknown> = {
      time: new Date(now()).toISOString(),
      level: lineLevel,
      msg: message,
    };
    for (const [k, v] of Object.entries(bindings)) line[k] = serialise(v);
    if (fields) for (const [k, v] of Object.entries(fields)) line[k] = serialise(v);
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      // A cyclic field must not take the process down with it.
      text = JSON.stringify({
        time: line.time,
        level: lineLevel,
        msg: message,
        logError: 'unserialisable fields',
      });
    }
    write(`${text}\n`);
  };
  return {
    level,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (more) => build(level, write, now, { ...bindings, ...more }),
    enabled: (l) => RANK[l] >= min,
  };
}

/** Errors become plain objects: name, code, message, retriable, and the cause's code chain. */
export function serialise(value: unknown): unknown {
  if (!(value instanceof Error)) return typeof value === 'bigint' ? value.toString() : value;
  const e = value as Error & { code?: unknown; retriable?: unknown };
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  if (e.code !== undefined) out.code = e.code;
  if (typeof e.retriable === 'boolean') out.retriable = e.retriable;
  if (e.cause !== undefined) out.cause = serialise(e.cause);
  if (!(typeof e.code === 'string' && e.code.startsWith('FS_')) && e.stack) {
    // Only unexpected errors get a stack: ours are explained by their code.
    out.stack = e.stack.split('\n').slice(0, 8).join('\n');
  }
  return out;
}

/** Parses a level name; undefined when it is not one. */
export function parseLogLevel(raw: string): LogLevel | undefined {
  const v = raw.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : undefined;
}
