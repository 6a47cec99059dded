import { toFeatureStoreError } from '@fraudstream/models';
import { RedisGate } from '../consumer/redis-gate';
import type { BatchControl } from '../kafka/kafka-client';
import type { ConsumedBatch } from '../kafka/records';
import type { DeliverySession } from '../pipeline/commit';
import type { FraudLabel } from '../pipeline/contracts';
import type { PublishStage } from '../pipeline/publish-stage';
import type { Rejection } from '../pipeline/types';
import { TransientStageError } from '../errors';
import { createLabelBatchHandler, type LabelSinkPorts, type LabelUpdate } from './label-consumer';

/** ioredis' error for a Redis error reply, as the feature store reports it. */
function storeError(reply: string): Error {
  return toFeatureStoreError(
    Object.assign(new Error(reply), { name: 'ReplyError' }),
    'applyLabels',
  );
}

const OOM =
  "OOM command not allowed when used memory > 'maxmemory'. script: 5849fad0, on @user_script:1.";

function label(id: string): FraudLabel {
  return {
    transaction_id: id,
    customer_id: `c-${id}`,
    terminal_id: `t-${id}`,
    is_fraud: true,
    event_time: 1_700_000_000_000,
    labelled_at: 1_700_000_100_000,
    source: 'ANALYST_REVIEW',
    fraud_scenario: 1,
  };
}

/** What a test may replace in {@link harness}. */
interface HarnessOptions {
  readonly decode?: LabelSinkPorts['decodeLabels'];
  /** Sends the dead letters; resolves to what it sent (default: all of them). */
  readonly sendDeadLetters?: (rejected: readonly Rejection[]) => Promise<void>;
  /** Whether the consumer still runs (stopping, revoked), asked before each step. */
  readonly isRunning?: () => boolean;
}

