import type { AvroSerde } from '@fraudstream/schemas';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { SchemasCodec } from '../adapters/schemas-codec';
import { createDecodeStage } from '../pipeline/decode-stage';
import { createFeatureStage } from '../pipeline/feature-stage';
import { ScoringPipeline } from '../pipeline/pipeline';
import { createPublishStage } from '../pipeline/publish-stage';
import { createScoreStage } from '../pipeline/score-stage';
import { initTelemetry } from '../telemetry';
import {
  encodedTransaction,
  fakeModel,
  MemoryFeatures,
  RecordingRetrySink,
  RecordingSession,
  sourceRecords,
  testSerde,
} from '../testing/fakes';
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
});
