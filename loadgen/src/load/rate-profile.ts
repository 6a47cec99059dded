// Rate profiles: how many transactions per second the load generator offers over time. Pacing
// is open-loop: the number due at time t is the integral of the rate from 0 to t, whatever the
// system under test did, so a slow fleet cannot slow the offered load down (no coordinated
// omission on the sending side).
import { LoadOptionsError } from '../errors';

/** One step of a stepped ramp. */
export interface RampStep {
  /** Offered rate during the step, transactions per second. */
  readonly tps: number;
  readonly durationMs: number;
  /**
   * A warm-up step: the fleet's first seconds (JIT compilation, first TF kernels, connection
   * set-up) are measured and reported but never judged, so they cannot end a capacity ramp.
   */
  readonly warmUp?: boolean;
}

/** How the offered rate varies over the run. */
export type RateProfile =
  | { readonly kind: 'constant'; readonly tps: number }
  | { readonly kind: 'ramp'; readonly steps: readonly RampStep[] }
  | {
      readonly kind: 'burst';
      /** Steady rate before and after the burst. */
      readonly baseTps: number;
      /** Rate during the burst = baseTps × burstFactor. */
      readonly burstFactor: number;
      /** When the burst starts, from the start of the run. */
      readonly burstAtMs: number;
      readonly burstMs: number;
    };

/** A stretch of the run with one offered rate: the unit that reports and the capacity search judge. */
export interface RatePhase {
  readonly index: number;
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly targetTps: number;
  /** Reported, never judged (a ramp's warm-up step). */
  readonly warmUp?: boolean;
}

function checkRate(setting: string, tps: number): void {
  if (!Number.isFinite(tps) || tps <= 0) {
    throw new LoadOptionsError(setting, 'a finite rate > 0 transactions per second', tps);
  }
}

function checkDuration(setting: string, ms: number, min = 1): void {
  if (!Number.isFinite(ms) || ms < min) {
    throw new LoadOptionsError(setting, `a duration ≥ ${min} ms`, ms);
  }
}

/**
 * Validates a profile against the run duration. A ramp lasts the sum of its steps, so its
 * duration is implied; constant and burst profiles need `durationMs`.
 */
export function validateRateProfile(profile: RateProfile, durationMs: number | undefined): void {
  switch (profile.kind) {
    case 'constant':
      checkRate('profile.tps', profile.tps);
      return;
    case 'ramp':
      if (profile.steps.length === 0) {
        throw new LoadOptionsError('profile.steps', 'at least one step', '[]');
      }
      profile.steps.forEach((s, i) => {
        checkRate(`profile.steps[${i}].tps`, s.tps);
        checkDuration(`profile.steps[${i}].durationMs`, s.durationMs);
      });
      return;
    case 'burst':
      checkRate('profile.baseTps', profile.baseTps);
      if (!Number.isFinite(profile.burstFactor) || profile.burstFactor <= 0) {
        throw new LoadOptionsError(
          'profile.burstFactor',
          'a finite factor > 0',
          profile.burstFactor,
        );
      }
      checkDuration('profile.burstAtMs', profile.burstAtMs, 0);
      checkDuration('profile.burstMs', profile.burstMs);
      if (durationMs !== undefined && durationMs < profile.burstAtMs + profile.burstMs) {
        throw new LoadOptionsError(
          'durationMs',
          `at least burstAtMs + burstMs = ${profile.burstAtMs + profile.burstMs} ms for a burst profile`,
          durationMs,
        );
      }
      return;
  }
}

/** How long the profile lasts: the ramp's own length, else `durationMs`. */
export function profileDurationMs(profile: RateProfile, durationMs: number | undefined): number {
  if (profile.kind === 'ramp') return profile.steps.reduce((sum, s) => sum + s.durationMs, 0);
  if (durationMs !== undefined) return durationMs;
  if (profile.kind === 'burst') return profile.burstAtMs + profile.burstMs;
  return Number.POSITIVE_INFINITY;
}

/** The offered rate at `tMs` after the start (0 once a ramp is over). */
export function targetTpsAt(profile: RateProfile, tMs: number): number {
  switch (profile.kind) {
    case 'constant':
      return profile.tps;
    case 'ramp': {
      let start = 0;
      for (const step of profile.steps) {
        if (tMs < start + step.durationMs) return step.tps;
        start += step.durationMs;
      }
      return 0;
    }
    case 'burst': {
      const inBurst = tMs >= profile.burstAtMs && tMs < profile.burstAtMs + profile.burstMs;
      return inBurst ? profile.baseTps * profile.burstFactor : profile.baseTps;
    }
  }
}

/**
 * Transactions due by `tMs` after the start: the integral of the rate, as a real number (the
 * pacer floors it). Monotonic in `tMs`.
 */
export function scheduledCount(profile: RateProfile, tMs: number): number {
  const t = Math.max(0, tMs);
  switch (profile.kind) {
    case 'constant':
      return (profile.tps * t) / 1000;
    case 'ramp': {
      let start = 0;
      let total = 0;
      for (const step of profile.steps) {
        const inStep = Math.min(Math.max(t - start, 0), step.durationMs);
        total += (step.tps * inStep) / 1000;
        start += step.durationMs;
        if (t <= start) break;
      }
      return total;
    }
    case 'burst': {
      const overlap = Math.min(Math.max(t - profile.burstAtMs, 0), profile.burstMs);
      return (profile.baseTps * t + profile.baseTps * (profile.burstFactor - 1) * overlap) / 1000;
    }
  }
}

/** The phases of a profile over `[0, totalMs)`: one per ramp step, before/burst/after, or one. */
export function ratePhases(profile: RateProfile, totalMs: number): RatePhase[] {
  switch (profile.kind) {
    case 'constant':
      return [{ index: 0, name: 'steady', startMs: 0, endMs: totalMs, targetTps: profile.tps }];
    case 'ramp': {
      let start = 0;
      let judged = 0;
      return profile.steps.map((step, index): RatePhase => {
        const rate = `${formatTps(step.tps)} tx/s`;
        const phase: RatePhase = {
          index,
          name: step.warmUp === true ? `warm-up @ ${rate}` : `step ${(judged += 1)} @ ${rate}`,
          startMs: start,
          endMs: start + step.durationMs,
          targetTps: step.tps,
          ...(step.warmUp === true ? { warmUp: true } : {}),
        };
        start += step.durationMs;
        return phase;
      });
    }
    case 'burst': {
      const burstEnd = profile.burstAtMs + profile.burstMs;
      const phases: RatePhase[] = [];
      const push = (name: string, startMs: number, endMs: number, targetTps: number): void => {
        if (endMs > startMs) phases.push({ index: phases.length, name, startMs, endMs, targetTps });
      };
      push('before burst', 0, profile.burstAtMs, profile.baseTps);
      push('burst', profile.burstAtMs, burstEnd, profile.baseTps * profile.burstFactor);
      push('after burst', burstEnd, Math.max(totalMs, burstEnd), profile.baseTps);
      return phases;
    }
  }
}

/** Index of the phase containing `tMs` (clamped to the first and last phase). */
export function phaseIndexAt(phases: readonly RatePhase[], tMs: number): number {
  for (let i = 0; i < phases.length; i += 1) {
    const phase = phases[i] as RatePhase;
    if (tMs < phase.endMs) return i;
  }
  return Math.max(0, phases.length - 1);
}

/** `1250` → `1,250`; `13.888…` → `13.9`. */
export function formatTps(tps: number): string {
  return tps >= 100 ? Math.round(tps).toLocaleString('en-US') : String(Math.round(tps * 10) / 10);
}
