import { DelayedError, type Job } from 'bullmq';
import type { KafkaProducer } from '../kafka/kafka-client';
import type { TopicMessages } from '../kafka/records';
import { SchemasCodec } from '../adapters/schemas-codec';
import { InternalStageError, RetryJobLostError, TransientStageError } from '../errors';
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
import { toRetryJobData, type RetryJobData, type RetryJobOutcome } from './retry-job';

describe('RetryProcessor.process', () => {
  let sent: { topic: string; reason?: string }[];
  let failures: number;
  /** Verdict sends that throw a TypeError (a bug the pipeline does not classify as transient). */
  let brokenVerdictSends: number;
  let deadLetterCodes: string[];

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
        if (brokenVerdictSends > 0 && topicMessages.some((t) => t.topic === 'decisions')) {
          brokenVerdictSends -= 1;
          return Promise.reject(new TypeError('unexpected bug in the send path'));
        }
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
      onDeadLetter: (code) => deadLetterCodes.push(code),
      ...hooks,
    });
  }

  async function job(
    attemptsMade: number,
    attempts = 3,
    trace?: Record<string, string>,
  ): Promise<Job<RetryJobData> & { outcomes: RetryJobOutcome[] }> {
    const serde = await testSerde();
    const [record] = sourceRecords([encodedTransaction(serde, 1)]);
    if (!record) throw new Error('no record');
    const outcomes: RetryJobOutcome[] = [];
    return {
      id: 'transactions:0:0',
      data: toRetryJobData(record, 'FS_FEATURES_FAILED', 5, trace),
      attemptsMade,
      opts: { attempts },
      outcomes,
      updateData(data: RetryJobData) {
        if (data.outcome) outcomes.push(data.outcome);
        return Promise.resolve();
      },
    } as unknown as Job<RetryJobData> & { outcomes: RetryJobOutcome[] };
  }

  beforeEach(() => {
    sent = [];
    failures = 0;
    brokenVerdictSends = 0;
    deadLetterCodes = [];
  });

  it('produces the verdict when the attempt succeeds, and records it in the job', async () => {
    const p = await processor();
    const j = await job(0);
    await expect(p.process(j)).resolves.toBe('verdict');
    expect(sent).toEqual([{ topic: 'decisions', reason: undefined }]);
    expect(j.outcomes).toMatchObject([{ kind: 'verdict' }]);
  });

  it('produces nothing for a job whose outcome is already recorded (a run after a stall)', async () => {
    const p = await processor();
    const j = await job(1);
    Object.assign(j, { data: { ...j.data, outcome: { kind: 'verdict', at: 1 } } });
    await expect(p.process(j)).resolves.toBe('verdict');
    expect(sent).toEqual([]);
  });

  it('dead-letters any error on the last attempt, not only the transient ones', async () => {
    brokenVerdictSends = 1;
    const p = await processor();
    const j = await job(2);
    await expect(p.process(j)).resolves.toBe('dead-letter');
    expect(sent).toEqual([{ topic: 'dlq', reason: 'FS_RETRY_EXHAUSTED' }]);
    expect(j.outcomes).toMatchObject([{ kind: 'dead-letter', reasonCode: 'FS_RETRY_EXHAUSTED' }]);
    expect(deadLetterCodes).toEqual(['FS_RETRY_EXHAUSTED']);
  });

  it('lets BullMQ retry an unexpected error while attempts remain', async () => {
    brokenVerdictSends = 1;
    const p = await processor();
    await expect(p.process(await job(1))).rejects.toThrow(InternalStageError);
    expect(sent).toEqual([]);
  });

  it('produces nothing once it lost the job lock (frozen past it, job taken over)', async () => {
    const p = await processor();
    const j = await job(0);
    Object.assign(j, { extendLock: () => Promise.resolve(0) });
    await expect(p.process(j, 'token-1')).rejects.toThrow(RetryJobLostError);
    failures = 1;
    const last = await job(2);
    Object.assign(last, { extendLock: () => Promise.resolve(0) });
    await expect(p.process(last, 'token-1')).rejects.toThrow(RetryJobLostError);
    expect(sent).toEqual([]);
    expect([...j.outcomes, ...last.outcomes]).toEqual([]);
  });

  it('extends the lock and produces while it holds it', async () => {
    const p = await processor();
    const j = await job(0);
    const extended: string[] = [];
    Object.assign(j, {
      extendLock: (token: string) => {
        extended.push(token);
        return Promise.resolve(1);
      },
    });
    await expect(p.process(j, 'token-1')).resolves.toBe('verdict');
    expect(extended).toEqual(['token-1']);
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
