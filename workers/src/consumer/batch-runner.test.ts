import type { BatchControl } from '../kafka/kafka-client';
import type { ConsumedBatch, ConsumedRecord } from '../kafka/records';
import { RedisUnavailableError } from '../errors';
import type { ModelProvider } from '../model-registry/model-registry';
import type { ChunkReport, ScoringPipeline } from '../pipeline/pipeline';
import type { SourceRecord } from '../pipeline/types';
import { fakeModel, RecordingRetrySink, RecordingSession } from '../testing/fakes';
import { createBatchRunner, type DeliveryFactory } from './batch-runner';
import { RedisGate } from './redis-gate';

const OK: ChunkReport = { verdicts: [], deadLetters: [], retries: [], redeliver: false };

/** A fetched batch and the control the client hands the handler, recording what it was told. */
interface FakeBatch {
  readonly batch: ConsumedBatch;
  readonly control: BatchControl;
  readonly resolved: string[];
  heartbeats: number;
}

function payload(count: number, running: () => boolean = () => true, partition = 3): FakeBatch {
  const records = Array.from({ length: count }, (_, i): ConsumedRecord => ({
    offset: String(100 + i),
    key: Buffer.from('k'),
    value: Buffer.from('v'),
    timestamp: '1',
    headers: {},
  }));
  const p: FakeBatch = {
    resolved: [],
    heartbeats: 0,
    batch: { topic: 't', partition, records, lag: 5 },
    control: {
      resolveOffset: (offset: string) => p.resolved.push(offset),
      heartbeat: () => {
        p.heartbeats += 1;
        return Promise.resolve();
      },
      isRunning: running,
    },
  };
  return p;
}

