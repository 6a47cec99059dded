// Every `fraudstream bench` scenario in smoke mode against the real Kafka, with the echo
// worker standing in for the scoring worker: the scenarios keep working and produce their
// figures and reports. Figures are printed, never asserted against targets (no timing checks).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BenchFigures, BenchResult, BenchScenario } from '@fraudstream/loadgen';
import {
  BENCH_SCENARIOS,
  CPU_PROFILE_SECTION_TITLE,
  benchCommand,
  chaosBenchmark,
  closedLoopBenchmark,
  featuresBenchmark,
  inferenceBenchmark,
  kafkaApiBenchmark,
  processWorkerLauncher,
  runBench,
  warmBenchFeatureState,
  writeBenchReport,
} from '@fraudstream/loadgen';
import type { BacktestReport, ClosedLoopResult, CompactProfile } from '@fraudstream/loadgen';
import { loadTf } from '@fraudstream/models';
import Redis from 'ioredis';
import { countKeys } from '../support/redis';
import { KAFKA_CLIENT, REDIS_URL } from '../support/services';
import { stackStatus } from '../support/local-stack';
import { collect, discard } from '../support/streams';
import { startEchoWorker, type EchoWorkerHandle } from './loadgen-echo-worker';

const BROKERS = (process.env.FS_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

const COMMON_FIGURES = [
  'rate_tps',
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'p999_ms',
  'max_ms',
  'within_100ms_share',
  'lost',
  'duplicates',
  'dead_letters',
] as const;

/** Redis's memory settings, which the redis-oom fault changes and must put back. */
async function redisMemorySettings(url: string): Promise<Record<string, string>> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const [, maxmemory] = (await redis.config('GET', 'maxmemory')) as string[];
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as string[];
    return { maxmemory: maxmemory ?? '?', 'maxmemory-policy': policy ?? '?' };
  } finally {
    redis.disconnect();
  }
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function expectWellFormed(figures: BenchFigures, scenario: string): void {
  expect(figures.scenario).toBe(scenario);
  expect(figures.smoke).toBe(true);
  for (const key of COMMON_FIGURES) expect(figures).toHaveProperty(key);
  expect(typeof figures.rate_tps).toBe('number');
  expect(figures.lost).toBe(0);
  expect(figures.duplicates).toBe(0);
  expect(figures.dead_letters).toBe(0);
}

