import { toFeatureStoreError } from '@fraudstream/models';
import type { AvroSerde } from '@fraudstream/schemas';
import { SchemasCodec } from '../adapters/schemas-codec';
import { RedisUnavailableError, TransientStageError } from '../errors';
import {
  encodedTransaction,
  fakeModel,
  MemoryFeatures,
  MemoryLedger,
  RecordingRetrySink,
  RecordingSession,
  sourceRecords,
  testSerde,
} from '../testing/fakes';
import { createDecodeStage } from './decode-stage';
import { createFeatureStage, type FeatureStage } from './feature-stage';
import { ScoringPipeline, wrapStages, type LedgerOptions, type StageWrappers } from './pipeline';
import { createPublishStage } from './publish-stage';
import { HEADERS } from './record-headers';
import { createScoreStage, type ScoreStage } from './score-stage';
import type { SourceRecord } from './types';

const TOPICS = { decisions: 'decisions', deadLetters: 'transactions-dlq' };

describe('ScoringPipeline', () => {
  let serde: AvroSerde;
  let codec: SchemasCodec;

  beforeAll(async () => {
    serde = await testSerde();
    codec = await SchemasCodec.create();
  });

  function build(
    options: {
      features?: MemoryFeatures;
      degraded?: boolean;
      wrappers?: StageWrappers;
      ledger?: LedgerOptions;
    } = {},
  ): {
    pipeline: ScoringPipeline;
    features: MemoryFeatures;
  } {
    const features = options.features ?? new MemoryFeatures();
    const stages = wrapStages(
      {
        decode: createDecodeStage(codec),
        features: createFeatureStage({ features, degradedMode: options.degraded }),
        score: createScoreStage({ now: () => 42 }),
        publish: createPublishStage({ encoder: codec, topics: TOPICS, now: () => 43 }),
      },
      options.wrappers,
    );
    return { pipeline: new ScoringPipeline(stages, undefined, options.ledger), features };
  }

  function verdictsOf(
    session: RecordingSession,
  ): { transaction_id: string; score: number; decision: string; degraded: boolean }[] {
    return session
      .messages(TOPICS.decisions)
      .map((m) => serde.decodeSync(m.value, 'Verdict').value);
  }

  function deadLettersOf(
    session: RecordingSession,
  ): { reason_code: string; source_offset: number; attempt_count: number }[] {
    return session
      .messages(TOPICS.deadLetters)
      .map((m) => serde.decodeSync(m.value, 'DeadLetter').value);
  }

  it('turns every record into a verdict keyed by customer id, then commits once', async () => {
    const { pipeline } = build();
    const records = sourceRecords([0, 1, 2, 3].map((n) => encodedTransaction(serde, n)));
    const session = new RecordingSession();
    const report = await pipeline.process(records, {
      models: { champion: fakeModel() },
      session,
      retry: new RecordingRetrySink(),
    });
    const verdicts = verdictsOf(session);
    expect(verdicts.map((v) => v.transaction_id)).toEqual([
      'tx-000000000',
      'tx-000000001',
      'tx-000000002',
      'tx-000000003',
    ]);
    for (const v of verdicts) {
      expect(v.decision).toBe(v.score >= 0.8 ? 'DECLINE' : v.score >= 0.5 ? 'REVIEW' : 'APPROVE');
    }
    const messages = session.messages(TOPICS.decisions);
    expect(messages[0]?.key).toBe('c-0');
    expect(String(messages[0]?.headers.traceparent)).toMatch(/^00-a{32}/);
    expect(session.commits).toBe(1);
    expect(report).toMatchObject({ redeliver: false, deadLetters: [], retries: [] });
  });

  it('dead-letters garbage, an unknown schema id and an invalid amount with their codes, and scores the rest', async () => {
    const { pipeline } = build();
    const unknownId = Buffer.concat([
      Buffer.from([0, 0, 0, 0x7f, 0x7f]),
      encodedTransaction(serde, 9).subarray(5),
    ]);
    const values = [
      encodedTransaction(serde, 0),
      Buffer.from('not avro at all'),
      encodedTransaction(serde, 1),
      unknownId,
      encodedTransaction(serde, 2, { amount_minor: -5 }),
      encodedTransaction(serde, 3),
    ];
    const session = new RecordingSession();
    await pipeline.process(sourceRecords(values), {
      models: { champion: fakeModel() },
      session,
      retry: new RecordingRetrySink(),
    });
    expect(verdictsOf(session).map((v) => v.transaction_id)).toEqual([
      'tx-000000000',
      'tx-000000001',
      'tx-000000003',
    ]);
    expect(
      deadLettersOf(session).map((d) => [d.source_offset, d.reason_code, d.attempt_count]),
    ).toEqual([
      [1, 'FS_DECODE_MAGIC_BYTE', 1],
      [3, 'FS_DECODE_UNKNOWN_SCHEMA_ID', 1],
      [4, 'FS_INVALID_AMOUNT', 1],
    ]);
    expect(session.messages(TOPICS.deadLetters)[0]?.headers[HEADERS.reasonCode]).toBe(
      'FS_DECODE_MAGIC_BYTE',
    );
  });

  it('dead-letters an oversized record by reference, never retried, and scores the rest', async () => {
    const features = new MemoryFeatures();
    const stages = {
      decode: createDecodeStage(codec, { maxRecordBytes: 2_048 }),
      features: createFeatureStage({ features }),
      score: createScoreStage({ now: () => 42 }),
      publish: createPublishStage({
        encoder: codec,
        topics: TOPICS,
        now: () => 43,
        maxRecordBytes: 2_048,
      }),
    };
    // A valid transaction padded past the limit: its size, not its content, rejects it.
    const padded = Buffer.concat([encodedTransaction(serde, 1), Buffer.alloc(4_000)]);
    const session = new RecordingSession();
    const retry = new RecordingRetrySink();
    const report = await new ScoringPipeline(stages).process(
      sourceRecords([encodedTransaction(serde, 0), padded, encodedTransaction(serde, 2)]),
      { models: { champion: fakeModel() }, session, retry },
    );
    expect(verdictsOf(session).map((v) => v.transaction_id)).toEqual([
      'tx-000000000',
      'tx-000000002',
    ]);
    expect(retry.requests).toEqual([]);
    expect(report.deadLetters.map((d) => d.code)).toEqual(['FS_RECORD_TOO_LARGE']);
    const [letter] = session.messages(TOPICS.deadLetters);
    expect(letter?.headers[HEADERS.reasonCode]).toBe('FS_RECORD_TOO_LARGE');
    expect(serde.decodeSync(letter?.value, 'DeadLetter').value).toMatchObject({
      source_offset: 1,
      original_value: null,
      value_omitted: true,
      original_size_bytes: 5 + padded.length + 11 + 55,
    });
    expect(session.commits).toBe(1);
  });

  it('hands a transient feature failure to the retry queue and still acknowledges the chunk', async () => {
    const failing: StageWrappers = {
      features: (): FeatureStage => ({
        run: () => Promise.reject(new TransientStageError('FS_FEATURES_FAILED', 'timeout')),
      }),
    };
    const { pipeline } = build({ wrappers: failing });
    const retry = new RecordingRetrySink();
    const session = new RecordingSession();
    const values = [
      encodedTransaction(serde, 0),
      Buffer.from('garbage'),
      encodedTransaction(serde, 1),
    ];
    await pipeline.process(sourceRecords(values), {
      models: { champion: fakeModel() },
      session,
      retry,
    });
    expect(retry.requests.map((r) => r.record.offset)).toEqual(['0', '2']);
    expect(deadLettersOf(session).map((d) => d.reason_code)).toEqual(['FS_DECODE_MAGIC_BYTE']);
    expect(session.commits).toBe(1);
  });

  it('acknowledges nothing when Redis is unreachable', async () => {
    const down: StageWrappers = {
      features: (): FeatureStage => ({
        run: () =>
          Promise.reject(
            new RedisUnavailableError('test', { cause: new Error('connect ECONNREFUSED') }),
          ),
      }),
    };
    const { pipeline } = build({ wrappers: down });
    const session = new RecordingSession();
    const retry = new RecordingRetrySink();
    await expect(
      pipeline.process(sourceRecords([encodedTransaction(serde, 0), Buffer.from('garbage')]), {
        models: { champion: fakeModel() },
        session,
        retry,
      }),
    ).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(session.sent).toEqual([]);
    expect(session.commits).toBe(0);
    expect(retry.requests).toEqual([]);
  });

  it.each([
    [
      'OOM',
      "OOM command not allowed when used memory > 'maxmemory'. script: 5849fad0, on @user_script:1.",
    ],
    ['READONLY', "READONLY You can't write against a read only replica."],
    ['a timeout', 'Command timed out'],
  ])('pauses instead of dead-lettering when Redis refuses writes (%s)', async (_what, reply) => {
    const features = new MemoryFeatures();
    // What the models package's Redis store throws for the reply.
    features.computeBatch = () =>
      Promise.reject(
        toFeatureStoreError(
          Object.assign(new Error(reply), { name: 'ReplyError' }),
          'computeBatch',
        ),
      );
    const { pipeline } = build({ features });
    const session = new RecordingSession();
    const retry = new RecordingRetrySink();
    const error: unknown = await pipeline
      .process(sourceRecords([encodedTransaction(serde, 0), encodedTransaction(serde, 1)]), {
        models: { champion: fakeModel() },
        session,
        retry,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as RedisUnavailableError).retriable).toBe(true);
    expect(session.sent).toEqual([]);
    expect(session.commits).toBe(0);
    expect(retry.requests).toEqual([]);
  });

  it('scores from the transaction alone in degraded mode and marks the verdict', async () => {
    const features = new MemoryFeatures();
    features.computeBatch = () =>
      Promise.reject(Object.assign(new Error('Connection is closed.'), {}));
    const { pipeline } = build({ features, degraded: true });
    const session = new RecordingSession();
    await pipeline.process(sourceRecords([encodedTransaction(serde, 0)]), {
      models: { champion: fakeModel() },
      session,
      retry: new RecordingRetrySink(),
    });
    expect(verdictsOf(session)).toEqual([
      expect.objectContaining({ degraded: true, degraded_reason: 'FS_REDIS_UNAVAILABLE' }),
    ]);
  });

  it('isolates a bug to the one record that triggers it', async () => {
    const poisoned = (next: ScoreStage): ScoreStage => ({
      run: (batch, f, m) =>
        batch.some((d) => d.tx.transaction_id === 'tx-000000001')
          ? Promise.reject(new TypeError('boom'))
          : next.run(batch, f, m),
    });
    const { pipeline } = build({ wrappers: { score: poisoned } });
    const session = new RecordingSession();
    await pipeline.process(sourceRecords([0, 1, 2].map((n) => encodedTransaction(serde, n))), {
      models: { champion: fakeModel() },
      session,
      retry: new RecordingRetrySink(),
    });
    expect(verdictsOf(session).map((v) => v.transaction_id)).toEqual([
      'tx-000000000',
      'tx-000000002',
    ]);
    expect(deadLettersOf(session).map((d) => d.reason_code)).toEqual(['FS_INTERNAL']);
  });

  it('sends everything to the retry queue when the produce fails (at-least-once)', async () => {
    const { pipeline } = build();
    const session = new RecordingSession(false);
    session.failSend = new Error('broker gone');
    Object.assign(session.failSend, { retriable: true });
    const retry = new RecordingRetrySink();
    const report = await pipeline.process(
      sourceRecords([encodedTransaction(serde, 0), Buffer.from('x')]),
      {
        models: { champion: fakeModel() },
        session,
        retry,
      },
    );
    expect(retry.requests.map((r) => r.record.offset)).toEqual(['0', '1']);
    expect(session.commits).toBe(1);
    expect(report.verdicts).toEqual([]);
  });

  it('leaves the chunk to Kafka when the produce fails inside a transaction', async () => {
    const { pipeline } = build();
    const session = new RecordingSession(true);
    session.failSend = new Error('fenced');
    const retry = new RecordingRetrySink();
    const report = await pipeline.process(sourceRecords([encodedTransaction(serde, 0)]), {
      models: { champion: fakeModel() },
      session,
      retry,
    });
    expect(report.redeliver).toBe(true);
    expect(session.aborts).toBe(1);
    expect(session.commits).toBe(0);
    expect(retry.requests).toEqual([]);
  });

  it('leaves a transient failure to Kafka inside a transaction, and dead-letters it on the last attempt', async () => {
    const failing: StageWrappers = {
      features: (): FeatureStage => ({
        run: () => Promise.reject(new TransientStageError('FS_FEATURES_FAILED', 'timeout')),
      }),
    };
    const { pipeline } = build({ wrappers: failing });
    const retry = new RecordingRetrySink();
    const records = sourceRecords([encodedTransaction(serde, 0), encodedTransaction(serde, 1)]);

    const first = new RecordingSession(true);
    const models = { champion: fakeModel() };
    const report = await pipeline.process(records, { models, session: first, retry });
    expect(report).toMatchObject({ redeliver: true, redeliverReason: 'transient-failure' });
    expect(first.commits).toBe(0);
    expect(first.messages(TOPICS.deadLetters)).toEqual([]);

    const last = new RecordingSession(true);
    const final = await pipeline.process(records, {
      models,
      session: last,
      retry,
      finalAttempt: true,
    });
    expect(final.redeliver).toBe(false);
    expect(deadLettersOf(last).map((d) => d.reason_code)).toEqual([
      'FS_FEATURES_FAILED',
      'FS_FEATURES_FAILED',
    ]);
    expect(last.commits).toBe(1);
    // No retry job: it would outlive an aborted transaction and score the records twice.
    expect(retry.requests).toEqual([]);
  });

  it('records the challenger in shadow without changing the decision', async () => {
    const { pipeline } = build();
    const session = new RecordingSession();
    const champion = fakeModel('champion', 1e9);
    const challenger = fakeModel('challenger', 1);
    await pipeline.process(sourceRecords([encodedTransaction(serde, 0)]), {
      models: { champion, challenger },
      session,
      retry: new RecordingRetrySink(),
    });
    const [message] = session.messages(TOPICS.decisions);
    expect(verdictsOf(session)[0]).toMatchObject({ decision: 'APPROVE' });
    expect(message?.headers).toMatchObject({
      [HEADERS.challengerVersion]: 'challenger',
      [HEADERS.challengerScore]: '1',
      [HEADERS.challengerDecision]: 'DECLINE',
    });
  });

  it('keeps scoring when the challenger fails', async () => {
    const { pipeline } = build();
    const session = new RecordingSession();
    const challenger = {
      ...fakeModel('challenger'),
      score: () => Promise.reject(new Error('native crash')),
    };
    await pipeline.process(sourceRecords([encodedTransaction(serde, 0)]), {
      models: { champion: fakeModel(), challenger },
      session,
      retry: new RecordingRetrySink(),
    });
    expect(verdictsOf(session)).toHaveLength(1);
    expect(
      session.messages(TOPICS.decisions)[0]?.headers[HEADERS.challengerVersion],
    ).toBeUndefined();
  });

  it('counts a redelivered transaction once and gives it the same verdict', async () => {
    const { pipeline, features } = build();
    const records: SourceRecord[] = sourceRecords([
      encodedTransaction(serde, 0),
      encodedTransaction(serde, 1),
    ]);
    const first = new RecordingSession();
    const again = new RecordingSession();
    const ctx = { models: { champion: fakeModel() }, retry: new RecordingRetrySink() };
    await pipeline.process(records, { ...ctx, session: first });
    await pipeline.process(records, { ...ctx, session: again });
    expect(verdictsOf(again).map((v) => [v.transaction_id, v.score])).toEqual(
      verdictsOf(first).map((v) => [v.transaction_id, v.score]),
    );
    for (const ids of features.counted.values()) expect(ids.size).toBe(1);
  });

  describe('with a delivery ledger (at-least-once)', () => {
    const withLedger = (ledger: MemoryLedger, failures: unknown[] = []): ScoringPipeline =>
      build({ ledger: { ledger, onRecordFailure: (error) => failures.push(error) } }).pipeline;
    const ctx = (session: RecordingSession, retry = new RecordingRetrySink()) => ({
      models: { champion: fakeModel() },
      session,
      retry,
    });
    const records = (): SourceRecord[] =>
      sourceRecords([0, 1, 2, 3].map((n) => encodedTransaction(serde, n)));

    it('answers a redelivered chunk without a second verdict, and commits it', async () => {
      const ledger = new MemoryLedger();
      const pipeline = withLedger(ledger);
      await pipeline.process(records(), ctx(new RecordingSession()));
      expect([...ledger.ids]).toEqual([
        'tx-000000000',
        'tx-000000001',
        'tx-000000002',
        'tx-000000003',
      ]);
      const again = new RecordingSession();
      const report = await pipeline.process(records(), ctx(again));
      expect(again.sent).toEqual([]);
      expect(again.commits).toBe(1);
      expect(report.verdicts).toEqual([]);
      expect(report.alreadyDelivered?.map((d) => d.tx.transaction_id)).toHaveLength(4);
    });

    it('scores only the records of a chunk the ledger does not know', async () => {
      const ledger = new MemoryLedger();
      ledger.ids.add('tx-000000001');
      ledger.ids.add('tx-000000003');
      const session = new RecordingSession();
      await withLedger(ledger).process(records(), ctx(session));
      expect(verdictsOf(session).map((v) => v.transaction_id)).toEqual([
        'tx-000000000',
        'tx-000000002',
      ]);
    });

    it('pauses when the ledger cannot be read because Redis is down, producing nothing', async () => {
      const ledger = new MemoryLedger();
      ledger.failRead = toFeatureStoreError(new Error('Connection is closed.'), 'mget');
      const session = new RecordingSession();
      await expect(withLedger(ledger).process(records(), ctx(session))).rejects.toBeInstanceOf(
        RedisUnavailableError,
      );
      expect(session.sent).toEqual([]);
      expect(session.commits).toBe(0);
    });

    it('sends the chunk to the retry queue when the ledger fails otherwise', async () => {
      const ledger = new MemoryLedger();
      ledger.failRead = new Error('NOPERM this user has no permissions to run the mget command');
      const session = new RecordingSession();
      const retry = new RecordingRetrySink();
      await withLedger(ledger).process(records(), ctx(session, retry));
      expect(session.messages(TOPICS.decisions)).toEqual([]);
      expect(retry.requests.map((r) => (r.error as TransientStageError).code)).toEqual(
        Array(4).fill('FS_DELIVERY_LEDGER'),
      );
      expect(session.commits).toBe(1);
    });

    it('still commits delivered verdicts when the ledger write fails, and says so', async () => {
      const ledger = new MemoryLedger();
      ledger.failRecord = new Error('OOM command not allowed');
      const failures: unknown[] = [];
      const session = new RecordingSession();
      await withLedger(ledger, failures).process(records(), ctx(session));
      expect(verdictsOf(session)).toHaveLength(4);
      expect(session.commits).toBe(1);
      expect(failures).toEqual([ledger.failRecord]);
    });

    it('is not consulted inside a Kafka transaction', async () => {
      const ledger = new MemoryLedger();
      ledger.ids.add('tx-000000000');
      const session = new RecordingSession(true);
      await withLedger(ledger).process(records(), ctx(session));
      expect(ledger.reads).toBe(0);
      expect(verdictsOf(session)).toHaveLength(4);
    });
  });
});