/** A label consumer over fakes; `apply` decides what applying a set of labels does. */
function harness(
  apply: (labels: readonly LabelUpdate[]) => Promise<unknown>,
  over: HarnessOptions = {},
) {
  const events: string[] = [];
  const deadLetters: Rejection[] = [];
  const resolved: string[] = [];
  const retries: string[] = [];
  const counted: string[] = [];
  const waits: number[] = [];
  const gate = new RedisGate({
    probe: () => Promise.reject(storeError(OOM)),
    intervalMs: 60_000,
    onClose: () => events.push('pause'),
    onOpen: () => events.push('resume'),
  });
  const publish: PublishStage = {
    run: async (_scored, rejected) => {
      if (rejected.length > 0) await over.sendDeadLetters?.(rejected);
      deadLetters.push(...rejected);
      return { verdicts: [], deadLetters: rejected };
    },
  };
  const handler = createLabelBatchHandler({
    ports: {
      decodeLabels:
        over.decode ??
        ((values) =>
          Promise.resolve(values.map((v) => ({ ok: true as const, value: label(String(v)) })))),
      applyLabels: apply,
    },
    publish,
    session: (commitConsumer): DeliverySession => ({
      redeliversOnFailure: false,
      send: () => Promise.resolve(),
      commit: commitConsumer,
      abort: () => Promise.resolve(),
    }),
    gate,
    maxBatchSize: 10,
    // Draws at the top of each cap: the waits show the backoff doubling to its maximum.
    backoff: { baseDelayMs: 100, maxDelayMs: 250, random: () => 0.999 },
    heartbeatIntervalMs: 100,
    onRetry: (reason) => retries.push(reason),
    onDeadLetter: (reason) => counted.push(reason),
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  const batch: ConsumedBatch = {
    topic: 'fraud-labels',
    partition: 0,
    lag: 0,
    records: ['a', 'b', 'c'].map((id, i) => ({
      offset: String(i),
      key: Buffer.from(id),
      value: Buffer.from(id),
      headers: {},
      timestamp: '1',
    })),
  };
  const control: BatchControl = {
    isRunning: over.isRunning ?? (() => true),
    heartbeat: () => {
      events.push('heartbeat');
      return Promise.resolve();
    },
    resolveOffset: (offset) => resolved.push(offset),
  };
  return {
    handler,
    batch,
    control,
    gate,
    events,
    deadLetters,
    resolved,
    retries,
    counted,
    waits,
  };
}

/** The ids of every applyLabels call, in order. */
function recorder(fail: (call: number) => Error | undefined) {
  const calls: string[][] = [];
  const apply = (labels: readonly LabelUpdate[]): Promise<unknown> => {
    calls.push(labels.map((l) => l.transaction_id));
    const error = fail(calls.length);
    return error === undefined ? Promise.resolve() : Promise.reject(error);
  };
  return { calls, apply };
}

describe('label consumer', () => {
  it.each([
    ['OOM', OOM],
    ['READONLY', "READONLY You can't write against a read only replica."],
    ['BUSY', 'BUSY Redis is busy running a script.'],
    ['MISCONF', 'MISCONF Redis is configured to save RDB snapshots, but it cannot persist.'],
    ['LOADING', 'LOADING Redis is loading the dataset in memory'],
    ['a timeout', 'Command timed out'],
  ])('pauses on %s instead of crashing, and acknowledges nothing', async (_what, reply) => {
    const h = harness(() => Promise.reject(storeError(reply)));
    await expect(h.handler(h.batch, h.control)).resolves.toBeUndefined();
    expect(h.events.filter((e) => e !== 'heartbeat')).toEqual(['pause']);
    expect(h.gate.open).toBe(false);
    expect(h.gate.state.reason).toMatch(
      /^FS_REDIS_UNAVAILABLE: labels: Redis is unavailable \(FS_FEATURE_STORE_(UNAVAILABLE|TIMEOUT): applyLabels/,
    );
    expect(h.resolved).toEqual([]);
    expect(h.deadLetters).toEqual([]);
    // Fetched again while paused: left alone.
    await h.handler(h.batch, h.control);
    expect(h.resolved).toEqual([]);
    h.gate.stop();
  });

  it('dead-letters only the label a script error keeps failing, and goes on', async () => {
    const applied = new Set<string>();
    const h = harness((labels) => {
      if (labels.some((l) => l.transaction_id === 'b'))
        return Promise.reject(storeError('WRONGTYPE Operation against a key'));
      labels.forEach((l) => applied.add(l.transaction_id));
      return Promise.resolve();
    });
    await h.handler(h.batch, h.control);
    expect([...applied].sort()).toEqual(['a', 'c']);
    expect(h.deadLetters.map((d) => [d.record.offset, d.code])).toEqual([
      ['1', 'FS_FEATURE_STORE_SCRIPT'],
    ]);
    expect(h.resolved).toEqual(['2']);
    expect(h.events.filter((e) => e !== 'heartbeat')).toEqual([]);
    h.gate.stop();
  });

  it('pauses when Redis becomes unavailable while labels are applied one by one', async () => {
    let calls = 0;
    const h = harness(() => {
      calls += 1;
      return Promise.reject(storeError(calls === 1 ? 'ERR Error running script: oops' : OOM));
    });
    await h.handler(h.batch, h.control);
    expect(h.events.filter((e) => e !== 'heartbeat')).toEqual(['pause']);
    expect(h.deadLetters).toEqual([]);
    expect(h.resolved).toEqual([]);
    h.gate.stop();
  });

  it('tries the same labels again with backoff when dead-lettering fails in Kafka, and never crashes', async () => {
    const applied = recorder(() => undefined);
    let sends = 0;
    const h = harness(
      (labels) =>
        labels.some((l) => l.transaction_id === 'b')
          ? Promise.reject(storeError('WRONGTYPE Operation against a key'))
          : applied.apply(labels),
      {
        sendDeadLetters: () => {
          sends += 1;
          return sends <= 3
            ? Promise.reject(
                new TransientStageError('FS_PRODUCE_FAILED', 'producing dead letters failed'),
              )
            : Promise.resolve();
        },
      },
    );
    await expect(h.handler(h.batch, h.control)).resolves.toBeUndefined();
    // Four attempts at the same chunk, each applying the same labels again (idempotent).
    expect(applied.calls).toEqual([['a'], ['c'], ['a'], ['c'], ['a'], ['c'], ['a'], ['c']]);
    expect(h.retries).toEqual(['FS_PRODUCE_FAILED', 'FS_PRODUCE_FAILED', 'FS_PRODUCE_FAILED']);
    // Full jitter under caps of 100, 200, then the 250 maximum, waited in heartbeat slices.
    expect(h.waits).toEqual([99, 100, 99, 100, 100, 49]);
    expect(h.events.filter((e) => e === 'heartbeat')).toHaveLength(7);
    expect(h.deadLetters.map((d) => [d.record.offset, d.code])).toEqual([
      ['1', 'FS_FEATURE_STORE_SCRIPT'],
    ]);
    expect(h.counted).toEqual(['FS_FEATURE_STORE_SCRIPT']);
    expect(h.resolved).toEqual(['2']);
    expect(h.gate.open).toBe(true);
    h.gate.stop();
  });

  it.each([
    ['a Kafka connection error', Object.assign(new Error('Connection error'), { retriable: true })],
    ['a typed retriable error', new TransientStageError('FS_FEATURES_FAILED', 'round trip failed')],
  ])('retries the chunk on %s from applying labels, without pausing', async (_what, error) => {
    const applied = recorder((call) => (call <= 2 ? error : undefined));
    const h = harness(applied.apply);
    await h.handler(h.batch, h.control);
    expect(applied.calls).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
    expect(h.retries).toHaveLength(2);
    expect(h.resolved).toEqual(['2']);
    expect(h.deadLetters).toEqual([]);
    expect(h.events).not.toContain('pause');
    h.gate.stop();
  });

  it('waits for a registry that cannot be reached instead of dead-lettering the labels', async () => {
    let decodes = 0;
    const applied = recorder(() => undefined);
    const h = harness(applied.apply, {
      decode: (values) => {
        decodes += 1;
        return Promise.resolve(
          values.map((v) =>
            decodes === 1 && String(v) === 'b'
              ? {
                  ok: false as const,
                  error: {
                    code: 'FS_REGISTRY_UNAVAILABLE',
                    message: 'GET failed',
                    retriable: true,
                  },
                }
              : { ok: true as const, value: label(String(v)) },
          ),
        );
      },
    });
    await h.handler(h.batch, h.control);
    expect(h.retries).toEqual(['FS_REGISTRY_UNAVAILABLE']);
    // Nothing applied while the chunk could not be decoded whole; then all of it, in order.
    expect(applied.calls).toEqual([['a', 'b', 'c']]);
    expect(h.deadLetters).toEqual([]);
    expect(h.resolved).toEqual(['2']);
    h.gate.stop();
  });

  it('dead-letters an undecodable label record and counts it', async () => {
    const applied = recorder(() => undefined);
    const h = harness(applied.apply, {
      decode: (values) =>
        Promise.resolve(
          values.map((v) =>
            String(v) === 'c'
              ? {
                  ok: false as const,
                  error: { code: 'FS_DECODE_MAGIC_BYTE', message: 'not Avro', retriable: false },
                }
              : { ok: true as const, value: label(String(v)) },
          ),
        ),
    });
    await h.handler(h.batch, h.control);
    expect(applied.calls).toEqual([['a', 'b']]);
    expect(h.deadLetters.map((d) => [d.record.offset, d.code])).toEqual([
      ['2', 'FS_DECODE_MAGIC_BYTE'],
    ]);
    expect(h.counted).toEqual(['FS_DECODE_MAGIC_BYTE']);
    expect(h.retries).toEqual([]);
    expect(h.resolved).toEqual(['2']);
    h.gate.stop();
  });

  it('leaves the chunk in Kafka when the consumer stops while it waits to retry', async () => {
    let running = true;
    const applied = recorder(() => {
      running = false;
      return new TransientStageError('FS_FEATURES_FAILED', 'round trip failed');
    });
    const h = harness(applied.apply, { isRunning: () => running });
    await expect(h.handler(h.batch, h.control)).resolves.toBeUndefined();
    expect(applied.calls).toHaveLength(1);
    expect(h.retries).toEqual(['FS_FEATURES_FAILED']);
    expect(h.resolved).toEqual([]);
    expect(h.deadLetters).toEqual([]);
    h.gate.stop();
  });

  it("throws a bug (a non-retriable error that is no label's fault) instead of retrying it", async () => {
    const h = harness(() => Promise.resolve(), {
      decode: () => Promise.reject(new TypeError('values.map is not a function')),
    });
    await expect(h.handler(h.batch, h.control)).rejects.toThrow(TypeError);
    expect(h.retries).toEqual([]);
    expect(h.resolved).toEqual([]);
    h.gate.stop();
  });
});
