// Known-vulnerable runtime dependencies (deploy/security/advisories.py): the lockfile against the
// vendored OSV snapshot, and the checker's own rules on planted lockfiles and advisories — a high,
// critical or ungraded advisory fails, an acceptance holds only until its date, a package the
// snapshot was not taken for is "not checked" (never a pass), and a refresh that cannot reach its
// source says so and leaves the snapshot alone.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './deploy-files';

const TOOL = join(ROOT, 'deploy', 'security', 'advisories.py');
const SNAPSHOT = join(ROOT, 'deploy', 'security', 'advisories.json');

interface Run {
  readonly status: number | null;
  readonly out: string;
}

function advisories(args: readonly string[]): Run {
  const run = spawnSync('python3', [TOOL, ...args], { encoding: 'utf8' });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

/** Like `advisories`, without blocking the event loop (a test's HTTP server must answer). */
function advisoriesAsync(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('python3', [TOOL, ...args]);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (status) => resolve({ status, out }));
  });
}

const snapshotMeta = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as {
  fetched_at: string;
  complete: boolean;
};

describe(`runtime dependencies against the advisory snapshot of ${snapshotMeta.fetched_at}${
  snapshotMeta.complete ? '' : ' (INCOMPLETE: see docs/security.md)'
}`, () => {
  it('no high, critical or ungraded advisory applies to the packages it covers, beyond those accepted until a date', () => {
    // The vendored snapshot covers only what could be looked up here; the rest is named.
    const run = advisories(['check', '--allow-unchecked']);
    expect({ status: run.status, out: run.out }).toEqual({ status: 0, out: run.out });
    expect(run.out).toMatch(/runtime packages of package-lock\.json against the snapshot of/);
    if (!snapshotMeta.complete) expect(run.out).toMatch(/NOT CHECKED: \d+ of \d+ runtime packages/);
  });

  it('without --allow-unchecked, an incomplete snapshot never passes', () => {
    const run = advisories(['check']);
    expect(run.status).toBe(snapshotMeta.complete ? 0 : 2);
  });
});

