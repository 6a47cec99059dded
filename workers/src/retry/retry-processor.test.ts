import type { Job } from 'bullmq';
import type { Producer } from 'kafkajs';
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

  async function processor(): Promise<RetryProcessor> {
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
      sendBatch: ({
        topicMessages,
      }: {
        topicMessages: { topic: string; messages: { headers?: Record<string, unknown> }[] }[];
      }) => {
        for (const t of topicMessages)
          for (const m of t.messages)
            sent.push({
              topic: t.topic,
              reason: m.headers?.['fs-reason-code'] as string | undefined,
            });
        return Promise.resolve([]);
      },
    } as unknown as Producer;
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
    });
  }

  async function job(attemptsMade: number, attempts = 3): Promise<Job<RetryJobData>> {
    const serde = await testSerde();
    const [record] = sourceRecords([encodedTransaction(serde, 1)]);
    if (!record) throw new Error('no record');
    return {
      id: 'transactions:0:0',
      data: toRetryJobData(record, 'FS_FEATURES_FAILED', 5),
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
});
