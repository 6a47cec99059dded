import type { PhaseReport } from '../load/load-report';
import { syntheticReport } from '../report/testing/synthetic-load-report';
import type { BenchRun } from './bench-result';
import type { ClientRamps, Ramp } from './scenarios';
import { capacityOutcome, passthroughOutcome, rampLabel } from './scenarios';

/** A ramp of `worker` workers on `client` whose highest held step offered `tps` (none: 0). */
function ramp(client: string, worker: BenchRun['worker'], tps: number, p99Ms = 20): Ramp {
  const r = syntheticReport();
  const phase = r.phases[0] as PhaseReport;
  const best: PhaseReport | undefined =
    tps === 0
      ? undefined
      : {
          ...phase,
          name: `${tps} tx/s`,
          targetTps: tps,
          // A hair short of the offered rate, as a held step measures.
          achievedTps: tps - 0.6,
          held: true,
          latency: { ...phase.latency, p99Ms },
        };
  const report = { ...r, phases: best === undefined ? r.phases : [best] };
  return {
    run: { label: `${worker} ramp, ${client}`, slug: 'x', worker, workers: 1, client, report },
    best,
  };
}

const PARAMETERS = { workers: 1, rampTps: [4000, 5000, 6000], stepMs: 60_000, repeats: 1 };

describe('rampLabel', () => {
  it('keeps the label of old for one client and one repeat', () => {
    expect(rampLabel('scoring ramp', 'kafkajs', 1, 0, 1)).toBe('scoring ramp');
    expect(rampLabel('scoring ramp', 'kafkajs', 1, 1, 3)).toBe('scoring ramp #2');
    expect(rampLabel('scoring ramp', 'librdkafka', 2, 0, 1)).toBe('scoring ramp, librdkafka');
    expect(rampLabel('passthrough ramp', 'librdkafka', 2, 2, 3)).toBe(
      'passthrough ramp, librdkafka #3',
    );
  });
});

describe('capacityOutcome', () => {
  it('judges a step held at 5,000 tx/s (4,999.4 measured) as 5,000 held: the target is met', () => {
    const c: ClientRamps = {
      client: 'kafkajs',
      passthrough: [ramp('kafkajs', 'passthrough', 8000)],
      scoring: [ramp('kafkajs', 'scoring', 5000)],
    };
    const out = capacityOutcome(PARAMETERS, [c], [c.passthrough[0]!.run, c.scoring[0]!.run]);
    expect(out.figures.rate_tps).toBe(5000);
    expect(out.targets.map((t) => [t.name, t.met])).toEqual([
      ['rate held for 60 s with p99 ≤ 100 ms and flat lag', true],
      ['share of the passthrough ceiling', true],
    ]);
    expect(out.limits).toEqual([]);
    // One client: the report of old (no table), plus that client's figures.
    expect(out.tables).toBeUndefined();
    expect(out.clients).toEqual({ kafkajs: out.figures });
    expect(out.clients?.kafkajs).toMatchObject({ rate_tps: 5000, passthrough_tps: 8000 });
  });

  it('reports each client apart, the first as the headline, delivery over every run', () => {
    const kafkajs: ClientRamps = {
      client: 'kafkajs',
      passthrough: [ramp('kafkajs', 'passthrough', 6000), ramp('kafkajs', 'passthrough', 8000)],
      scoring: [ramp('kafkajs', 'scoring', 3000, 40), ramp('kafkajs', 'scoring', 4000, 50)],
    };
    const librdkafka: ClientRamps = {
      client: 'librdkafka',
      passthrough: [ramp('librdkafka', 'passthrough', 10_000)],
      scoring: [ramp('librdkafka', 'scoring', 6000, 30)],
    };
    const runs = [kafkajs, librdkafka].flatMap((c) =>
      [...c.passthrough, ...c.scoring].map((r) => r.run),
    );
    const out = capacityOutcome({ ...PARAMETERS, repeats: 2 }, [kafkajs, librdkafka], runs);
    expect(out.clients?.kafkajs).toMatchObject({
      rate_tps: 3500,
      passthrough_tps: 7000,
      share_of_passthrough: 0.5,
    });
    expect(out.clients?.librdkafka).toMatchObject({
      rate_tps: 6000,
      p99_ms: 30,
      passthrough_tps: 10_000,
      share_of_passthrough: 0.6,
      held_step: '6000 tx/s',
    });
    expect(out.figures.rate_tps).toBe(3500);
    // Each synthetic run lost one transaction: librdkafka made two runs, the clients six.
    expect(out.clients?.librdkafka?.lost).toBe(2);
    expect(out.figures.lost).toBe(6);
    expect(out.targets.map((t) => `${t.name}: ${t.met}`)).toEqual([
      'rate held for 60 s with p99 ≤ 100 ms and flat lag (kafkajs): false',
      'share of the passthrough ceiling (kafkajs): true',
      'rate held for 60 s with p99 ≤ 100 ms and flat lag (librdkafka): true',
      'share of the passthrough ceiling (librdkafka): true',
    ]);
    // Limits only for the client that missed a target.
    expect(out.limits.every((l) => l.includes('kafkajs'))).toBe(true);
    const [table] = out.tables ?? [];
    expect(table?.title).toBe('Capacity by Kafka client');
    expect(table?.rows.map((r) => [r[0], r[1], r[5], r[6]])).toEqual([
      ['kafkajs', '3500', '7000', '50 %'],
      ['librdkafka', '6000', '10000', '60 %'],
    ]);
  });
});

describe('passthroughOutcome', () => {
  it("gives each client's ceiling as rate_tps and passthrough_tps", () => {
    const ramps: ClientRamps[] = [
      { client: 'kafkajs', passthrough: [ramp('kafkajs', 'passthrough', 6000)], scoring: [] },
      { client: 'librdkafka', passthrough: [ramp('librdkafka', 'passthrough', 0)], scoring: [] },
    ];
    const out = passthroughOutcome({ workers: 1, rampTps: [6000], stepMs: 1000 }, ramps);
    expect(out.figures).toMatchObject({ rate_tps: 6000, held_step: '6000 tx/s', lost: 2 });
    expect(out.clients).toMatchObject({
      kafkajs: { rate_tps: 6000, passthrough_tps: 6000 },
      librdkafka: { rate_tps: 0, passthrough_tps: 0, held_step: null },
    });
    expect(out.runs).toHaveLength(2);
    expect(out.tables?.[0]?.columns).not.toContain('passthrough ceiling (tx/s)');
  });
});
