// The kinds of value a setting can take. Each builds the zod schema that parses the raw text and
// the words that describe it, from the same bounds, so a range is written once.
import { z } from 'zod';
import { redactUrl } from './redact';
import type { SettingType } from './setting';

/** Bounds of a numeric setting; `min`/`max` inclusive, `above` exclusive. */
export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
  readonly above?: number;
}

function boundsText(b: NumberBounds): string {
  const lower = b.above !== undefined ? `> ${b.above}` : b.min !== undefined ? `≥ ${b.min}` : '';
  if (b.min !== undefined && b.max !== undefined) return `from ${b.min} to ${b.max}`;
  if (lower !== '' && b.max !== undefined) return `${lower} and ≤ ${b.max}`;
  if (lower !== '') return lower;
  return b.max !== undefined ? `≤ ${b.max}` : '';
}

function numeric(integer: boolean, b: NumberBounds): SettingType<number> {
  const schema = z
    .string()
    .regex(integer ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/)
    .transform(Number)
    .pipe(
      z
        .number()
        .refine((n) => (integer ? Number.isSafeInteger(n) : Number.isFinite(n)))
        .refine((n) => b.min === undefined || n >= b.min)
        .refine((n) => b.max === undefined || n <= b.max)
        .refine((n) => b.above === undefined || n > b.above),
    );
  const bounds = boundsText(b);
  return {
    schema,
    expected: `${integer ? 'an integer' : 'a number'}${bounds === '' ? '' : ` ${bounds}`}`,
    format: String,
  };
}

/** A whole number within the bounds. */
export function int(bounds: NumberBounds = {}): SettingType<number> {
  return numeric(true, bounds);
}

/** A finite number within the bounds. */
export function num(bounds: NumberBounds = {}): SettingType<number> {
  return numeric(false, bounds);
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`, any case). */
export function bool(): SettingType<boolean> {
  const truthy = ['true', '1', 'yes', 'on'];
  const falsy = ['false', '0', 'no', 'off'];
  return {
    schema: z
      .string()
      .transform((s) => s.toLowerCase())
      .refine((s) => truthy.includes(s) || falsy.includes(s))
      .transform((s) => truthy.includes(s)),
    expected: 'true or false',
    format: String,
  };
}

/** One of a fixed list of words; `ignoreCase` also takes `DEBUG` for `debug`. */
export function oneOf<const T extends string>(
  values: readonly T[],
  options: { ignoreCase?: boolean } = {},
): SettingType<T> {
  return {
    schema: z
      .string()
      .transform((s) => (options.ignoreCase === true ? s.toLowerCase() : s))
      .refine((s): s is T => (values as readonly string[]).includes(s)),
    expected: `one of ${values.join(', ')}`,
    format: String,
  };
}

/** Free text, optionally matching a pattern described by `what`. */
export function text(pattern?: RegExp, what = 'text'): SettingType<string> {
  return {
    schema: pattern === undefined ? z.string() : z.string().regex(pattern),
    expected: what,
    format: (s) => s,
  };
}

/**
 * A URL whose scheme is one of `protocols` (without the colon); `stripTrailingSlash` turns a base
 * URL `http://h:1/` into `http://h:1`. As a secret it is shown with its password masked.
 */
export function url(
  protocols: readonly string[],
  options: { stripTrailingSlash?: boolean } = {},
): SettingType<string> {
  return {
    schema: z
      .string()
      .refine((s) => {
        try {
          return protocols.includes(new URL(s).protocol.replace(/:$/, ''));
        } catch {
          // Not a URL at all: the refinement fails and the error names the setting.
          return false;
        }
      })
      .transform((s) => (options.stripTrailingSlash === true ? s.replace(/\/+$/, '') : s)),
    expected: `a ${protocols.map((p) => `${p}://`).join(' or ')} URL`,
    format: (s) => s,
    redact: redactUrl,
  };
}

/** A comma-separated list of items of one kind (at least one). */
export function list<T>(item: SettingType<T>, what?: string): SettingType<T[]> {
  return {
    schema: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== ''),
      )
      .pipe(z.array(item.schema).min(1)),
    expected: what ?? `a comma-separated list of ${item.expected}`,
    format: (values) => values.map((v) => item.format(v)).join(','),
  };
}

/** `host:port` pairs separated by commas (Kafka bootstrap servers). */
export function hostPortList(): SettingType<string[]> {
  return list(text(/^[^\s:,]+:\d{1,5}$/, 'host:port'), 'a comma-separated list of host:port');
}

/** A calendar date written YYYY-MM-DD (a real one: 2018-13-45 is refused), kept as that text. */
export function isoDate(): SettingType<string> {
  return {
    schema: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .refine((s) => {
        // Date.parse rolls 2018-02-30 over to March: the day must survive the round trip.
        const ms = Date.parse(`${s}T00:00:00Z`);
        return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(s);
      }),
    expected: 'a date YYYY-MM-DD',
    format: (s) => s,
  };
}

/**
 * A value read by a parser of its own (e.g. a ramp `500:30,1000:30`): `parse` returns undefined
 * when the text is not one, and the error then says `expected`.
 */
export function parsedBy<T>(
  parse: (raw: string) => T | undefined,
  expected: string,
  format: (value: T) => string,
): SettingType<T> {
  return {
    schema: z.string().transform((raw, ctx) => {
      const value = parse(raw);
      if (value === undefined) {
        ctx.addIssue({ code: 'custom', message: expected });
        return z.NEVER;
      }
      return value;
    }),
    expected,
    format,
  };
}
