import { KAFKA_API_PATHS, summarise, type KafkaApiPath } from './kafka-api-bench';

describe('kafka-api bench: summarise', () => {
  it('takes medians per path and each path’s time over kafkajs’ in the same round', () => {
    const samples = new Map<KafkaApiPath, { wallMs: number; cpuUs: number }[]>([
      [
        'kafkajs',
        [
          { wallMs: 1000, cpuUs: 2_000_000 },
          { wallMs: 2000, cpuUs: 2_000_000 },
          { wallMs: 1000, cpuUs: 4_000_000 },
        ],
      ],
      [
        'librdkafka_compat',
        [
          { wallMs: 500, cpuUs: 1_000_000 },
          { wallMs: 1000, cpuUs: 1_000_000 },
          { wallMs: 900, cpuUs: 1_000_000 },
        ],
      ],
      ['librdkafka_native', []],
    ]);
    const rows = summarise(1000, samples);
    expect(rows.map((r) => r.path)).toEqual(KAFKA_API_PATHS);
    expect(rows[0]).toMatchObject({ recordsPerS: 1000, cpuUsPerRecord: 2000, timeVsKafkajs: 1 });
    // Per-round ratios 0.5, 0.5, 0.9: the median pairs each round with its own kafkajs run.
    expect(rows[1]).toMatchObject({
      recordsPerS: 1111.111111111111,
      timeVsKafkajs: 0.5,
      rounds: 3,
    });
    expect(rows[2]?.rounds).toBe(0);
    expect(Number.isNaN(rows[2]?.recordsPerS)).toBe(true);
  });
});