describe('loadgen: bench scenarios in smoke mode', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'loadgen-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each(BENCH_SCENARIOS.filter((s) => s !== 'passthrough' && s !== 'tracing'))(
    '%s runs and reports',
    async (scenario: BenchScenario) => {
      const result: BenchResult = await runBench(scenario, {
        brokers: BROKERS,
        smoke: true,
        startWorker: startEchoWorker,
        passthrough: 'in-process',
      });
      console.log(`bench ${scenario} --smoke: ${JSON.stringify(result.figures)}`);
      expectWellFormed(result.figures, scenario);
      expect(result.runs.length).toBeGreaterThan(0);
      for (const run of result.runs) {
        expect(run.report.verdicts.withVerdict).toBe(run.report.sending.sent);
        expect(run.report.sending.sent).toBeGreaterThan(0);
      }
      if (scenario === 'capacity') {
        expect(result.runs.map((r) => r.worker)).toEqual(['passthrough', 'scoring']);
        expect(result.targets.map((t) => t.name)).toHaveLength(2);
      }
      if (scenario === 'fleet') expect(result.runs.map((r) => r.workers)).toEqual([1, 2]);
      if (scenario === 'seed') {
        expect(result.targets).toHaveLength(3);
        // The scoring run, then the transport alone at the same rate, side by side.
        expect(result.runs.map((r) => r.worker)).toEqual(['scoring', 'passthrough']);
        expect(result.figures.transport_p99_ms).toEqual(expect.any(Number));
        expect(result.tables?.[0]?.rows.map((row) => row[0])).toEqual(
          result.runs.map((r) => r.label),
        );
      }
      const dir = path.join(out, scenario);
      const files = await writeBenchReport(result, dir);
      for (const f of files) expect(existsSync(f)).toBe(true);
      expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain(
        `Benchmark \`${scenario}\``,
      );
    },
  );

  it('tracing makes one ramp per sampling ratio, and reports an OTLP receiver that is down', async () => {
    const fleets: { env: Readonly<Record<string, string>>; worker: EchoWorkerHandle }[] = [];
    // Nothing listens there: the scenario must say so rather than hide it.
    const otlpEndpoint = `http://127.0.0.1:${await closedPort()}`;
    const result = await runBench('tracing', {
      brokers: BROKERS,
      smoke: true,
      otlpEndpoint,
      startWorker: async (env) => {
        const worker = await startEchoWorker(env);
        fleets.push({ env: env.env, worker });
        return worker;
      },
    });
    console.log(`bench tracing --smoke: ${JSON.stringify(result.figures)}`);
    console.log(JSON.stringify(result.tables, null, 2));
    console.log(
      JSON.stringify(
        result.runs.map((r) =>
          r.report.phases.map((p) => [p.name, p.achievedTps, p.latency.p99Ms, p.notHeldBecause]),
        ),
      ),
    );
    expectWellFormed(result.figures, 'tracing');
    expect(result.runs.map((r) => r.label)).toEqual([
      'tracing 0 % ramp',
      'tracing 1 % ramp',
      'tracing 100 % ramp',
    ]);
    for (const run of result.runs) {
      expect(run.report.verdicts.withVerdict).toBe(run.report.sending.sent);
    }
    expect(fleets.map((f) => f.env.FS_TRACE_SAMPLE_RATIO)).toEqual(['0', '0.01', '1']);
    for (const { env } of fleets) {
      expect(env).toMatchObject({ FS_TRACING_ENABLED: 'true', FS_OTLP_ENDPOINT: otlpEndpoint });
      expect(Number(env.FS_HEALTH_PORT)).toBeGreaterThan(0);
    }
    // The load marks the same share sampled as the workers' ratio (parent-based sampling).
    const flags = (f: (typeof fleets)[number] | undefined): Set<string> =>
      new Set([...(f?.worker.traceparents.values() ?? [])].map((t) => t.slice(-2)));
    expect(flags(fleets[0])).toEqual(new Set(['00']));
    expect(flags(fleets[2])).toEqual(new Set(['01']));

    expect(result.figures.otlp_endpoint_reachable).toBe(false);
    expect(result.limits[0]).toContain(`${otlpEndpoint} did not answer (ECONNREFUSED)`);
    const [table] = result.tables ?? [];
    expect(table?.rows.map((r) => r[0])).toEqual(['0 %', '1 %', '100 %']);
    // The echo worker serves no /metrics: export figures are "not measured", never 0.
    expect(table?.rows.map((r) => r.slice(-3))).toEqual([
      ['–', '–', '–'],
      ['–', '–', '–'],
      ['–', '–', '–'],
    ]);
    expect(result.figures.spans_exported_100pct).toBeNull();
    const dir = path.join(out, 'tracing');
    await writeBenchReport(result, dir);
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain(
      '## Tracing overhead by sampling ratio',
    );
  });

  it('passthrough runs through the CLI with --json, its worker a process of its own', async () => {
    const printed: string[] = [];
    const command = benchCommand({
      env: { FS_KAFKA_BROKERS: BROKERS.join(',') },
      stdout: collect(printed),
      stderr: discard(),
    });
    const code = await command.run(['passthrough', '--smoke', '--json', '--out', out]);
    expect(code).toBe(0);
    const figures = JSON.parse(printed.join('')) as BenchFigures;
    console.log(`bench passthrough --smoke --json: ${JSON.stringify(figures)}`);
    expectWellFormed(figures, 'passthrough');
    const dirs = readdirSync(out).filter((d) => d.startsWith('passthrough-'));
    expect(dirs).toHaveLength(1);
    expect(existsSync(path.join(out, dirs[0] as string, 'report.json'))).toBe(true);
  });

  it('seed --profile runs a real worker process under the CPU profiler and summarises it', async () => {
    const printed: string[] = [];
    const command = benchCommand({
      env: { FS_KAFKA_BROKERS: BROKERS.join(',') },
      // The real `fraudstream worker` (built): only a process of its own can be profiled.
      startWorker: processWorkerLauncher({
        env: { FS_LOG_LEVEL: 'warn', FS_REDIS_URL: REDIS_URL },
      }),
      // As the CLI does: the seed run backfills its feature state (one simulated day in smoke).
      warmFeatureState: warmBenchFeatureState,
      stdout: collect(printed),
      stderr: discard(),
    });
    const profiled = path.join(out, 'profiled');
    const code = await command.run([
      'seed',
      '--smoke',
      '--warm-up-seconds',
      '0.5',
      '--profile',
      '--json',
      '--quiet',
      '--out',
      profiled,
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(printed.join('')) as BenchFigures & { profile: CompactProfile };
    console.log(`bench seed --smoke --profile --json: ${JSON.stringify(json.profile)}`);
    // The real worker under the profiler on a shared machine may miss the smoke run's short
    // grace period (verdicts counted lost): that is timing, which this test does not judge.
    expect(json).toMatchObject({ scenario: 'seed', smoke: true });
    for (const key of COMMON_FIGURES) expect(json).toHaveProperty(key);
    expect(json.profile).toMatchObject({ worker: 'scoring', profiles: 1, no_profile: 0 });
    expect(json.profile.busy_ms).toBeGreaterThan(0);
    expect(Object.keys(json.profile.packages)).toEqual(
      expect.arrayContaining(['@fraudstream/workers', 'kafkajs']),
    );

    const [dir] = readdirSync(profiled);
    const reportDir = path.join(profiled, dir as string);
    const report = JSON.parse(
      readFileSync(path.join(reportDir, 'report.json'), 'utf8'),
    ) as BenchResult;
    expect(report.cpuProfile).toEqual(json.profile);
    // The load continued the backfilled history on the simulator's clock.
    expect(report.parameters).toMatchObject({ backfilledDays: 1, warmUpMs: 500 });
    // The warm-up is its own phase, reported and not judged.
    expect(report.runs[0]?.report.phases.map((p) => p.warmUp)).toEqual([true, false]);
    expect(report.runs[0]?.report.parameters).toMatchObject({
      skipDays: 1,
      eventTime: 'simulated',
    });
    const [profile] = report.runs[0]?.profiles ?? [];
    expect(profile?.missing).toBeNull();
    expect(profile?.summary?.busyMs).toBeGreaterThan(0);
    expect(profile?.summary?.topFunctions.length).toBeGreaterThan(0);
    expect(profile?.summary?.packages.length).toBeGreaterThan(0);
    // The .cpuprofile stays beside the report, for Chrome DevTools.
    expect(existsSync(path.join(reportDir, profile?.file ?? 'missing'))).toBe(true);
    const summary = readFileSync(path.join(reportDir, 'summary.md'), 'utf8');
    expect(summary).toContain(`## ${CPU_PROFILE_SECTION_TITLE}`);
    expect(summary).toContain('Self time by package');
  });

  it('closed-loop streams simulated days through real workers, labels only through the loop, beside the offline replay', async () => {
    const printed: string[] = [];
    const run = closedLoopBenchmark({
      startWorker: processWorkerLauncher({ env: { FS_LOG_LEVEL: 'warn' } }),
      env: { FS_KAFKA_BROKERS: BROKERS.join(','), FS_REDIS_URL: REDIS_URL },
      stdout: collect(printed),
      stderr: discard(),
    });
    const closedLoop = path.join(out, 'closed-loop');
    expect(await run(['--smoke', '--json', '--quiet', '--out', closedLoop])).toBe(0);
    const json = JSON.parse(printed.join('')) as Record<string, unknown> & {
      per_day: { day: string; transactions: number; within_noise: boolean }[];
    };
    console.log(
      `bench closed-loop --smoke --json: ${JSON.stringify({ ...json, per_day: undefined })}`,
    );
    expect(json).toMatchObject({ scenario: 'closed-loop', smoke: true, days: 2, workers: 1 });
    // Every transaction of the window once, with one verdict.
    const rows = json.rows as number;
    expect(rows).toBeGreaterThan(100);
    expect(json.sent).toBe(rows);
    expect(json.with_verdict).toBe(rows);
    expect(json).toMatchObject({ lost: 0, duplicates: 0, dead_letters: 0, labels_failed: 0 });
    // Case management sent labels through the loop (analyst labels of flagged frauds; the smoke
    // run's one-day chargebacks of the first day's missed frauds, when there are any).
    expect(json.labels_review).toBeGreaterThan(0);

    const [dir] = readdirSync(closedLoop);
    const reportDir = path.join(closedLoop, dir as string);
    const result = JSON.parse(
      readFileSync(path.join(reportDir, 'closed-loop.json'), 'utf8'),
    ) as ClosedLoopResult;
    const backtest = JSON.parse(
      readFileSync(path.join(reportDir, 'backtest.json'), 'utf8'),
    ) as BacktestReport;
    // The backfill covered the 7 simulated days before the window and nothing of it.
    expect(backtest.backfill).toMatchObject({ days: 7, from: '2018-04-01T00:00:00.000Z' });
    expect(backtest.backfill?.transactions).toBeGreaterThan(0);
    expect(backtest.window.from).toBe('2018-04-08T00:00:00.000Z');
    expect(backtest.window.to).toBe('2018-04-10T00:00:00.000Z');
    expect(backtest.model.dir).toContain('closed-loop');
    // The offline replay scored the same rows: every one compared with its live verdict, the
    // same frauds on both sides.
    expect(backtest.agreement.compared).toBe(rows);
    expect(backtest.agreement.withoutLiveVerdict).toBe(0);
    expect(backtest.live.truePositives + backtest.live.falseNegatives).toBe(backtest.window.frauds);
    expect(backtest.offline.truePositives + backtest.offline.falseNegatives).toBe(
      backtest.window.frauds,
    );
    expect(json.per_day.map((d) => d.day)).toEqual(['2018-04-08', '2018-04-09']);
    expect(json.per_day.reduce((n, d) => n + d.transactions, 0)).toBe(rows);
    // Live and offline agree within the noise the report states, day by day and in total.
    expect(backtest.findings).toEqual([]);
    expect(json.per_day.every((d) => d.within_noise)).toBe(true);
    expect(result.days).toHaveLength(2);
    // Too short to judge the second-week target, and it says so.
    expect(result.target).toMatchObject({ judgedDays: 0, met: null });
    for (const f of ['report.json', 'summary.md', 'backtest.md', 'closed-loop.md']) {
      expect(existsSync(path.join(reportDir, f))).toBe(true);
    }
    expect(readFileSync(path.join(reportDir, 'closed-loop.md'), 'utf8')).toContain(
      '## Per simulated day',
    );
  }, 240_000);
});

