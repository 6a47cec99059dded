// Kinds of flag value of the load generator and benchmarks; every error names the flag and what
// it takes.
import { parsedBy, type SettingType } from '@fraudstream/settings';
import type { RampStep } from '../load/rate-profile';

/** A positive finite number from text, undefined otherwise. */
function positive(raw: string | undefined, allowZero = false): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && (n > 0 || (allowZero && n === 0)) ? n : undefined;
}

/** `500:30,1000:30` (tx/s : seconds per step) → ramp steps. */
export function rampSteps(): SettingType<RampStep[]> {
  return parsedBy(
    (raw) => {
      const steps: RampStep[] = [];
      for (const step of raw.split(',')) {
        const parts = step.split(':');
        const tps = positive(parts[0]);
        const seconds = positive(parts[1]);
        if (parts.length !== 2 || tps === undefined || seconds === undefined) return undefined;
        steps.push({ tps, durationMs: seconds * 1000 });
      }
      return steps;
    },
    'steps TPS:SECONDS separated by commas, each > 0 (e.g. 500:30,1000:30)',
    (steps) => steps.map((s) => `${s.tps}:${s.durationMs / 1000}`).join(','),
  );
}

/** A burst: steady base tx/s, ×factor from a start for a length. */
export interface BurstShape {
  readonly baseTps: number;
  readonly burstFactor: number;
  readonly burstAtMs: number;
  readonly burstMs: number;
}

/** `200:10:30:30` (base tx/s : factor : start s : length s) → burst settings. */
export function burstShape(): SettingType<BurstShape> {
  return parsedBy(
    (raw) => {
      const parts = raw.split(':');
      const [base, factor, at, length] = [
        positive(parts[0]),
        positive(parts[1]),
        positive(parts[2], true),
        positive(parts[3]),
      ];
      if (parts.length !== 4 || base === undefined || factor === undefined) return undefined;
      if (at === undefined || length === undefined) return undefined;
      return { baseTps: base, burstFactor: factor, burstAtMs: at * 1000, burstMs: length * 1000 };
    },
    'BASE_TPS:FACTOR:START_S:LENGTH_S (START_S ≥ 0, the others > 0)',
    (b) => `${b.baseTps}:${b.burstFactor}:${b.burstAtMs / 1000}:${b.burstMs / 1000}`,
  );
}
