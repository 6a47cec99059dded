import { CpuProfileFormatError } from '../errors';
import type { CpuProfile } from './cpu-profile';
import {
  PROFILE_GROUPS,
  displayFile,
  packageOf,
  parseCpuProfile,
  summariseCpuProfile,
} from './cpu-profile';

const ROOT = '/repo';

function node(id: number, functionName: string, url = '', lineNumber = -1): CpuProfile['nodes'][0] {
  return { id, callFrame: { functionName, url, lineNumber } };
}

// A tiny profile: 1 s of wall time, 400 ms idle, the rest split over a few functions (µs).
const PROFILE: CpuProfile = {
  nodes: [
    node(1, '(root)'),
    node(2, '(idle)'),
    node(3, '(garbage collector)'),
    node(4, '(program)'),
    node(
      5,
      'runOp',
      'file:///repo/node_modules/@tensorflow/tfjs-node/dist/nodejs_kernel_backend.js',
      99,
    ),
    node(6, 'decode', 'file:///repo/node_modules/kafkajs/src/protocol/decoder.js', 9),
    node(7, 'score', 'file:///repo/workers/dist/pipeline/score-stage.js', 41),
    node(8, '', 'file:///repo/models/dist/features/online.js', 0),
    node(9, 'processTicksAndRejections', 'node:internal/process/task_queues', 66),
    node(10, 'export', 'file:///repo/node_modules/@opentelemetry/sdk-trace-base/build/src/x.js', 3),
    node(11, 'runOp', 'file:///repo/node_modules/@tensorflow/tfjs-core/dist/engine.js', 5),
  ],
  startTime: 1_000_000,
  endTime: 2_000_000,
  samples: [2, 5, 5, 6, 7, 8, 9, 3, 4, 10, 11, 2, 5],
  timeDeltas: [
    300_000, 100_000, 50_000, 40_000, 30_000, 20_000, 10_000, 25_000, 5_000, 8_000, 12_000, 100_000,
    150_000,
  ],
};

describe('summariseCpuProfile', () => {
  const s = summariseCpuProfile(PROFILE, { repoRoot: ROOT, topFunctions: 3 });

  it('splits wall time into idle and busy from the sample deltas', () => {
    expect(s.wallMs).toBe(1000);
    expect(s.idleMs).toBe(400);
    expect(s.busyMs).toBe(450);
    expect(s.busyShare).toBeCloseTo(0.45);
    expect(s.gcMs).toBe(25);
    expect(s.samples).toBe(13);
  });

  it('lists the top functions by self time, with files relative to the repo', () => {
    expect(s.topFunctions.map((f) => [f.name, f.file, f.line, f.selfMs])).toEqual([
      ['runOp', 'node_modules/@tensorflow/tfjs-node/dist/nodejs_kernel_backend.js', 100, 300],
      ['decode', 'node_modules/kafkajs/src/protocol/decoder.js', 10, 40],
      ['score', 'workers/dist/pipeline/score-stage.js', 42, 30],
    ]);
    expect(s.topFunctions[0]?.busyShare).toBeCloseTo(300 / 450);
    expect(s.topFunctions[0]?.package).toBe('@tensorflow/*');
  });

  it('rolls self time up by package, idle left out', () => {
    expect(Object.fromEntries(s.packages.map((p) => [p.package, p.selfMs]))).toEqual({
      '@tensorflow/*': 312,
      kafkajs: 40,
      '@fraudstream/workers': 30,
      '@fraudstream/models': 20,
      'node internals': 10,
      GC: 25,
      'native/program': 5,
      '@opentelemetry/*': 8,
    });
    expect(s.packages[0]?.package).toBe('@tensorflow/*');
    expect(s.packages.reduce((n, p) => n + p.busyShare, 0)).toBeCloseTo(1);
  });

  it('names anonymous functions', () => {
    const all = summariseCpuProfile(PROFILE, { repoRoot: ROOT });
    expect(all.topFunctions.find((f) => f.file === 'models/dist/features/online.js')?.name).toBe(
      '(anonymous)',
    );
  });

  it('says zero, not NaN, for an empty profile', () => {
    const empty = summariseCpuProfile(
      { nodes: [], startTime: 5, endTime: 5, samples: [], timeDeltas: [] },
      { repoRoot: ROOT },
    );
    expect(empty).toMatchObject({ wallMs: 0, busyMs: 0, busyShare: 0, topFunctions: [] });
  });
});

describe('packageOf and displayFile', () => {
  it('groups by package, scope or origin', () => {
    expect(packageOf('x', 'file:///repo/node_modules/ioredis/built/Redis.js', ROOT)).toBe(
      'ioredis',
    );
    expect(packageOf('x', 'file:///repo/node_modules/bullmq/dist/cjs/x.js', ROOT)).toBe('bullmq');
    expect(
      packageOf('x', 'file:///elsewhere/node_modules/@fraudstream/schemas/dist/a.js', ROOT),
    ).toBe('@fraudstream/schemas');
    expect(packageOf('x', 'node:fs', ROOT)).toBe(PROFILE_GROUPS.node);
    expect(packageOf('(garbage collector)', '', ROOT)).toBe(PROFILE_GROUPS.gc);
    expect(packageOf('JSON.parse', '', ROOT)).toBe(PROFILE_GROUPS.native);
    expect(packageOf('x', 'file:///tmp/script.js', ROOT)).toBe(PROFILE_GROUPS.other);
  });

  it('shows the innermost node_modules package', () => {
    expect(displayFile('file:///repo/node_modules/a/node_modules/b/i.js', ROOT)).toBe(
      'node_modules/b/i.js',
    );
  });
});

describe('parseCpuProfile', () => {
  it('accepts a V8 profile', () => {
    expect(parseCpuProfile(JSON.parse(JSON.stringify(PROFILE)), 'p')).toEqual(PROFILE);
  });

  it.each([
    ['not an object', []],
    ['no times', { ...PROFILE, startTime: 'x' }],
    ['uneven samples', { ...PROFILE, timeDeltas: [1] }],
    ['a node without callFrame', { ...PROFILE, nodes: [{ id: 1 }] }],
  ])('rejects %s with FS_BENCH_PROFILE_MALFORMED', (_what, raw) => {
    const caught = ((): unknown => {
      try {
        parseCpuProfile(raw, 'w.cpuprofile');
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(caught).toBeInstanceOf(CpuProfileFormatError);
    expect(caught).toMatchObject({ code: 'FS_BENCH_PROFILE_MALFORMED', retriable: false });
    expect(String((caught as Error).message)).toContain('w.cpuprofile');
  });
});
