import type { CompiledSimulationParams, SimulationParams } from './params';
import { compileSimulationParams } from './params';
import type { CustomerProfile, RawTransaction } from './profiles';
import { STREAM, buildProfiles, customerDayTransactions, roundCents } from './profiles';
import { Random } from './prng';
import type { FraudScenario, SimulatedTransaction } from './types';

const DAY_MS = 86_400_000;

function leakKey(day: number, customer: number, k: number): string {
  return `${day}:${customer}:${k}`;
}

/**
 * Holds the fraud scenarios' moving state: compromised terminals with their expiry day, and the
 * leaked-credential transactions already chosen for the coming days. Bounded by the scenario
 * durations, not by the run length.
 */
class FraudState {
  private readonly terminalExpiry = new Map<number, number>();
  /** Chosen scenario-3 transactions (day:customer:k) → how many leaks picked them. */
  private readonly leaked = new Map<string, number>();

  constructor(
    private readonly p: CompiledSimulationParams,
    private readonly profiles: readonly CustomerProfile[],
  ) {}

  /** Draws day `day`'s compromised terminals and customers. */
  startDay(day: number): void {
    for (const [terminal, expiry] of this.terminalExpiry) {
      if (expiry <= day) this.terminalExpiry.delete(terminal);
    }
    const t = new Random([this.p.seed, STREAM.compromisedTerminals, day]);
    for (const terminal of t.sampleIndices(this.p.terminals, this.p.compromisedTerminalsPerDay)) {
      const expiry = day + this.p.terminalCompromiseDays;
      this.terminalExpiry.set(terminal, Math.max(expiry, this.terminalExpiry.get(terminal) ?? 0));
    }
    const c = new Random([this.p.seed, STREAM.compromisedCustomers, day]);
    const customers = c.sampleIndices(this.p.customers, this.p.compromisedCustomersPerDay);
    // The book pools the drawn customers' transactions over the compromise period and picks a
    // third of the pool; we look ahead by regenerating those customer-days (pure functions).
    const pool: string[] = [];
    const lastDay = Math.min(this.p.days, day + this.p.customerCompromiseDays);
    for (const customer of customers) {
      const profile = this.profiles[customer];
      if (profile === undefined) continue;
      for (let d = day; d < lastDay; d += 1) {
        for (const raw of customerDayTransactions(this.p, profile, customer, d)) {
          pool.push(leakKey(d, customer, raw.k));
        }
      }
    }
    const pick = new Random([this.p.seed, STREAM.leakedTransactions, day]);
    for (const i of pick.sampleIndices(pool.length, Math.floor(pool.length / 3))) {
      const key = pool[i];
      if (key !== undefined) this.leaked.set(key, (this.leaked.get(key) ?? 0) + 1);
    }
  }

  isTerminalCompromised(terminal: number): boolean {
    return this.terminalExpiry.has(terminal);
  }

  /** How many leaks picked this transaction (0 if none); forgets it, as it is emitted once. */
  takeLeak(day: number, raw: RawTransaction): number {
    const key = leakKey(day, raw.customer, raw.k);
    const n = this.leaked.get(key) ?? 0;
    if (n > 0) this.leaked.delete(key);
    return n;
  }
}

/**
 * Generates the simulated stream of docs/simulator.md in time order, day by day, with the ground
 * truth beside each transaction. Same seed and parameters → the same transactions, bit for bit.
 * Memory is bounded by one day of transactions plus the scenarios' look-ahead.
 */
export function* simulateTransactions(
  params: Partial<SimulationParams> = {},
): Generator<SimulatedTransaction, void, undefined> {
  const p = compileSimulationParams(params);
  const profiles = buildProfiles(p);
  const fraud = new FraudState(p, profiles);
  let nextId = 0;
  for (let day = 0; day < p.days; day += 1) {
    fraud.startDay(day);
    const raws: RawTransaction[] = [];
    for (let customer = 0; customer < p.customers; customer += 1) {
      const profile = profiles[customer];
      if (profile === undefined) continue;
      for (const raw of customerDayTransactions(p, profile, customer, day)) raws.push(raw);
    }
    raws.sort((a, b) => a.second - b.second || a.customer - b.customer || a.k - b.k);
    const dayStart = p.startMs + day * DAY_MS;
    for (const raw of raws) {
      let amount = raw.amount;
      let scenario: FraudScenario = 0;
      if (amount > p.scenario1AmountThreshold) scenario = 1;
      if (fraud.isTerminalCompromised(raw.terminal)) scenario = 2;
      const leaks = fraud.takeLeak(day, raw);
      if (leaks > 0) {
        amount = roundCents(amount * p.scenario3AmountFactor ** leaks);
        scenario = 3;
      }
      yield {
        tx: {
          transaction_id: String(nextId),
          event_time: dayStart + raw.second * 1000,
          customer_id: String(raw.customer),
          terminal_id: String(raw.terminal),
          amount,
        },
        truth: { is_fraud: scenario !== 0, scenario },
      };
      nextId += 1;
    }
  }
}