describe.each([
  ['one session per partition (exactly-once)', false],
  ['sessions spanning partitions (at-least-once)', true],
])('createBatchRunner, %s', (_mode, spansPartitions) => {
  const models: ModelProvider = {
    acquire: () => ({ models: { champion: fakeModel() }, release: () => undefined }),
  };
  const delivery: DeliveryFactory = {
    spansPartitions,
    open: (_position, resolve) => {
      const session = new RecordingSession();
      session.commit = () => {
        resolve();
        session.commits += 1;
        return Promise.resolve();
      };
      return Promise.resolve(session);
    },
  };

  function runner(
    process: (records: readonly SourceRecord[]) => Promise<ChunkReport>,
    gate = new RedisGate({
      probe: () => Promise.resolve(),
      intervalMs: 1_000,
      onClose: () => undefined,
      onOpen: () => undefined,
    }),
  ) {
    const chunks: number[] = [];
    const pipeline = {
      process: async (
        records: readonly SourceRecord[],
        ctx: { session: { commit(): Promise<void> } },
      ) => {
        chunks.push(records.length);
        const report = await process(records);
        if (!report.redeliver) await ctx.session.commit();
        return report;
      },
    } as unknown as ScoringPipeline;
    const handler = createBatchRunner({
      pipeline,
      models,
      retry: new RecordingRetrySink(),
      delivery,
      gate,
      maxBatchSize: 3,
      heartbeatIntervalMs: 1_000,
      redelivery: { attempts: 3, backoff: { baseDelayMs: 1, maxDelayMs: 1 } },
    });
    const each = (p: FakeBatch): Promise<void> => handler(p.batch, p.control);
    return { each, chunks, gate };
  }

  it('cuts a batch into chunks and moves past each one only after it is acknowledged', async () => {
    const { each, chunks } = runner(() => Promise.resolve(OK));
    const p = payload(7);
    await each(p);
    expect(chunks).toEqual([3, 3, 1]);
    expect(p.resolved).toEqual(['102', '105', '106']);
    expect(p.heartbeats).toBeGreaterThanOrEqual(3);
  });

  it('pauses on an unreachable Redis and leaves the rest of the batch in Kafka', async () => {
    let calls = 0;
    const closed: string[] = [];
    const gate = new RedisGate({
      probe: () => Promise.reject(new Error('down')),
      intervalMs: 60_000,
      onClose: () => closed.push('paused'),
      onOpen: () => undefined,
    });
    const { each } = runner(
      () =>
        ++calls === 2
          ? Promise.reject(
              new RedisUnavailableError('features', { cause: new Error('Connection is closed.') }),
            )
          : Promise.resolve(OK),
      gate,
    );
    const p = payload(7);
    await each(p);
    expect(p.resolved).toEqual(['102']);
    expect(closed).toEqual(['paused']);
    expect(gate.open).toBe(false);
    const later = payload(2);
    await each(later);
    expect(later.resolved).toEqual([]);
    gate.stop();
  });

  it('stops after the chunk in flight when the consumer stops', async () => {
    let running = true;
    const { each, chunks } = runner(() => {
      running = false;
      return Promise.resolve(OK);
    });
    const p = payload(7, () => running);
    await each(p);
    expect(chunks).toEqual([3]);
    expect(p.resolved).toEqual(['102']);
  });

  it('does not move past a chunk Kafka will redeliver', async () => {
    const { each, chunks } = runner(() => Promise.resolve({ ...OK, redeliver: true }));
    const p = payload(7);
    await each(p);
    expect(chunks).toEqual([3]);
    expect(p.resolved).toEqual([]);
  });

  it('fetches a chunk with transient failures again, its last attempt told so', async () => {
    const finals: boolean[] = [];
    const handler = createBatchRunner({
      pipeline: {
        process: (_records: readonly SourceRecord[], ctx: { finalAttempt?: boolean }) => {
          finals.push(ctx.finalAttempt ?? false);
          return Promise.resolve({
            ...OK,
            redeliver: !(ctx.finalAttempt ?? false),
            redeliverReason: 'transient-failure',
          });
        },
      } as unknown as ScoringPipeline,
      models,
      retry: new RecordingRetrySink(),
      delivery: { ...delivery, spansPartitions: false },
      gate: new RedisGate({
        probe: () => Promise.resolve(),
        intervalMs: 1_000,
        onClose: () => undefined,
        onOpen: () => undefined,
      }),
      maxBatchSize: 3,
      heartbeatIntervalMs: 1_000,
      redelivery: { attempts: 3, backoff: { baseDelayMs: 1, maxDelayMs: 1 } },
    });
    const fetches = [payload(2), payload(2), payload(2)];
    for (const p of fetches) await handler(p.batch, p.control);
    expect(finals).toEqual([false, false, true]);
    expect(fetches.map((p) => p.resolved)).toEqual([[], [], []]);
  });

  it('lets any other failure reach kafkajs (which retries the batch)', async () => {
    const { each } = runner(() => Promise.reject(new Error('broker exploded')));
    await expect(each(payload(2))).rejects.toThrow('broker exploded');
  });

  it(
    spansPartitions
      ? 'scores the chunks of partitions handled together in one run'
      : 'scores each partition on its own',
    async () => {
      const { each, chunks } = runner(() => Promise.resolve(OK));
      const [a, b, c] = [
        payload(1, undefined, 0),
        payload(2, undefined, 1),
        payload(2, undefined, 2),
      ];
      await Promise.all([each(a), each(b), each(c)]);
      // Merged up to the batch size of 3, in order, a chunk never split.
      expect(chunks).toEqual(spansPartitions ? [3, 2] : [1, 2, 2]);
      expect([a.resolved, b.resolved, c.resolved]).toEqual([['100'], ['101'], ['101']]);
    },
  );

  it('fails every partition of a failed run, and leaves them all unresolved', async () => {
    const { each } = runner(() => Promise.reject(new Error('broker exploded')));
    const [a, b] = [payload(1, undefined, 0), payload(1, undefined, 1)];
    const results = await Promise.allSettled([each(a), each(b)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect([a.resolved, b.resolved]).toEqual([[], []]);
  });
});
