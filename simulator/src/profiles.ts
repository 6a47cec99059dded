import type { CompiledSimulationParams } from './params';
import { Random } from './prng';

/** Stream tags: each purpose draws from its own named stream (see prng.ts). */
export const STREAM = {
  customer: 1,
  terminal: 2,
  customerDay: 3,
  compromisedTerminals: 4,
  compromisedCustomers: 5,
  leakedTransactions: 6,
} as const;

/** A customer profile: location, spending habits and the terminals within reach. */
export interface CustomerProfile {
  x: number;
  y: number;
  meanAmount: number;
  stdAmount: number;
  txPerDay: number;
  /** Terminal indices strictly closer than the radius, ascending. */
  reachable: Int32Array;
}

/** Draws every terminal's location, then every customer's profile and reachable terminals. */
export function buildProfiles(p: CompiledSimulationParams): CustomerProfile[] {
  const tx = new Float64Array(p.terminals);
  const ty = new Float64Array(p.terminals);
  for (let j = 0; j < p.terminals; j += 1) {
    const rng = new Random([p.seed, STREAM.terminal, j]);
    tx[j] = rng.uniformBetween(0, 100);
    ty[j] = rng.uniformBetween(0, 100);
  }
  // A grid of cells the size of the radius: only the 3×3 cells around a customer can be in reach.
  const cell = p.radius;
  const cellsPerSide = Math.max(1, Math.ceil(100 / cell));
  const grid: number[][] = Array.from({ length: cellsPerSide * cellsPerSide }, () => []);
  const cellOf = (v: number): number =>
    Math.min(cellsPerSide - 1, Math.max(0, Math.floor(v / cell)));
  for (let j = 0; j < p.terminals; j += 1) {
    grid[cellOf(ty[j] ?? 0) * cellsPerSide + cellOf(tx[j] ?? 0)]?.push(j);
  }
  const r2 = p.radius * p.radius;
  const customers: CustomerProfile[] = [];
  for (let i = 0; i < p.customers; i += 1) {
    const rng = new Random([p.seed, STREAM.customer, i]);
    const x = rng.uniformBetween(0, 100);
    const y = rng.uniformBetween(0, 100);
    const meanAmount = rng.uniformBetween(5, 100);
    const txPerDay = rng.uniformBetween(0, 4);
    const reach: number[] = [];
    const cx = cellOf(x);
    const cy = cellOf(y);
    for (let gy = Math.max(0, cy - 1); gy <= Math.min(cellsPerSide - 1, cy + 1); gy += 1) {
      for (let gx = Math.max(0, cx - 1); gx <= Math.min(cellsPerSide - 1, cx + 1); gx += 1) {
        for (const j of grid[gy * cellsPerSide + gx] ?? []) {
          const dx = (tx[j] ?? 0) - x;
          const dy = (ty[j] ?? 0) - y;
          if (dx * dx + dy * dy < r2) reach.push(j);
        }
      }
    }
    reach.sort((a, b) => a - b);
    customers.push({
      x,
      y,
      meanAmount,
      stdAmount: meanAmount / 2,
      txPerDay,
      reachable: Int32Array.from(reach),
    });
  }
  return customers;
}

/** One customer's transaction on one day, before fraud is applied. */
export interface RawTransaction {
  /** Second of the day, in (0, 86400). */
  second: number;
  customer: number;
  terminal: number;
  amount: number;
  /** Index among the customer's kept transactions that day: with day and customer, a stable key. */
  k: number;
}

/** Rounds to cents so that the value survives a round trip through its 2-decimal text. */
export function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/**
 * One customer's transactions on one day. Pure function of (seed, day, customer): scenario 3
 * calls it ahead of time and gets exactly what the stream will generate later.
 */
export function customerDayTransactions(
  p: CompiledSimulationParams,
  profile: CustomerProfile,
  customer: number,
  day: number,
): RawTransaction[] {
  if (profile.reachable.length === 0) return [];
  const rng = new Random([p.seed, STREAM.customerDay, day, customer]);
  const n = rng.poisson(profile.txPerDay);
  const out: RawTransaction[] = [];
  for (let i = 0; i < n; i += 1) {
    const second = Math.floor(rng.normal(43200, 20000));
    if (!(second > 0 && second < 86400)) continue;
    let amount = rng.normal(profile.meanAmount, profile.stdAmount);
    if (amount < 0) amount = rng.uniformBetween(0, profile.meanAmount * 2);
    const terminal = profile.reachable[rng.int(profile.reachable.length)] ?? 0;
    out.push({ second, customer, terminal, amount: roundCents(amount), k: out.length });
  }
  return out;
}
