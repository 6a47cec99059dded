import {
  AvroSerde,
  createEmbeddedRegistry,
  sampleDeadLetter,
  sampleVerdict,
} from '@fraudstream/schemas';
import { AvroLoadCodec, readDecisionValue } from './avro-load-codec';

describe('AvroLoadCodec', () => {
  const tx = {
    transaction_id: 'lg-a-1',
    event_time: 1_700_000_000_000,
    customer_id: '42',
    terminal_id: '7',
    amount_minor: 1999,
    currency: 'EUR',
  };

  it('encodes transactions a passthrough copy of which reads back as COPY', async () => {
    const codec = await new AvroLoadCodec().prepare();
    const bytes = codec.encodeTransaction(tx);
    expect(bytes[0]).toBe(0);
    await expect(codec.readDecision(bytes)).resolves.toEqual({
      transactionId: 'lg-a-1',
      band: 'COPY',
    });
    const serde = new AvroSerde(createEmbeddedRegistry());
    expect((await serde.decode(bytes, 'Transaction')).value).toMatchObject(tx);
  });

  it('reads verdicts and dead letters written by others', async () => {
    const codec = await new AvroLoadCodec().prepare();
    const serde = new AvroSerde(createEmbeddedRegistry());
    const verdict = await serde.encode(
      'Verdict',
      sampleVerdict(3, { transaction_id: 'lg-a-3', decision: 'REVIEW' }),
    );
    const read = await codec.readDecision(verdict);
    expect(read).toMatchObject({ transactionId: 'lg-a-3', band: 'REVIEW' });
    expect(read.worker?.scoredAtMs).toBeGreaterThanOrEqual(read.worker?.receivedAtMs ?? Infinity);
    const dead = await serde.encode('DeadLetter', {
      ...sampleDeadLetter(1),
      original_value: codec.encodeTransaction(tx),
      reason_code: 'FS_INVALID_AMOUNT',
    });
    await expect(codec.readDeadLetter(dead)).resolves.toMatchObject({
      transactionId: 'lg-a-1',
      reasonCode: 'FS_INVALID_AMOUNT',
    });
    const garbage = await serde.encode('DeadLetter', {
      ...sampleDeadLetter(1),
      original_value: Buffer.from('junk'),
    });
    await expect(codec.readDeadLetter(garbage)).resolves.toMatchObject({
      transactionId: undefined,
    });
    // By reference: no value, but its position and the key's sha256 still name the record.
    const byReference = await serde.encode('DeadLetter', {
      ...sampleDeadLetter(1),
      original_value: null,
      source_partition: 5,
      original_key_sha256: 'ab'.repeat(32),
      reason_code: 'FS_RECORD_TOO_LARGE',
    });
    await expect(codec.readDeadLetter(byReference)).resolves.toMatchObject({
      transactionId: undefined,
      reasonCode: 'FS_RECORD_TOO_LARGE',
      sourcePartition: 5,
      keySha256: 'ab'.repeat(32),
    });
  });

  it('encodes labels', async () => {
    const codec = await new AvroLoadCodec().prepare();
    const label = {
      transaction_id: 'lg-a-1',
      customer_id: '42',
      terminal_id: '7',
      is_fraud: true,
      event_time: 1,
      labelled_at: 2,
      source: 'CHARGEBACK' as const,
      fraud_scenario: 2,
    };
    const serde = new AvroSerde(createEmbeddedRegistry());
    expect((await serde.decode(codec.encodeFraudLabel(label), 'FraudLabel')).value).toEqual(label);
  });

  it("reads a verdict's worker timestamps, and none from a copied transaction", () => {
    const verdict = {
      transaction_id: 'x',
      decision: 'REVIEW',
      received_at: 100,
      scored_at: 104,
      model_version: 'model-a',
    };
    expect(readDecisionValue(verdict)).toEqual({
      transactionId: 'x',
      band: 'REVIEW',
      worker: { receivedAtMs: 100, scoredAtMs: 104 },
      modelVersion: 'model-a',
    });
    expect(readDecisionValue({ transaction_id: 'x', event_time: 1 })).toEqual({
      transactionId: 'x',
      band: 'COPY',
    });
  });

  it('refuses records that are neither verdicts nor transactions', () => {
    expect(() => readDecisionValue({ foo: 1 })).toThrow(TypeError);
    expect(() => readDecisionValue({ transaction_id: 'x', decision: 'MAYBE' })).toThrow(
      'decision MAYBE',
    );
  });
});