// The micro-benchmarks of @fraudstream/models, as `fraudstream bench inference|features --smoke
// --json` runs them: the JSON's shape, the backends that really ran, the report, and no keys
// left behind. Never their timings.
describe('models: micro-benchmarks in smoke mode', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'models-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const run = async (
    bench: typeof inferenceBenchmark,
    name: string,
  ): Promise<Record<string, unknown>> => {
    const printed: string[] = [];
    const code = await bench(['--smoke', '--json', '--out', out], {
      stdout: collect(printed),
      stderr: discard(),
      env: { FS_REDIS_URL: REDIS_URL },
    });
    expect(code).toBe(0);
    const json = JSON.parse(printed.join('')) as Record<string, unknown>;
    console.log(`bench ${name} --smoke --json: ${JSON.stringify(json)}`);
    expect(json).toMatchObject({ scenario: name, smoke: true, lost: 0 });
    expect(typeof json.rate_tps).toBe('number');
    expect(json.machine).toMatchObject({
      cores: expect.any(Number) as number,
      cpuModel: expect.any(String) as string,
      memoryGiB: expect.any(Number) as number,
      nodeVersion: process.version,
    });
    expect(json.machine).toHaveProperty('gitCommit');
    const dirs = readdirSync(out).filter((d) => d.startsWith(`${name}-`));
    expect(dirs).toHaveLength(1);
    const report = JSON.parse(
      readFileSync(path.join(out, dirs[0] as string, 'report.json'), 'utf8'),
    ) as BenchResult;
    expect(report.figures).toEqual(
      Object.fromEntries(Object.entries(json).filter(([k]) => k !== 'machine' && k !== 'results')),
    );
    expect(readFileSync(path.join(out, dirs[0] as string, 'summary.md'), 'utf8')).toContain(
      `Benchmark \`${name}\``,
    );
    return json;
  };

  it('inference compares tfjs-node with cpu, wasm, predict and explain per batch size', async () => {
    const json = await run(inferenceBenchmark, 'inference');
    const rows = json.results as { batchSize: number; path: string; backend: string }[];
    const expected = ['tfjs_node', 'cpu', 'wasm', 'layers_predict', 'explain'];
    expect(rows.map((r) => [r.batchSize, r.path])).toEqual(
      [1, 32, 512].flatMap((b) => expected.map((p) => [b, p])),
    );
    // The label is the backend tf.getBackend() reported when the blocks ran.
    expect(rows.slice(0, 5).map((r) => r.backend)).toEqual([
      'tensorflow',
      'cpu',
      'wasm',
      'tensorflow',
      'tensorflow',
    ]);
    for (const b of [1, 32, 512]) {
      for (const p of expected) {
        for (const f of ['us_per_call', 'rows_per_s', 'vs_tfjs_node']) {
          expect(typeof json[`b${b}_${p}_${f}`]).toBe('number');
        }
      }
    }
    // The same model on every backend: scores agree (a figure, never asserted on its size).
    for (const p of ['cpu', 'wasm', 'layers_predict']) {
      expect(typeof json[`${p}_max_abs_score_diff`]).toBe('number');
    }
    // The process is left on the native backend.
    expect(loadTf().getBackend()).toBe('tensorflow');
  });

  it('features compares computeBatch with pipelined plain reads and deletes its keys', async () => {
    const json = await run(featuresBenchmark, 'features');
    expect(json).toMatchObject({ batch_size: 500, keys_per_tx: 3, read_hit_share: 1 });
    for (const f of [
      'compute_us_per_tx',
      'compute_tx_per_s',
      'read_us_per_tx',
      'compute_vs_read',
    ]) {
      expect(typeof json[f]).toBe('number');
    }
    expect(json.keys_deleted).toBeGreaterThan(0);
    const report = JSON.parse(
      readFileSync(
        path.join(
          out,
          readdirSync(out).find((d) => d.startsWith('features-')) as string,
          'report.json',
        ),
        'utf8',
      ),
    ) as BenchResult;
    expect(await countKeys(REDIS_URL, `${String(report.parameters.keyPrefix)}*`)).toBe(0);
  });

  it('kafka-api copies every record on kafkajs, librdkafka compat and librdkafka native', async () => {
    const printed: string[] = [];
    const code = await kafkaApiBenchmark(
      ['--smoke', '--json', '--out', out, '--brokers', BROKERS.join(',')],
      { stdout: collect(printed), stderr: discard(), env: {} },
    );
    expect(code).toBe(0);
    const json = JSON.parse(printed.join('')) as Record<string, unknown>;
    console.log(`bench kafka-api --smoke --json: ${JSON.stringify(json)}`);
    for (const path of ['kafkajs', 'librdkafka_compat', 'librdkafka_native']) {
      expect(json[`${path}_records_per_s`]).toBeGreaterThan(0);
      expect(json[`${path}_cpu_us_per_record`]).toBeGreaterThan(0);
    }
  });

  it(`chaos kills, restarts and rolls real worker processes, poisons their input and corrupts their model (${KAFKA_CLIENT}) and loses nothing`, async () => {
    const printed: string[] = [];
    const chaos = chaosBenchmark({
      startWorker: processWorkerLauncher({ env: { FS_LOG_LEVEL: 'warn' } }),
      env: { FS_KAFKA_BROKERS: BROKERS.join(','), FS_REDIS_URL: REDIS_URL },
      stdout: collect(printed),
      stderr: discard(),
    });
    const flags = [
      ...['--smoke', '--json', '--quiet', '--out', out, '--clients', KAFKA_CLIENT],
      ...['--faults', 'kill-restart,rolling,kill,poison,bad-model'],
    ];
    const code = await chaos(
      KAFKA_CLIENT === 'librdkafka' ? [...flags, '--static-membership'] : flags,
    );
    expect(code).toBe(0);
    interface Poison {
      injected: number;
      dead_lettered_as_expected: number;
      lost: number;
      dead_letters_by_reason: Record<string, number>;
      flagged: unknown[];
    }
    const json = JSON.parse(printed.join('')) as {
      lost: number;
      dead_letters: number;
      valid_dead_letters: number;
      dead_letters_by_reason: Record<string, number>;
      duplicates_identical: boolean;
      sent: number;
      poison: Poison;
      unexpected_model_verdicts: number | null;
      faults: {
        kind: string;
        sent: number;
        lost: number;
        valid_dead_letters: number;
        dead_letters_by_reason: Record<string, number>;
        poison: Poison;
        model_versions: Record<string, number>;
        unexpected_model_verdicts: number | null;
        observed: Record<string, number>;
      }[];
    };
    console.log(`bench chaos --smoke --json (${KAFKA_CLIENT}): ${JSON.stringify(json)}`);
    expect(json.sent).toBeGreaterThan(0);
    expect(json.lost).toBe(0);
    expect(json.duplicates_identical).toBe(true);
    expect(json.faults.map((f) => f.kind)).toEqual([
      'kill-restart',
      'rolling',
      'kill',
      'poison',
      'bad-model',
    ]);
    for (const f of json.faults) {
      expect(f.lost).toBe(0);
      expect(f.valid_dead_letters).toBe(0);
      expect(f.unexpected_model_verdicts).toBe(0);
    }
    // Dead letters for the poison records alone: each exactly once, with its own reason.
    const reasons = {
      FS_DECODE_MAGIC_BYTE: 2,
      FS_DECODE_UNKNOWN_SCHEMA_ID: 1,
      FS_DECODE_TOO_SHORT: 1,
      FS_DECODE_BODY: 1,
      FS_RECORD_TOO_LARGE: 2,
    };
    expect(json.valid_dead_letters).toBe(0);
    expect(json.dead_letters).toBe(7);
    expect(json.dead_letters_by_reason).toEqual(reasons);
    expect(json.poison).toEqual({
      injected: 7,
      dead_lettered_as_expected: 7,
      lost: 0,
      dead_letters_by_reason: reasons,
      flagged: [],
    });
    const poison = json.faults.find((f) => f.kind === 'poison');
    expect(poison?.dead_letters_by_reason).toEqual(reasons);
    // The corrupt model: met and refused by the fleet, never scoring a verdict.
    const badModel = json.faults.find((f) => f.kind === 'bad-model');
    expect(badModel?.sent).toBeGreaterThan(0);
    expect(Object.keys(badModel?.model_versions ?? {})).toHaveLength(1);
    expect(badModel?.dead_letters_by_reason).toEqual({});
    expect(badModel?.observed.model_load_failures).toBeGreaterThan(0);
    expect(json.unexpected_model_verdicts).toBe(0);
  }, 240_000);

  // Against the suite's own stack, which the tests after this one use: the faults must leave it
  // whole (every process up, Redis's memory settings as they were), and the test says so.
  it(`chaos kills, stops and starves the stack's Kafka and Redis (${KAFKA_CLIENT}) and accounts for every transaction`, async () => {
    const before = await redisMemorySettings(REDIS_URL);
    const printed: string[] = [];
    const chaos = chaosBenchmark({
      startWorker: processWorkerLauncher({ env: { FS_LOG_LEVEL: 'warn' } }),
      // FRAUDSTREAM_HOME (and the rest) from the suite's environment: the stack the faults hit.
      env: { ...process.env, FS_KAFKA_BROKERS: BROKERS.join(','), FS_REDIS_URL: REDIS_URL },
      stdout: collect(printed),
      stderr: discard(),
    });
    const faults = ['redis-stop', 'redis-kill', 'redis-oom', 'broker-kill'];
    let code: number;
    try {
      code = await chaos([
        ...['--smoke', '--json', '--quiet', '--out', out, '--clients', KAFKA_CLIENT],
        ...['--faults', faults.join(',')],
      ]);
    } finally {
      expect(stackStatus()).toMatch(/exit 0$/);
      expect(await redisMemorySettings(REDIS_URL)).toEqual(before);
    }
    expect(code).toBe(0);
    const json = JSON.parse(printed.join('')) as {
      sent: number;
      lost: number;
      exactly_once: boolean;
      every_transaction_once: boolean;
      stopped_early: string | null;
      faults: Record<string, unknown>[];
    };
    console.log(
      `bench chaos --smoke --json --faults ${faults.join(',')} (${KAFKA_CLIENT}): ${JSON.stringify(json)}`,
    );
    expect(json.stopped_early).toBeNull();
    expect(json.exactly_once).toBe(false);
    expect(typeof json.every_transaction_once).toBe('boolean');
    expect(json.sent).toBeGreaterThan(0);
    expect(json.faults.map((f) => f.kind)).toEqual(faults);
    for (const f of json.faults) {
      for (const key of [
        'stall_s',
        'stalled_partitions',
        'sent',
        'over_100ms',
        'over_1s',
        'lost',
        'duplicates',
        'dead_letters',
        'within_100ms_share',
      ]) {
        expect(f).toHaveProperty(key);
      }
      expect(f.sent).toBeGreaterThan(0);
      expect(f.lost).toBe(0);
    }
    expect(json.lost).toBe(0);
  }, 400_000);
});
