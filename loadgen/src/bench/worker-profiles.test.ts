import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compileBenchOptions } from './bench-options';
import type { BenchRun } from './bench-result';
import { cpuProfileNodeArgs } from './bench-types';
import { workerEnv } from './fleet';
import type { CpuProfile } from './cpu-profile';
import {
  compactProfile,
  foldMinorPackages,
  readWorkerProfile,
  workerProfileSpec,
} from './worker-profiles';
import { CPU_PROFILE_SECTION_TITLE, renderCpuProfileSection } from '../report/cpu-profile-markdown';

const ROOT = '/repo';
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
    {
      id: 2,
      callFrame: {
        functionName: 'send',
        url: 'file:///repo/node_modules/kafkajs/src/x.js',
        lineNumber: 1,
      },
    },
    { id: 3, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
  ],
  startTime: 0,
  endTime: 1_000_000,
  samples: [1, 2, 3],
  timeDeltas: [500_000, 300_000, 100_000],
};

describe('worker profiles', () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'worker-profiles-')), 'profiles');
  afterAll(() => rmSync(path.dirname(dir), { recursive: true, force: true }));
  const id = { run: 'seed, 1 worker', worker: 'scoring', index: 1 } as const;

  it('summarises a written profile, and says when none was written or it is broken', async () => {
    mkdirSync(dir, { recursive: true });
    const good = workerProfileSpec(dir, 'seed-1-worker', 0);
    const broken = workerProfileSpec(dir, 'seed-1-worker', 1);
    writeFileSync(path.join(dir, good.name), JSON.stringify(PROFILE));
    writeFileSync(path.join(dir, broken.name), '{"nodes":[');
    const read = await readWorkerProfile(good, id, ROOT);
    expect(read.file).toBe('profiles/seed-1-worker.worker-1.cpuprofile');
    expect(read.missing).toBeNull();
    expect(read.summary).toMatchObject({ busyMs: 400, wallMs: 1000, gcMs: 100 });
    const missing = await readWorkerProfile(workerProfileSpec(dir, 'other', 0), id, ROOT);
    expect(missing.summary).toBeNull();
    expect(missing.missing).toContain('no profile written');
    const crashed = await readWorkerProfile(workerProfileSpec(dir, 'other', 0), id, ROOT, {
      code: null,
      signal: 'SIGABRT',
      beforeStop: true,
    });
    expect(crashed.missing).toBe('no profile written: the worker died during the run (SIGABRT)');
    const bad = await readWorkerProfile(broken, { ...id, index: 2 }, ROOT);
    expect(bad.summary).toBeNull();
    expect(bad.missing).toContain('FS_BENCH_PROFILE_MALFORMED');

    expect(compactProfile([read, missing])).toEqual({
      worker: 'scoring',
      profiles: 1,
      no_profile: 1,
      wall_ms: 1000,
      busy_ms: 400,
      busy_share: 0.4,
      packages: { kafkajs: { ms: 300, share: 0.75 }, GC: { ms: 100, share: 0.25 } },
    });
    expect(compactProfile([])).toBeNull();

    const run = { label: id.run, profiles: [read, missing] } as unknown as BenchRun;
    const md = renderCpuProfileSection([run]) ?? '';
    expect(md).toContain(`## ${CPU_PROFILE_SECTION_TITLE}`);
    expect(md).toContain('| kafkajs | 300 | 75.0 % |');
    expect(md).toContain('| send | `node_modules/kafkajs/src/x.js` | 2 | 300 | 75.0 % |');
    expect(md).toContain('no profile written');
    expect(renderCpuProfileSection([{ ...run, profiles: undefined }])).toBeUndefined();
  });

  it('folds packages under half a percent of the busy time into one line', () => {
    const folded = foldMinorPackages([
      { package: 'kafkajs', selfMs: 990, busyShare: 0.99 },
      { package: 'semver', selfMs: 4, busyShare: 0.004 },
      { package: 'tslib', selfMs: 6, busyShare: 0.006 },
    ]);
    expect(folded.map((p) => p.package)).toEqual(['kafkajs', 'tslib', '(1 other package)']);
    expect(folded[2]?.selfMs).toBe(4);
  });
});

describe('profiling the workers', () => {
  it('passes the profile file to each worker as node arguments', () => {
    const spec = {
      size: 2,
      brokers: ['k:1'],
      groupId: 'g',
      topics: { transactions: 't', decisions: 'd', labels: 'l', deadLetters: 'q' },
      runTag: 'seed-abc',
      readyTimeoutMs: 1,
      cpuProfile: (i: number) => workerProfileSpec('/r/profiles', 'seed-1-worker', i),
    };
    const env = workerEnv(spec, 1);
    expect(cpuProfileNodeArgs(env.cpuProfile)).toEqual([
      '--cpu-prof',
      '--cpu-prof-dir=/r/profiles',
      '--cpu-prof-name=seed-1-worker.worker-2.cpuprofile',
    ]);
    expect(workerEnv({ ...spec, cpuProfile: undefined }, 0).cpuProfile).toBeUndefined();
    expect(cpuProfileNodeArgs(undefined)).toEqual([]);
  });

  it('makes the profile directory absolute, and rejects an empty one', () => {
    expect(compileBenchOptions({ brokers: ['k:1'] }).profileDir).toBeUndefined();
    expect(compileBenchOptions({ brokers: ['k:1'], profileDir: 'rep/profiles' }).profileDir).toBe(
      path.resolve('rep/profiles'),
    );
    expect(() => compileBenchOptions({ brokers: ['k:1'], profileDir: ' ' })).toThrow(
      'profileDir: expected a directory path',
    );
  });
});
