import { UsageError } from '@fraudstream/settings';
import type { WorkerHandle } from '../bench/bench-types';
import { chaosBenchmark, chaosBenchResult, chaosResultJson } from './chaos-command';
import { ChaosLedger } from './chaos-ledger';
import { reduceChaos } from './chaos-figures';
import type { ChaosClientRun, ChaosResult } from './run-chaos';

const startWorker = (): Promise<WorkerHandle> => Promise.resolve({ stop: () => Promise.resolve() });

function run(client: 'kafkajs' | 'librdkafka'): ChaosClientRun {
  const l = new ChaosLedger();
  l.sent(0, 0, 0);
  l.verdict(0, 'APPROVE', 20);
  const windows = [{ name: '1-kill', kind: 'kill', startMs: 0, endMs: 10, actions: [] }];
  return {
    client,
    staticMembership: false,
    groupProtocol: 'classic',
    exactlyOnce: false,
    groupId: 'g',
    topics: { transactions: 't', decisions: 'd', labels: 'l', deadLetters: 'q' },
    figures: reduceChaos(l.entries, windows, { horizonMs: 100 }),
    windows,
    sendSeconds: 1,
    sendFailures: 0,
    resends: 0,
    workerExits: [],
    unmatched: 0,
    stoppedEarly: null,
  };
}

const RESULT: ChaosResult = {
  kind: 'fraudstream.chaos-result',
  version: 1,
  startedAt: 'a',
  finishedAt: 'b',
  machine: {} as ChaosResult['machine'],
  parameters: { smoke: true, rate_tps: 100 },
  runs: [run('kafkajs'), run('librdkafka')],
};

describe('chaosResultJson', () => {
  it('prints the headline figures, the faults, and each client under clients', () => {
    const json = chaosResultJson(RESULT);
    expect(json).toMatchObject({
      scenario: 'chaos',
      smoke: true,
      lost: 0,
      duplicates: 0,
      duplicates_identical: true,
      dead_letters: 0,
      within_100ms_share: 1,
      within_100ms_share_outside_faults: null,
      exactly_once: false,
      every_transaction_once: true,
      faults: [{ name: '1-kill', stall_s: 0, over_100ms: 0, over_1s: 0, lost: 0, duplicates: 0 }],
    });
    expect(Object.keys(json.clients as object)).toEqual(['kafkajs', 'librdkafka']);
  });

  it('leaves clients out with one client', () => {
    expect(chaosResultJson({ ...RESULT, runs: [run('kafkajs')] })).not.toHaveProperty('clients');
  });
});

describe('chaosBenchResult', () => {
  it("has the benchmarks' report shape, one fault table per client", () => {
    const r = chaosBenchResult(RESULT);
    expect(r.scenario).toBe('chaos');
    expect(r.figures.exactly_once).toBe(false);
    expect(r.figures.every_transaction_once).toBe(true);
    expect(r.tables?.map((t) => t.title)).toEqual(['Faults, kafkajs', 'Faults, librdkafka']);
    expect(Object.keys(r.clients ?? {})).toEqual(['kafkajs', 'librdkafka']);
  });
});

describe('chaosBenchmark', () => {
  it('refuses static membership and the consumer protocol with kafkajs alone, before starting anything', async () => {
    const command = chaosBenchmark({ startWorker, env: {} });
    await expect(command(['--static-membership'])).rejects.toThrow(UsageError);
    await expect(command(['--static-membership'])).rejects.toThrow(
      /--static-membership: librdkafka only/,
    );
    await expect(command(['--clients', 'kafkajs', '--group-protocol', 'consumer'])).rejects.toThrow(
      /--group-protocol consumer: librdkafka only/,
    );
  });
});
