import type { CompiledSimulationParams, SimulationParams } from './params';
import { compileSimulationParams } from './params';
import type { CustomerProfile, RawTransaction } from './profiles';
import { STREAM, buildProfiles, customerDayTransactions, roundCents } from './profiles';
import { Random } from './prng';
import type { FraudScenario, SimulatedTransaction } from './types';

const DAY_MS = 86_400_000;
const SECONDS_PER_DAY = 86_400;

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

/** One day's raw transactions, generated a slice of customers at a time. */
class DayBuilder {
  private nextCustomer = 0;
  private readonly raws: RawTransaction[] = [];

  constructor(
    private readonly p: CompiledSimulationParams,
    private readonly profiles: readonly CustomerProfile[],
    readonly day: number,
  ) {}

  /** Generates the transactions of up to `customers` more customers. */
  advance(customers: number): void {
    const end = Math.min(this.p.customers, this.nextCustomer + customers);
    for (; this.nextCustomer < end; this.nextCustomer += 1) {
      const profile = this.profiles[this.nextCustomer];
      if (profile === undefined) continue;
      const day = customerDayTransactions(this.p, profile, this.nextCustomer, this.day);
      for (const raw of day) this.raws.push(raw);
    }
  }

  /** The whole day in (second, customer, k) order, generating what is left. */
  finish(): RawTransaction[] {
    this.advance(this.p.customers);
    // Generated in (customer, k) order, so a stable counting sort by second gives the full order
    // in linear time (a comparison sort of a day cost 4–12 ms, in one pull).
    const starts = new Uint32Array(SECONDS_PER_DAY + 1);
    for (const raw of this.raws) starts[raw.second + 1] = (starts[raw.second + 1] as number) + 1;
    for (let s = 1; s <= SECONDS_PER_DAY; s += 1) {
      starts[s] = (starts[s] as number) + (starts[s - 1] as number);
    }
    const sorted = new Array<RawTransaction>(this.raws.length);
    for (const raw of this.raws) {
      const at = starts[raw.second] as number;
      sorted[at] = raw;
      starts[raw.second] = at + 1;
    }
    return sorted;
  }
}

/**
 * Generates the simulated stream of docs/simulator.md in time order, day by day, with the ground
 * truth beside each transaction. Same seed and parameters → the same transactions, bit for bit.
 * Memory is bounded by two days of transactions plus the scenarios' look-ahead.
 *
 * The next day is generated a few customers per transaction of the current one (every
 * customer-day is a pure function of its seed, so the order of generation changes nothing):
 * a live load generator pulling one transaction at a time never stalls tens of milliseconds
 * for a whole day at once, which would show up as latency in its measurements.
 */
export function* simulateTransactions(
  params: Partial<SimulationParams> = {},
): Generator<SimulatedTransaction, void, undefined> {
  const p = compileSimulationParams(params);
  const profiles = buildProfiles(p);
  const fraud = new FraudState(p, profiles);
  let nextId = 0;
  let builder = new DayBuilder(p, profiles, 0);
  for (let day = 0; day < p.days; day += 1) {
    fraud.startDay(day);
    const raws = builder.finish();
    const upcoming = day + 1 < p.days ? new DayBuilder(p, profiles, day + 1) : undefined;
    const customersPerTx = Math.ceil(p.customers / Math.max(1, raws.length));
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
      upcoming?.advance(customersPerTx);
    }
    if (upcoming !== undefined) builder = upcoming;
  }
}