describe('advisories.py', () => {
  let dir: string;
  const path = (name: string): string => join(dir, name);
  const write = (name: string, value: unknown): string => {
    writeFileSync(path(name), JSON.stringify(value));
    return path(name);
  };
  const lock = (packages: Record<string, { version: string; dev?: boolean }>): string =>
    write('lock.json', {
      lockfileVersion: 3,
      packages: Object.fromEntries(
        Object.entries(packages).map(([name, meta]) => [`node_modules/${name}`, meta]),
      ),
    });
  const advisory = (
    id: string,
    name: string,
    events: Record<string, string>[],
    severity?: string,
    versions: string[] = [],
  ): unknown => ({
    id,
    summary: `planted ${id}`,
    affected: [
      { package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events }], versions },
    ],
    ...(severity === undefined ? {} : { database_specific: { severity } }),
  });
  const snapshot = (advisoryList: unknown[], packages: string[], extra: object = {}): string =>
    write('snapshot.json', {
      format: 1,
      source: 'planted',
      fetched_at: '2026-12-01',
      complete: true,
      packages,
      advisories: advisoryList,
      ...extra,
    });
  const check = (extra: string[] = []): Run =>
    advisories([
      'check',
      '--lock',
      path('lock.json'),
      '--snapshot',
      path('snapshot.json'),
      '--accepted',
      path('accepted.json'),
      '--today',
      '2026-12-07',
      ...extra,
    ]);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fs-advisories-'));
    lock({ 'left-pad': { version: '1.2.0' }, jest: { version: '30.0.0', dev: true } });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each<[string, unknown, number]>([
    [
      'a high advisory on a runtime package fails',
      advisory('GHSA-hi', 'left-pad', [{ introduced: '0' }, { fixed: '1.3.0' }], 'HIGH'),
      1,
    ],
    [
      'a critical one fails',
      advisory(
        'GHSA-cr',
        'left-pad',
        [{ introduced: '1.0.0' }, { last_affected: '1.2.0' }],
        'CRITICAL',
      ),
      1,
    ],
    ['an ungraded one fails', advisory('GHSA-un', 'left-pad', [{ introduced: '0' }], undefined), 1],
    ['one listing the version fails', advisory('GHSA-ls', 'left-pad', [], 'HIGH', ['1.2.0']), 1],
    [
      'a moderate one is only noted',
      advisory('GHSA-mo', 'left-pad', [{ introduced: '0' }], 'MODERATE'),
      0,
    ],
    [
      'a fixed version passes',
      advisory('GHSA-fx', 'left-pad', [{ introduced: '0' }, { fixed: '1.2.0' }], 'HIGH'),
      0,
    ],
    [
      'a pre-release fix below the version passes',
      advisory('GHSA-pr', 'left-pad', [{ introduced: '0' }, { fixed: '1.2.0-rc.1' }], 'HIGH'),
      0,
    ],
    [
      'a dev-only package is not a runtime one',
      advisory('GHSA-dv', 'jest', [{ introduced: '0' }], 'HIGH'),
      0,
    ],
  ])('%s', (_what, planted, status) => {
    snapshot([planted], ['left-pad@1.2.0']);
    const run = check();
    expect({ status: run.status, out: run.out }).toEqual({ status, out: run.out });
    if (status === 1) expect(run.out).toMatch(/^FAIL .*left-pad@1\.2\.0  GHSA-/m);
  });

  it('an acceptance holds until its date, then fails again', () => {
    snapshot([advisory('GHSA-hi', 'left-pad', [{ introduced: '0' }], 'HIGH')], ['left-pad@1.2.0']);
    const accept = (expires: string): string =>
      write('accepted.json', [
        { id: 'GHSA-hi', package: 'left-pad@1.2.0', reason: 'planted', expires },
      ]);
    accept('2026-12-07');
    expect(check().status).toBe(0);
    accept('2026-12-06');
    const run = check();
    expect(run.status).toBe(1);
    expect(run.out).toMatch(/acceptance expired 2026-12-06/);
  });

  it('a runtime package the snapshot was not taken for is NOT CHECKED, never a pass', () => {
    snapshot([], ['left-pad@1.1.0']);
    const run = check();
    expect(run.status).toBe(2);
    expect(run.out).toMatch(
      /NOT CHECKED: 1 runtime package\(s\) are not in the snapshot \(e\.g\. left-pad@1\.2\.0\)/,
    );
  });

  it('a missing snapshot is NOT CHECKED and says how to make one', () => {
    const run = check();
    expect(run.status).toBe(2);
    expect(run.out).toMatch(/NOT CHECKED: no advisory snapshot at .*advisories\.py refresh/);
  });

  it('an incomplete or old snapshot is said to be so', () => {
    snapshot([], ['left-pad@1.2.0'], { complete: false, note: 'planted partial' });
    const run = check(['--max-age-days', '3']);
    expect(run.status).toBe(0);
    expect(run.out).toMatch(/WARNING: the snapshot is incomplete: planted partial/);
    expect(run.out).toMatch(/WARNING: the snapshot is older than 3 days/);
  });

  it('a refresh that cannot reach its source says so and leaves the snapshot as it was', () => {
    const before = snapshot([], ['left-pad@1.2.0']);
    const text = readFileSync(before, 'utf8');
    const run = advisories([
      'refresh',
      '--lock',
      path('lock.json'),
      '--snapshot',
      before,
      '--source',
      'http://127.0.0.1:1',
      '--timeout',
      '2',
    ]);
    expect(run.status).toBe(2);
    expect(run.out).toMatch(
      /cannot reach the advisory source http:\/\/127\.0\.0\.1:1 .*NOT refreshed and is still the one of 2026-12-01/,
    );
    expect(readFileSync(before, 'utf8')).toBe(text);
  });

  describe('a refresh from an OSV API', () => {
    let server: Server;
    let base = '';
    const queried: unknown[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          res.setHeader('content-type', 'application/json');
          if (req.url === '/v1/querybatch') {
            queried.push(JSON.parse(body));
            res.end(JSON.stringify({ results: [{ vulns: [{ id: 'GHSA-osv' }] }] }));
          } else if (req.url === '/v1/vulns/GHSA-osv') {
            res.end(
              JSON.stringify(advisory('GHSA-osv', 'left-pad', [{ introduced: '0' }], 'HIGH')),
            );
          } else {
            res.statusCode = 404;
            res.end('{}');
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('asks about the runtime packages only, and writes a complete snapshot the check then uses', async () => {
      const run = await advisoriesAsync([
        'refresh',
        '--lock',
        path('lock.json'),
        '--snapshot',
        path('snapshot.json'),
        '--source',
        base,
      ]);
      expect({ status: run.status, out: run.out }).toEqual({ status: 0, out: run.out });
      expect(queried).toEqual([
        { queries: [{ package: { ecosystem: 'npm', name: 'left-pad' }, version: '1.2.0' }] },
      ]);
      const written = JSON.parse(readFileSync(path('snapshot.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(written).toMatchObject({ complete: true, packages: ['left-pad@1.2.0'] });
      expect(check().status).toBe(1);
    });
  });
});
