import { createHash } from 'node:crypto';
import { formatCsvLine } from './csv';
import { simulateTransactions } from './simulate';
import { SummaryAccumulator } from './summary';
import type { SimulationParams } from './params';

const REDUCED: Partial<SimulationParams> = { days: 30, customers: 500, terminals: 1000 };

function csvHash(params: Partial<SimulationParams>): string {
  const hash = createHash('sha256');
  for (const row of simulateTransactions(params)) hash.update(`${formatCsvLine(row)}\n`);
  return hash.digest('hex');
}

/** Σ over days of the scenario's active count (it ramps up, then stays at perDay × duration). */
function ramp(days: number, perDay: number, duration: number): number {
  let total = 0;
  for (let d = 0; d < days; d += 1) total += perDay * Math.min(d + 1, duration);
  return total;
}

// The book's run (docs/simulator.md): 1,754,155 transactions from 5,000 customers over 183 days;
// ~1,000 / 9,100 / 4,600 frauds from scenarios 1 / 2 / 3. Scaled to the reduced world below.
const REF_TX_PER_CUSTOMER_DAY = 1_754_155 / (5000 * 183);
const REF_S1_PER_TX = 1000 / 1_754_155;
const REF_S2_PER_TERMINAL_DAY_TX =
  9100 / (ramp(183, 2, 28) * ((REF_TX_PER_CUSTOMER_DAY * 5000) / 10000));
const REF_S3_PER_CUSTOMER_DAY_TX = 4600 / ((ramp(183, 3, 14) * REF_TX_PER_CUSTOMER_DAY) / 3);

describe('simulateTransactions', () => {
  it('lands near the reference figures scaled to a reduced run (30 days, 500 customers, 1000 terminals)', () => {
    const acc = new SummaryAccumulator();
    let lastTime = -Infinity;
    let id = 0;
    for (const row of simulateTransactions({ ...REDUCED, seed: 0 })) {
      expect(row.tx.event_time).toBeGreaterThanOrEqual(lastTime);
      expect(row.tx.transaction_id).toBe(String(id));
      expect(Object.keys(row.tx).sort()).toEqual([
        'amount',
        'customer_id',
        'event_time',
        'terminal_id',
        'transaction_id',
      ]);
      lastTime = row.tx.event_time;
      id += 1;
      acc.add(row.tx, row.truth);
    }
    const s = acc.result();
    const txPerDay = REF_TX_PER_CUSTOMER_DAY * 500;
    const expectedTx = txPerDay * 30;
    const expectedS1 = REF_S1_PER_TX * expectedTx;
    const expectedS2 = REF_S2_PER_TERMINAL_DAY_TX * ramp(30, 2, 28) * (txPerDay / 1000);
    const expectedS3 = (REF_S3_PER_CUSTOMER_DAY_TX * ramp(30, 3, 14) * REF_TX_PER_CUSTOMER_DAY) / 3;
    expect(s.transactions / expectedTx).toBeGreaterThan(0.9);
    expect(s.transactions / expectedTx).toBeLessThan(1.1);
    expect(s.fraudsByScenario['1']).toBeGreaterThanOrEqual(3);
    expect(s.fraudsByScenario['1']).toBeLessThanOrEqual(expectedS1 * 3);
    expect(s.fraudsByScenario['2'] / expectedS2).toBeGreaterThan(0.7);
    expect(s.fraudsByScenario['2'] / expectedS2).toBeLessThan(1.3);
    expect(s.fraudsByScenario['3'] / expectedS3).toBeGreaterThan(0.75);
    expect(s.fraudsByScenario['3'] / expectedS3).toBeLessThan(1.25);
    expect(s.frauds).toBe(
      s.fraudsByScenario['1'] + s.fraudsByScenario['2'] + s.fraudsByScenario['3'],
    );
    expect(s.days).toBe(30);
  });

  it('is deterministic: same seed, same CSV bytes; another seed, other bytes', () => {
    const params = { days: 5, customers: 200, terminals: 400 };
    const a = csvHash({ ...params, seed: 11 });
    expect(csvHash({ ...params, seed: 11 })).toBe(a);
    expect(csvHash({ ...params, seed: 12 })).not.toBe(a);
  });

  it('makes every scenario-3 fraud a multiplied amount and marks amounts over 220', () => {
    let s3 = 0;
    for (const { tx, truth } of simulateTransactions({ ...REDUCED, days: 20, seed: 3 })) {
      if (truth.scenario === 0) expect(tx.amount).toBeLessThanOrEqual(220);
      if (truth.scenario === 3) s3 += 1;
      expect(truth.is_fraud).toBe(truth.scenario !== 0);
      expect(Math.round(tx.amount * 100) / 100).toBe(tx.amount);
    }
    expect(s3).toBeGreaterThan(0);
  });
});
