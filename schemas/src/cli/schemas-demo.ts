// `fraudstream schemas demo`: the contract end to end, in one screen. Every record through the
// embedded registry (and through a Confluent-compatible registry when one is given), an old
// writer version read by the new reader, validation, and a bad record turned into a dead letter.
import {
  optionalFlag,
  optionalSetting,
  readSettings,
  redactUrl,
  url as urlType,
  type SettingValues,
} from '@fraudstream/settings';
import { createDeadLetter } from '../dead-letter';
import { createEmbeddedRegistry } from '../embedded-registry';
import { isSchemaError } from '../errors';
import type { RecordTypes } from '../record-types';
import { RestSchemaRegistry } from '../rest-registry';
import {
  sampleDeadLetter,
  sampleFraudLabel,
  sampleTransaction,
  sampleVerdict,
} from '../sample-records';
import type { RecordName } from '../schema-catalog';
import { AvroSerde } from '../serde';
import type { SchemaRegistry } from '../types';
import { validateTransaction } from '../validation';

const SAMPLES: { [R in RecordName]: RecordTypes[R] } = {
  Transaction: sampleTransaction(1),
  Verdict: sampleVerdict(1),
  FraudLabel: sampleFraudLabel(1),
  DeadLetter: sampleDeadLetter(1),
};

/** The environment `fraudstream schemas demo` reads (the local stack's env.sh exports it). */
export const SCHEMAS_DEMO_SETTINGS = {
  registryUrl: optionalSetting(
    'FS_REGISTRY_URL',
    urlType(['http', 'https']),
    'the Confluent-compatible registry `fraudstream schemas demo` round-trips through when --registry-url is not given (unset: the embedded registry only)',
    { secret: true },
  ),
};

/** The flags of `fraudstream schemas demo`, declared once: parsing, `--help` and the docs. */
export const SCHEMAS_DEMO_FLAGS = {
  // Secret: a registry URL may carry a password; it is shown with the password masked.
  registryUrl: optionalFlag(
    'registry-url',
    urlType(['http', 'https']),
    'a Confluent-compatible registry to round-trip through as well (default FS_REGISTRY_URL; unset: the embedded registry only)',
    { secret: true },
  ),
};

/** Run the demo; exit code 0 when every step behaved as the contract says. */
export async function runDemo(values: SettingValues<typeof SCHEMAS_DEMO_FLAGS>): Promise<number> {
  let failures = 0;
  const expect = (ok: boolean, what: string): void => {
    console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures++;
  };

  const embedded = createEmbeddedRegistry();
  console.log('embedded registry (schemas/avro, no server):');
  await roundTrip(new AvroSerde(embedded), expect);

  const serde = new AvroSerde(embedded);
  console.log('evolution:');
  const v1 = await serde.encode('Transaction', SAMPLES.Transaction, { version: 1 });
  const read = await serde.decode(v1, 'Transaction');
  expect(
    read.schemaId === 101 &&
      read.value.channel === 'UNKNOWN' &&
      read.value.merchant_category === null,
    `Transaction v1 bytes (id ${read.schemaId}) read as v2: channel=${read.value.channel}, merchant_category=${String(read.value.merchant_category)}`,
  );

  console.log('validation:');
  const good = validateTransaction(read.value);
  expect(good.ok, 'sample transaction passes the domain rules');
  const bad = validateTransaction({ ...read.value, amount_minor: -100 });
  expect(
    !bad.ok && bad.error.code === 'FS_INVALID_AMOUNT',
    `negative amount -> ${bad.ok ? 'accepted' : bad.error.code}`,
  );

  console.log('a record we cannot use:');
  const garbage = Buffer.from('{"transaction_id":"tx-1"}');
  try {
    await serde.decode(garbage, 'Transaction');
    expect(false, 'JSON bytes were decoded as Avro');
  } catch (err) {
    if (!isSchemaError(err)) throw err;
    const letter = createDeadLetter(
      {
        topic: 'transactions',
        partition: 3,
        offset: '1234',
        key: 'c-1',
        value: garbage,
        headers: { traceparent: 'x' },
      },
      { reason: err },
    );
    const dlq = await serde.decode(await serde.encode('DeadLetter', letter), 'DeadLetter');
    expect(
      dlq.value.reason_code === 'FS_DECODE_MAGIC_BYTE' &&
        Buffer.compare(dlq.value.original_value ?? Buffer.alloc(0), garbage) === 0,
      `dead letter (schema id ${dlq.schemaId}) keeps the original bytes, reason ${dlq.value.reason_code}, retriable=${String(err.retriable)}`,
    );
  }

  // The environment is read only when the flag is absent; empty counts as unset, and the URL may
  // come from FS_REGISTRY_URL_FILE (it may carry credentials).
  const url = values.registryUrl ?? readSettings(SCHEMAS_DEMO_SETTINGS, process.env).registryUrl;
  if (url !== undefined) {
    console.log(`Confluent-compatible registry at ${redactUrl(url)}:`);
    const rest = new RestSchemaRegistry({ url, timeoutMs: 5000 });
    try {
      await roundTrip(new AvroSerde(rest), expect);
      console.log(`  registry client: ${JSON.stringify(rest.stats())}`);
    } catch (err) {
      expect(false, `registry round trip: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await rest.close();
    }
  } else {
    console.log('(no --registry-url / FS_REGISTRY_URL: skipped the REST registry part)');
  }
  console.log(failures === 0 ? 'demo passed' : `demo FAILED: ${failures} step(s)`);
  return failures === 0 ? 0 : 1;
}

async function roundTrip(
  serde: AvroSerde,
  expect: (ok: boolean, what: string) => void,
): Promise<void> {
  const registry: SchemaRegistry = serde.registry;
  for (const record of Object.keys(SAMPLES) as RecordName[]) {
    const value = SAMPLES[record];
    const bytes = await serde.encode(record, value as never);
    const decoded = await serde.decode(bytes, record);
    const json = Buffer.byteLength(JSON.stringify(value));
    const ok = serde.catalog.latest(record).type.compare(decoded.value, value) === 0;
    expect(
      ok,
      `${record.padEnd(11)} subject ${serde.subjectFor(record)} -> schema id ${decoded.schemaId} (${registry.kind}), ${bytes.length} bytes framed (JSON: ${json})`,
    );
  }
}
