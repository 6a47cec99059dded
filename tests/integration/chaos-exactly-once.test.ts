// Exactly-once mode under real faults: `bench chaos --smoke --exactly-once` kills a worker and
// restarts it, then kills the suite's Kafka broker and restarts it. Every transaction must end
// with exactly one verdict on `decisions` (loadgen's ledger, read committed), and no worker
// process may exit on the broker's absence.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chaosBenchmark, processWorkerLauncher } from '@fraudstream/loadgen';
import { KAFKA_BROKERS, KAFKA_CLIENT, REDIS_URL } from '../support/services';
import { stackStatus } from '../support/local-stack';
import { collect, discard } from '../support/streams';

describe('exactly-once under worker and broker faults', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(path.join(tmpdir(), 'fs-chaos-eos-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it(`gives every transaction exactly one verdict through a worker kill and a broker restart (${KAFKA_CLIENT})`, async () => {
    const printed: string[] = [];
    const chaos = chaosBenchmark({
      startWorker: processWorkerLauncher({ env: { FS_LOG_LEVEL: 'warn' } }),
      // FRAUDSTREAM_HOME (and the rest) from the suite's environment: the stack the faults hit.
      env: { ...process.env, FS_KAFKA_BROKERS: KAFKA_BROKERS.join(','), FS_REDIS_URL: REDIS_URL },
      stdout: collect(printed),
      stderr: discard(),
    });
    const faults = ['kill-restart', 'broker-kill'];
    let code: number;
    try {
      code = await chaos([
        ...['--smoke', '--json', '--quiet', '--exactly-once', '--out', out],
        ...['--clients', KAFKA_CLIENT, '--faults', faults.join(',')],
      ]);
    } finally {
      // The tests after this one need the stack whole again.
      expect(stackStatus()).toMatch(/exit 0$/);
    }
    expect(code).toBe(0);
    const json = JSON.parse(printed.join('')) as {
      exactly_once: boolean;
      sent: number;
      lost: number;
      duplicates: number;
      dead_letters: number;
      every_transaction_once: boolean;
      worker_exits: number;
      faults: { kind: string; sent: number; lost: number; duplicates: number }[];
    };
    console.log(`bench chaos --smoke --exactly-once (${KAFKA_CLIENT}): ${JSON.stringify(json)}`);
    expect(json.exactly_once).toBe(true);
    expect(json.faults.map((f) => f.kind)).toEqual(faults);
    for (const f of json.faults) {
      expect(f.sent).toBeGreaterThan(0);
      expect(f.lost).toBe(0);
      expect(f.duplicates).toBe(0);
    }
    expect(json).toMatchObject({
      lost: 0,
      duplicates: 0,
      dead_letters: 0,
      every_transaction_once: true,
      worker_exits: 0,
    });
  }, 400_000);
});
