import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  FleetNotReadyError,
  LOAD_ERROR_CODES,
  LOADGEN_ERROR_CODES,
  LoadKafkaError,
  LoadOptionsError,
} from './errors';

describe('error codes', () => {
  it('lists every code in the README, and nothing else', () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const start = readme.indexOf('## Errors of the simulator and reports');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const documented = [...section.matchAll(/`(FS_[A-Z_]+)`/g)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(LOADGEN_ERROR_CODES));
  });
});

describe('load errors', () => {
  it('lists exactly the codes of LOAD_ERROR_CODES in the README', () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const start = readme.indexOf('## Errors of the load generator');
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end < 0 ? undefined : end);
    const listed = [...section.matchAll(/^- `(FS_[A-Z_]+)`/gm)].map((m) => m[1]);
    expect(listed).toEqual([...LOAD_ERROR_CODES]);
  });

  it('carries a stable code, whether to retry, and the cause', () => {
    const cause = new Error('connect ECONNREFUSED');
    const kafka = new LoadKafkaError('read the end offsets of topic decisions', cause);
    expect([kafka.code, kafka.retriable, kafka.cause]).toEqual(['FS_LOAD_KAFKA', true, cause]);
    expect(kafka.message).toContain(
      'read the end offsets of topic decisions: connect ECONNREFUSED',
    );
    const bad = new LoadOptionsError('graceMs', 'a finite number ≥ 0', -1);
    expect([bad.code, bad.retriable, bad.setting]).toEqual([
      'FS_LOAD_INVALID_OPTIONS',
      false,
      'graceMs',
    ]);
    const fleet = new FleetNotReadyError('g', 4, 3, 60_000);
    expect([fleet.code, fleet.retriable]).toEqual(['FS_BENCH_FLEET_NOT_READY', true]);
    expect(fleet.message).toContain('fleetReadyTimeoutMs');
  });
});
