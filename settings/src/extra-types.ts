// More kinds of setting value (a calendar date, a value with a parser of its own). Kept apart
// from types.ts, which the environment settings work is reshaping, until the two are merged.
import { z } from 'zod';
import type { SettingType } from './setting';

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
