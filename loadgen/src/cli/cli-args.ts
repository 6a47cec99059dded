// Parsing of the load generator's flag values; every error names the flag and what it takes.
import { UsageError } from '../errors';
import type { RampStep } from '../load/rate-profile';
import type { SimulationParams } from '../simulator/params';

/** A number flag: `min` inclusive, optionally an integer. */
export function numberFlag(flag: string, raw: string, min: number, integer = false): number {
  const value = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    (integer && !Number.isInteger(value))
  ) {
    throw new UsageError(
      `--${flag}: expected ${integer ? 'an integer' : 'a number'} ≥ ${min}, got "${raw}"`,
    );
  }
  return value;
}

/**
 * The simulator's seed and size flags (--seed, --days, --customers, --terminals) that were given,
 * read through `str` (the string value of a flag, undefined when absent).
 */
export function simulationSizeFlags(
  str: (flag: string) => string | undefined,
): Pick<Partial<SimulationParams>, 'seed' | 'days' | 'customers' | 'terminals'> {
  const sim: { seed?: number; days?: number; customers?: number; terminals?: number } = {};
  for (const [flag, min] of [
    ['seed', 0],
    ['days', 1],
    ['customers', 1],
    ['terminals', 1],
  ] as const) {
    const raw = str(flag);
    if (raw !== undefined) sim[flag] = numberFlag(flag, raw, min, true);
  }
  return sim;
}

/** `1000,2000,4000` → numbers. */
export function numberList(flag: string, raw: string, min: number, integer = false): number[] {
  const parts = raw.split(',').filter((p) => p.trim() !== '');
  if (parts.length === 0)
    throw new UsageError(`--${flag}: expected a comma-separated list, got "${raw}"`);
  return parts.map((p) => numberFlag(flag, p.trim(), min, integer));
}

/** `500:30,1000:30` (tx/s : seconds per step) → ramp steps. */
export function parseRamp(flag: string, raw: string): RampStep[] {
  return raw.split(',').map((step) => {
    const [tps, seconds, extra] = step.split(':');
    if (tps === undefined || seconds === undefined || extra !== undefined) {
      throw new UsageError(
        `--${flag}: expected steps TPS:SECONDS separated by commas, got "${step}"`,
      );
    }
    return {
      tps: numberFlag(flag, tps, 0.001),
      durationMs: numberFlag(flag, seconds, 0.001) * 1000,
    };
  });
}

/** `200:10:30:30` (base tx/s : factor : start s : length s) → burst settings. */
export function parseBurst(
  flag: string,
  raw: string,
): { baseTps: number; burstFactor: number; burstAtMs: number; burstMs: number } {
  const parts = raw.split(':');
  if (parts.length !== 4) {
    throw new UsageError(`--${flag}: expected BASE_TPS:FACTOR:START_S:LENGTH_S, got "${raw}"`);
  }
  const [base, factor, at, length] = parts as [string, string, string, string];
  return {
    baseTps: numberFlag(flag, base, 0.001),
    burstFactor: numberFlag(flag, factor, 0.001),
    burstAtMs: numberFlag(flag, at, 0) * 1000,
    burstMs: numberFlag(flag, length, 0.001) * 1000,
  };
}
