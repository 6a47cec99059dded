import type { AvroSerde } from '@fraudstream/schemas';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SchemasCodec } from '../adapters/schemas-codec';
import { TransientStageError } from '../errors';
import { createDecodeStage } from '../pipeline/decode-stage';
import { createFeatureStage, type FeatureStage } from '../pipeline/feature-stage';
import { ScoringPipeline } from '../pipeline/pipeline';
import { createPublishStage } from '../pipeline/publish-stage';
import { createScoreStage } from '../pipeline/score-stage';
import { fromRetryJobData, toRetryJobData } from '../retry/retry-job';
import { initTelemetry, type Telemetry } from '../telemetry';
import {
  encodedTransaction,
  fakeModel,
  MemoryFeatures,
  RecordingRetrySink,
  RecordingSession,
  sourceRecords,
  testSerde,
} from '../testing/fakes';
import { sampleTransaction } from '@fraudstream/schemas';
import { telemetryObserver } from './telemetry-observer';

const PRODUCER_TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('telemetryObserver', () => {
  let serde: AvroSerde;
  let codec: SchemasCodec;

  beforeAll(async () => {
    serde = await testSerde();
    codec = await SchemasCodec.create();
  });

  it('continues the producer trace through the stages to the verdict, and counts every transaction', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = initTelemetry({ traceSampleRatio: 1 }, { spanExporter: exporter });
    const pipeline = new ScoringPipeline(
      {
        decode: createDecodeStage(codec),
        features: createFeatureStage({ features: new MemoryFeatures() }),
        score: createScoreStage(),
        publish: createPublishStage({
          encoder: codec,
          topics: { decisions: 'decisions', deadLetters: 'dlq' },
        }),
      },
      telemetryObserver({
        telemetry,
        consumerGroup: 'scoring',
        decisionsTopic: 'decisions',
        deadLetterTopic: 'dlq',
        now: () => 1_700_000_000_050,
      }),
    );
    const records = sourceRecords([
      encodedTransaction(serde, 0),
      encodedTransaction(serde, 1),
      Buffer.from('garbage'),
    ]).map((r) => ({
      ...r,
      headers: { traceparent: Buffer.from(`00-${PRODUCER_TRACE}-b7ad6b7169203331-01`) },
    }));
    const session = new RecordingSession();
    await pipeline.process(records, {
      models: { champion: fakeModel('v7') },
      session,
      retry: new RecordingRetrySink(),
    });
    await telemetry.forceFlush();
    const metrics = await telemetry.renderMetrics();
    // Read before shutdown: the in-memory exporter forgets its spans when shut down.
    const spans = exporter.getFinishedSpans();
    await telemetry.shutdown();

    const names = spans.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'process transactions',
        'decode',
        'features',
        'inference',
        'send decisions',
      ]),
    );
    const transactionSpans = spans.filter(
      (s) => s.name === 'process transactions' && s.spanContext().traceId === PRODUCER_TRACE,
    );
    expect(transactionSpans).toHaveLength(3);
    // The verdict carries the context of its own send span, in the producer's trace.
    const [verdict] = session.messages('decisions');
    const traceparent = String(verdict?.headers.traceparent);
    expect(traceparent).toMatch(new RegExp(`^00-${PRODUCER_TRACE}-[0-9a-f]{16}-01$`));
    expect(traceparent).not.toContain('b7ad6b7169203331');
    expect(metrics).toMatch(
      /fraudstream_verdicts_total\{decision="APPROVE",model_version="v7"\} 2/,
    );
    expect(metrics).toMatch(
      /fraudstream_dead_letters_total\{[^}]*reason="FS_DECODE_MAGIC_BYTE"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/fraudstream_consumed_total\{topic="transactions"\} 3/);
    expect(metrics).toContain('fraudstream_e2e_latency_ms_count 2');
  });

  describe('a retried transaction', () => {
    const traceparent = `00-${PRODUCER_TRACE}-b7ad6b7169203331-01`;
    let exporter: InMemorySpanExporter;
    let telemetry: Telemetry;
    let failFeatures: number;
    let observer: ReturnType<typeof telemetryObserver>;
    let pipeline: ScoringPipeline;

    beforeEach(() => {
      exporter = new InMemorySpanExporter();
      telemetry = initTelemetry({ traceSampleRatio: 1 }, { spanExporter: exporter });
      failFeatures = 0;
      const flaky: FeatureStage = {
        run: (batch) => {
          if (failFeatures > 0) {
            failFeatures -= 1;
            return Promise.reject(new TransientStageError('FS_FEATURES_FAILED', 'injected'));
          }
          return createFeatureStage({ features: new MemoryFeatures() }).run(batch);
        },
      };
      observer = telemetryObserver({
        telemetry,
        consumerGroup: 'scoring',
        decisionsTopic: 'decisions',
        deadLetterTopic: 'dlq',
        retryAttempts: 2,
      });
      pipeline = new ScoringPipeline(
        {
          decode: createDecodeStage(codec),
          features: flaky,
          score: createScoreStage(),
          publish: createPublishStage({
            encoder: codec,
            topics: { decisions: 'decisions', deadLetters: 'dlq' },
          }),
        },
        observer,
      );
    });

    afterEach(async () => {
      await telemetry.shutdown();
    });

    /** The record of attempt 1 from Kafka, and a run of the pipeline on it. */
    function kafkaRecord(): ReturnType<typeof sourceRecords>[number] {
      const [record] = sourceRecords([encodedTransaction(serde, 3)]).map((r) => ({
        ...r,
        headers: { traceparent: Buffer.from(traceparent) },
      }));
      if (record === undefined) throw new Error('no record');
      return record;
    }

    /** A retry sink that stores each job as BullRetryQueue does, with the attempt's context. */
    class JobSink extends RecordingRetrySink {
      readonly jobs: ReturnType<typeof toRetryJobData>[] = [];
      override enqueue(requests: Parameters<RecordingRetrySink['enqueue']>[0]): Promise<void> {
        for (const { record } of requests) {
          this.jobs.push(
            toRetryJobData(record, 'FS_FEATURES_FAILED', 1, observer.traceContextOf(record)),
          );
        }
        return super.enqueue(requests);
      }
    }

    async function run(
      record: ReturnType<typeof kafkaRecord>,
      session = new RecordingSession(),
    ): Promise<JobSink> {
      const retry = new JobSink();
      await pipeline.process([record], { models: { champion: fakeModel('v7') }, session, retry });
      return retry;
    }

    /** Attempt `attempt` of a job, as the retry processor starts it. */
    function retryOf(
      job: ReturnType<typeof toRetryJobData>,
      attempt: number,
    ): ReturnType<typeof fromRetryJobData> {
      const record = fromRetryJobData(job, attempt, 2);
      if (job.trace !== undefined) observer.continueTrace(record, job.trace);
      return record;
    }

    async function finished(): Promise<ReadableSpan[]> {
      await telemetry.forceFlush();
      return exporter.getFinishedSpans();
    }

    it('continues the failed attempt in its retry, marked with its attempt number', async () => {
      failFeatures = 1;
      const retry = await run(kafkaRecord());
      const [job] = retry.jobs;
      if (job === undefined) throw new Error('no retry job');
      const session = new RecordingSession();
      await run(retryOf(job, 2), session);

      const transactions = (await finished()).filter(
        (s) => s.name === 'process transactions' && s.spanContext().traceId === PRODUCER_TRACE,
      );
      expect(transactions.map((s) => s.attributes['fraudstream.attempt'])).toEqual([1, 2]);
      const [a1, a2] = transactions;
      expect(a1?.status.code).toBe(2);
      expect(a1?.attributes).toMatchObject({
        'error.type': 'FS_FEATURES_FAILED',
        'fraudstream.retry.reason': 'FS_FEATURES_FAILED',
        // The failed attempt names its transaction too, not only the one that ends in a verdict.
        'fraudstream.transaction_id': sampleTransaction(3).transaction_id,
      });
      expect(a2?.attributes['fraudstream.transaction_id']).toBe(
        sampleTransaction(3).transaction_id,
      );
      expect(a2?.status.code).not.toBe(2);
      expect(a1?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(a2?.parentSpanContext?.spanId).toBe(a1?.spanContext().spanId);
      // The job's trace is its own field: the record's headers stay the producer's bytes.
      expect(job.headers).toEqual([['traceparent', Buffer.from(traceparent).toString('base64')]]);
      const verdict = session.messages('decisions')[0];
      expect(String(verdict?.headers.traceparent)).toContain(PRODUCER_TRACE);
      const metrics = await telemetry.renderMetrics();
      expect(metrics).toMatch(/fraudstream_retries_total\{reason="FS_FEATURES_FAILED"\} 1/);
      // Consumed counts Kafka records only, not the retry.
      expect(metrics).toMatch(/fraudstream_consumed_total\{topic="transactions"\} 1/);
    });

    it('does not count the failure of the last attempt as a retry (it is dead-lettered)', async () => {
      failFeatures = 3;
      const [job] = (await run(kafkaRecord())).jobs;
      if (job === undefined) throw new Error('no retry job');
      await run(retryOf(job, 2));
      await run(retryOf(job, 3)); // retryAttempts 2: attempt 3 is the last
      const metrics = await telemetry.renderMetrics();
      expect(metrics).toMatch(/fraudstream_retries_total\{reason="FS_FEATURES_FAILED"\} 2/);
      const last = (await finished()).find((s) => s.attributes['fraudstream.attempt'] === 3);
      expect(last?.status.code).toBe(2);
      expect(last?.attributes['fraudstream.retry.reason']).toBeUndefined();
    });

    it('keeps the attempts of a record without trace context in one trace', async () => {
      failFeatures = 1;
      const retry = await run({ ...kafkaRecord(), headers: {} });
      const [job] = retry.jobs;
      if (job === undefined) throw new Error('no retry job');
      await run(retryOf(job, 2));
      const transactions = (await finished()).filter(
        (s) =>
          s.name === 'process transactions' && s.attributes['fraudstream.attempt'] !== undefined,
      );
      expect(transactions).toHaveLength(2);
      const [a1, a2] = transactions;
      expect(a1?.parentSpanContext).toBeUndefined();
      expect(a2?.spanContext().traceId).toBe(a1?.spanContext().traceId);
      expect(a2?.parentSpanContext?.spanId).toBe(a1?.spanContext().spanId);
    });

    it('sends the dead letter of an exhausted record in a span under its last attempt', async () => {
      failFeatures = 1;
      const last = fromRetryJobData(toRetryJobData(kafkaRecord(), 'FS_FEATURES_FAILED', 1), 4, 2);
      await run(last);
      let sent = false;
      await observer.deadLetter(last, { code: 'FS_RETRY_EXHAUSTED' }, () => {
        sent = true;
        return Promise.resolve();
      });
      expect(sent).toBe(true);
      const spans = await finished();
      const attempt = spans.find((s) => s.name === 'process transactions' && s.parentSpanContext);
      const dlq = spans.find((s) => s.name === 'send dlq');
      expect(dlq?.spanContext().traceId).toBe(PRODUCER_TRACE);
      expect(dlq?.parentSpanContext?.spanId).toBe(attempt?.spanContext().spanId);
      expect(dlq?.attributes).toMatchObject({
        'fraudstream.attempt': 4,
        'fraudstream.dead_letter.reason': 'FS_RETRY_EXHAUSTED',
        'messaging.destination.name': 'dlq',
      });
    });

    it('counts a failed dead-letter send as a Kafka error and marks its span', async () => {
      const record = kafkaRecord();
      const failure = new TransientStageError('FS_PRODUCE_FAILED', 'broker gone');
      await expect(
        observer.deadLetter(record, { code: 'FS_RETRY_EXHAUSTED' }, () => Promise.reject(failure)),
      ).rejects.toBe(failure);
      const dlq = (await finished()).find((s) => s.name === 'send dlq');
      expect(dlq?.status.code).toBe(2);
      // No attempt span seen for this record: the span continues the record's own context.
      expect(dlq?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(await telemetry.renderMetrics()).toMatch(
        /fraudstream_errors_total\{component="kafka",code="FS_PRODUCE_FAILED"\} 1/,
      );
    });

    it('counts a failed produce of verdicts as a Kafka error', async () => {
      const session = new RecordingSession();
      session.failSend = Object.assign(new Error('Broker not available'), {
        name: 'KafkaJSProtocolError',
        type: 'BROKER_NOT_AVAILABLE',
        retriable: true,
      });
      const retry = await run(kafkaRecord(), session);
      expect(retry.requests).toHaveLength(1);
      const metrics = await telemetry.renderMetrics();
      expect(metrics).toMatch(
        /fraudstream_errors_total\{component="kafka",code="FS_PRODUCE_FAILED"\} 1/,
      );
    });

    it('counts a failed commit as a Kafka error under its kafkajs type', async () => {
      const session = new RecordingSession();
      session.commit = () =>
        Promise.reject(
          Object.assign(new Error('not coordinator'), {
            name: 'KafkaJSProtocolError',
            type: 'NOT_COORDINATOR',
          }),
        );
      await expect(run(kafkaRecord(), session)).rejects.toThrow('not coordinator');
      expect(await telemetry.renderMetrics()).toMatch(
        /fraudstream_errors_total\{component="kafka",code="NOT_COORDINATOR"\} 1/,
      );
    });
  });
});
