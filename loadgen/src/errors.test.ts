// The codes themselves are checked against docs/errors.md by tests/docs/docs.test.ts.
import { FleetNotReadyError, LoadKafkaError, LoadOptionsError } from './errors';

describe('load errors', () => {
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
