import { toFeatureStoreError } from '@fraudstream/models';
import { RedisGate } from '../consumer/redis-gate';
import type { BatchControl } from '../kafka/kafka-client';
import type { ConsumedBatch } from '../kafka/records';
import type { DeliverySession } from '../pipeline/commit';
import type { FraudLabel } from '../pipeline/contracts';
import type { PublishStage } from '../pipeline/publish-stage';
import type { Rejection } from '../pipeline/types';
import { createLabelBatchHandler, type LabelUpdate } from './label-consumer';

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

/** A label consumer over fakes; `apply` decides what applying a set of labels does. */
function harness(apply: (labels: readonly LabelUpdate[]) => Promise<unknown>) {
  const events: string[] = [];
  const deadLetters: Rejection[] = [];
  const resolved: string[] = [];
  const gate = new RedisGate({
    probe: () => Promise.reject(storeError(OOM)),
    intervalMs: 60_000,
    onClose: () => events.push('pause'),
    onOpen: () => events.push('resume'),
  });
  const publish: PublishStage = {
    run: (_scored, rejected) => {
      deadLetters.push(...rejected);
      return Promise.resolve({ verdicts: [], deadLetters: rejected });
    },
  };
  const handler = createLabelBatchHandler({
    ports: {
      decodeLabels: (values) =>
        Promise.resolve(values.map((v) => ({ ok: true as const, value: label(String(v)) }))),
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
    isRunning: () => true,
    heartbeat: () => Promise.resolve(),
    resolveOffset: (offset) => resolved.push(offset),
  };
  return { handler, batch, control, gate, events, deadLetters, resolved };
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
    expect(h.events).toEqual(['pause']);
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
    expect(h.events).toEqual([]);
    h.gate.stop();
  });

  it('pauses when Redis becomes unavailable while labels are applied one by one', async () => {
    let calls = 0;
    const h = harness(() => {
      calls += 1;
      return Promise.reject(storeError(calls === 1 ? 'ERR Error running script: oops' : OOM));
    });
    await h.handler(h.batch, h.control);
    expect(h.events).toEqual(['pause']);
    expect(h.deadLetters).toEqual([]);
    expect(h.resolved).toEqual([]);
    h.gate.stop();
  });
});
