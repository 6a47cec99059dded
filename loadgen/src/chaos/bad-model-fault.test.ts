import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultNotRestoredError } from '../errors';
import { modelLoadFailures } from './bad-model-fault';
import { runFault, type FaultContext } from './chaos-faults';
import { compileChaosOptions } from './chaos-options';
import type { ModelStoreOps } from './fault-context';
import { planFaults } from './fault-schedule';
import type { SlotWorker, WorkerSlots } from './worker-slots';

const EXPOSITION = `# HELP fraudstream_errors_total Failures by component
# TYPE fraudstream_errors_total counter
fraudstream_errors_total{component="redis",code="FS_REDIS_UNAVAILABLE"} 4
fraudstream_errors_total{component="model",code="FS_MODEL_LOAD"} 2
fraudstream_errors_total{code="FS_MODEL_LOAD",component="model"} 1 1700000000000
fraudstream_errors_total_created{component="model"} 1700000000
`;

describe('modelLoadFailures', () => {
  it('sums the model component of fraudstream_errors_total, whatever the label order', () => {
    expect(modelLoadFailures(EXPOSITION)).toBe(3);
    expect(modelLoadFailures('')).toBe(0);
  });
});

/** A store kept in memory: CURRENT's history and the versions added. */
class FakeStore implements ModelStoreOps {
  readonly dir = '/tmp/fake-store';
  readonly goodVersion = 'm1';
  readonly currents: string[] = [];
  failRestore = false;

  addCorrupt(tag: string): Promise<string> {
    return Promise.resolve(`m1-corrupt-${tag}`);
  }
  setCurrent(version: string): Promise<void> {
    if (this.failRestore && version === this.goodVersion) return Promise.reject(new Error('EIO'));
    this.currents.push(version);
    return Promise.resolve();
  }
}

describe('bad-model fault', () => {
  let server: Server;
  let refusals = 0;
  let port = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.end(`fraudstream_errors_total{component="model",code="FS_MODEL_LOAD"} ${refusals}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function context(store: FakeStore): FaultContext {
    const o = compileChaosOptions({
      brokers: ['k:1'],
      startWorker: () => Promise.resolve({ stop: () => Promise.resolve() }),
      faults: ['kill', 'bad-model'],
    });
    const step = planFaults(o).steps[1];
    if (step === undefined) throw new Error('no step');
    const worker = { slot: 0, pid: 4242, healthPort: port } as SlotWorker;
    let clock = 0;
    return {
      step,
      // Slot 0 answers /metrics; slot 1 has no worker right now.
      slots: { worker: (slot: number) => (slot === 0 ? worker : undefined) } as WorkerSlots,
      workers: 2,
      now: () => (clock += 1),
      // The hold: the worker meets the corrupt version twice and refuses it.
      wait: () => {
        refusals += 2;
        return Promise.resolve();
      },
      log: () => undefined,
      aborted: () => false,
      models: store,
    };
  }

  it('publishes a corrupt version, switches back, and counts the refusals of the workers', async () => {
    const store = new FakeStore();
    refusals = 5;
    const w = await runFault(context(store));
    expect(store.currents).toEqual(['m1-corrupt-2', 'm1']);
    expect(w.actions.map((a) => [a.action, a.target])).toEqual([
      ['publish-corrupt-model', 'model'],
      ['restore-model', 'model'],
    ]);
    expect(w.observed).toEqual({ model_load_failures: 2, workers_refusing: 1, workers: 1 });
  });

  it('fails the run when CURRENT cannot be put back', async () => {
    const store = new FakeStore();
    store.failRestore = true;
    await expect(runFault(context(store))).rejects.toThrow(FaultNotRestoredError);
    expect(store.currents).toEqual(['m1-corrupt-2']);
  });
});
