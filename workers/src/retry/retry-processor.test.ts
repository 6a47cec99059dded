import { DelayedError, type Job } from 'bullmq';
import type { KafkaProducer } from '../kafka/kafka-client';
import type { TopicMessages } from '../kafka/records';
import { SchemasCodec } from '../adapters/schemas-codec';
import { TransientStageError } from '../errors';
import { createDecodeStage } from '../pipeline/decode-stage';
import { createFeatureStage, type FeatureStage } from '../pipeline/feature-stage';
import { ScoringPipeline } from '../pipeline/pipeline';
import { createPublishStage } from '../pipeline/publish-stage';
import { createScoreStage } from '../pipeline/score-stage';
import {
  encodedTransaction,
  fakeModel,
  MemoryFeatures,
  sourceRecords,
  testSerde,
} from '../testing/fakes';
import { RetryProcessor } from './retry-processor';
import { toRetryJobData, type RetryJobData } from './retry-job';

describe('RetryProcessor.process', () => {
  let sent: { topic: string; reason?: string }[];
  let failures: number;

  type Hooks = Pick<
    ConstructorParameters<typeof RetryProcessor>[0],
    'aroundDeadLetter' | 'continueTrace'
  >;

  async function processor(hooks: Hooks = {}): Promise<RetryProcessor> {
    const codec = await SchemasCodec.create();
    const flaky: FeatureStage = {
      run: (batch) => {
        if (failures > 0) {
          failures -= 1;
          return Promise.reject(new TransientStageError('FS_FEATURES_FAILED', 'timeout'));
        }
        return createFeatureStage({ features: new MemoryFeatures() }).run(batch);
      },
    };
    const pipeline = new ScoringPipeline({
      decode: createDecodeStage(codec),
      features: flaky,
      score: createScoreStage(),
      publish: createPublishStage({
        encoder: codec,
        topics: { decisions: 'decisions', deadLetters: 'dlq' },
      }),
    });
    const producer = {
      send: (topicMessages: readonly TopicMessages[]) => {
        for (const t of topicMessages)
          for (const m of t.messages)
            sent.push({
              topic: t.topic,
              reason: m.headers?.['fs-reason-code'] as string | undefined,
            });
        return Promise.resolve();
      },
      disconnect: () => Promise.resolve(),
    } satisfies KafkaProducer;
    return new RetryProcessor({
      queueName: 'q',
      prefix: 'p',
      connection: {},
      concurrency: 1,
      pipeline,
      models: { acquire: () => ({ models: { champion: fakeModel() }, release: () => undefined }) },
      producer,
      baseDelayMs: 1,
      maxDelayMs: 1,
      ...hooks,
    });
  }

  async function job(
    attemptsMade: number,
    attempts = 3,
    trace?: Record<string, string>,
  ): Promise<Job<RetryJobData>> {
    const serde = await testSerde();
    const [record] = sourceRecords([encodedTransaction(serde, 1)]);
    if (!record) throw new Error('no record');
    return {
      id: 'transactions:0:0',
      data: toRetryJobData(record, 'FS_FEATURES_FAILED', 5, trace),
      attemptsMade,
      opts: { attempts },
    } as unknown as Job<RetryJobData>;
  }

  beforeEach(() => {
    sent = [];
    failures = 0;
  });

  it('produces the verdict when the attempt succeeds', async () => {
    const p = await processor();
    await expect(p.process(await job(0))).resolves.toBe('verdict');
    expect(sent).toEqual([{ topic: 'decisions', reason: undefined }]);
  });

  it('throws to schedule the next attempt while attempts remain', async () => {
    failures = 1;
    const p = await processor();
    await expect(p.process(await job(1))).rejects.toThrow(TransientStageError);
    expect(sent).toEqual([]);
  });

  it('dead-letters the record itself on the last attempt', async () => {
    failures = 1;
    const p = await processor();
    await expect(p.process(await job(2))).resolves.toBe('dead-letter');
    expect(sent).toEqual([{ topic: 'dlq', reason: 'FS_RETRY_EXHAUSTED' }]);
  });

  it('runs the dead letter through aroundDeadLetter (its telemetry span)', async () => {
    failures = 1;
    const seen: { attempt: number; reason: unknown; sentBefore: number }[] = [];
    const p = await processor({
      aroundDeadLetter: async (record, reason, send) => {
        seen.push({ attempt: record.attempt, reason, sentBefore: sent.length });
        await send();
      },
    });
    await expect(p.process(await job(2))).resolves.toBe('dead-letter');
    expect(seen.map((s) => [s.attempt, s.sentBefore])).toEqual([[4, 0]]);
    expect(seen[0]?.reason).toMatchObject({ code: 'FS_RETRY_EXHAUSTED' });
    expect(sent).toEqual([{ topic: 'dlq', reason: 'FS_RETRY_EXHAUSTED' }]);
  });

  it('postpones the last attempt, never fails the job, when the dead letter cannot be produced', async () => {
    failures = 1;
    const p = await processor({
      aroundDeadLetter: () => Promise.reject(new Error('broker unreachable')),
    });
    const delayed: number[] = [];
    const last = await job(2);
    Object.assign(last, {
      moveToDelayed: (at: number) => {
        delayed.push(at);
        return Promise.resolve();
      },
    });
    await expect(p.process(last)).rejects.toThrow(DelayedError);
    expect(delayed).toHaveLength(1);
    expect(sent).toEqual([]);
  });

  it("hands the job's trace context on before the attempt runs", async () => {
    const trace = { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` };
    const told: { attempt: number; trace: Readonly<Record<string, string>>; sent: number }[] = [];
    const p = await processor({
      continueTrace: (record, t) =>
        told.push({ attempt: record.attempt, trace: t, sent: sent.length }),
    });
    await expect(p.process(await job(0, 3, trace))).resolves.toBe('verdict');
    await expect(p.process(await job(0))).resolves.toBe('verdict');
    expect(told).toEqual([{ attempt: 2, trace, sent: 0 }]);
  });
});
