// Micro-benchmark: Avro (AvroSerde, Confluent framing, embedded registry) against JSON on the
// same objects, records per second for encode and decode of Transaction and Verdict. A and B
// alternate within each round, so machine noise hits both; we report medians over the rounds
// and the Avro/JSON ratio measured in the same run (docs/benchmarks.md).
//
//   npm run bench -w @fraudstream/schemas -- [--smoke] [--out reports/] [--rounds 15] [--records 20000]
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  flag,
  int,
  optionalFlag,
  readFlags,
  commandHelp,
  switchFlag,
  text,
  UsageError,
} from '@fraudstream/settings';
import { createEmbeddedRegistry } from '../embedded-registry';
import type { Transaction, Verdict } from '../record-types';
import { sampleTransaction, sampleVerdict } from '../sample-records';
import { AvroSerde } from '../serde';

interface CaseResult {
  record: 'Transaction' | 'Verdict';
  operation: 'encode' | 'decode';
  avroRecordsPerSecond: number;
  jsonRecordsPerSecond: number;
  /** Avro records/s divided by JSON records/s: above 1 means Avro is faster. */
  ratio: number;
  avroRoundsRecordsPerSecond: number[];
  jsonRoundsRecordsPerSecond: number[];
}

// Keeps results alive so the JIT cannot drop the work being measured.
let sink = 0;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function timeRecordsPerSecond(count: number, fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  const ns = Number(process.hrtime.bigint() - start);
  return (count / ns) * 1e9;
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  let commit: string | null = null;
  try {
    commit = execSync('git rev-parse HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    commit = null; // not a git checkout, or no commit yet
  }
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    gitCommit: commit,
  };
}

/** The benchmark's flags, declared once: parsing and `--help` come from here. */
const SERDE_BENCH_FLAGS = {
  smoke: switchFlag('smoke', 'a few rounds of few records (keeps the code working)'),
  out: flag('out', text(/\S/, 'a directory'), 'reports', 'where the .json and .md reports go'),
  rounds: optionalFlag('rounds', int({ min: 1 }), 'A/B rounds (default 15; --smoke: 3)'),
  records: optionalFlag(
    'records',
    int({ min: 1 }),
    'records per round (default 20000; --smoke: 2000)',
  ),
};

async function main(): Promise<void> {
  const { values, help } = readFlags(SERDE_BENCH_FLAGS, process.argv.slice(2));
  if (help) {
    console.log(
      commandHelp(
        'npm run bench -w @fraudstream/schemas -- [options]',
        'Avro against JSON: records per second for encode and decode, medians over A/B rounds.',
        SERDE_BENCH_FLAGS,
      ),
    );
    return;
  }
  const rounds = values.rounds ?? (values.smoke ? 3 : 15);
  const count = values.records ?? (values.smoke ? 2_000 : 20_000);

  const serde = new AvroSerde(createEmbeddedRegistry());
  await serde.prepare(['Transaction', 'Verdict']);
  const transactions: Transaction[] = Array.from({ length: count }, (_, i) => sampleTransaction(i));
  const verdicts: Verdict[] = Array.from({ length: count }, (_, i) => sampleVerdict(i));

  const results: CaseResult[] = [];
  const sizes: Record<string, { avroBytes: number; jsonBytes: number }> = {};
  for (const [record, objects] of [
    ['Transaction', transactions],
    ['Verdict', verdicts],
  ] as const) {
    const avroEncoded = objects.map((o) => serde.encodeSync(record, o as never));
    const jsonEncoded = objects.map((o) => Buffer.from(JSON.stringify(o)));
    sizes[record] = {
      avroBytes: Math.round(avroEncoded.reduce((s, b) => s + b.length, 0) / count),
      jsonBytes: Math.round(jsonEncoded.reduce((s, b) => s + b.length, 0) / count),
    };
    // Warm both paths (JIT, resolver caches) before measuring.
    for (let i = 0; i < Math.min(count, 2000); i++) {
      sink += serde.encodeSync(record, objects[i] as never).length;
      sink += Buffer.from(JSON.stringify(objects[i])).length;
      sink += serde.decodeSync(avroEncoded[i], record).schemaId;
      sink +=
        (JSON.parse((jsonEncoded[i] as Buffer).toString('utf8')) as { score?: number }).score ?? 1;
    }
    const cases = {
      encode: {
        avro: () => {
          for (const o of objects) sink += serde.encodeSync(record, o as never).length;
        },
        json: () => {
          // Kafka carries bytes, so JSON pays for the Buffer as Avro does.
          for (const o of objects) sink += Buffer.from(JSON.stringify(o)).length;
        },
      },
      decode: {
        avro: () => {
          for (const b of avroEncoded) sink += serde.decodeSync(b, record).schemaId;
        },
        json: () => {
          for (const b of jsonEncoded) sink += (JSON.parse(b.toString('utf8')) as object) ? 1 : 0;
        },
      },
    };
    for (const operation of ['encode', 'decode'] as const) {
      const avroRounds: number[] = [];
      const jsonRounds: number[] = [];
      for (let r = 0; r < rounds; r++) {
        // Alternate which goes first, so neither always runs on a warmer or cooler machine.
        if (r % 2 === 0) {
          avroRounds.push(timeRecordsPerSecond(count, cases[operation].avro));
          jsonRounds.push(timeRecordsPerSecond(count, cases[operation].json));
        } else {
          jsonRounds.push(timeRecordsPerSecond(count, cases[operation].json));
          avroRounds.push(timeRecordsPerSecond(count, cases[operation].avro));
        }
      }
      const avro = median(avroRounds);
      const json = median(jsonRounds);
      results.push({
        record,
        operation,
        avroRecordsPerSecond: Math.round(avro),
        jsonRecordsPerSecond: Math.round(json),
        ratio: Number((avro / json).toFixed(3)),
        avroRoundsRecordsPerSecond: avroRounds.map(Math.round),
        jsonRoundsRecordsPerSecond: jsonRounds.map(Math.round),
      });
    }
  }

  const report = {
    benchmark: 'schemas-serde',
    createdAt: new Date().toISOString(),
    parameters: { smoke: values.smoke, rounds, recordsPerRound: count },
    machine: machine(),
    sizes,
    results,
    sink: sink % 7, // printed so the work is observable; meaningless otherwise
  };

  const lines = [
    `# Avro vs JSON serde benchmark${values.smoke ? ' (smoke)' : ''}`,
    '',
    `${String(report.machine['cores'])} cores, ${String(report.machine['cpuModel'])}, Node ${process.version}; ` +
      `${rounds} rounds of ${count} records, A/B alternating, medians.`,
    '',
    '| record | operation | Avro rec/s | JSON rec/s | Avro / JSON |',
    '| --- | --- | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.record} | ${r.operation} | ${r.avroRecordsPerSecond.toLocaleString('en-US')} | ${r.jsonRecordsPerSecond.toLocaleString('en-US')} | ${r.ratio.toFixed(2)} |`,
    ),
    '',
    '| record | Avro bytes (framed) | JSON bytes |',
    '| --- | ---: | ---: |',
    ...Object.entries(sizes).map(
      ([record, s]) => `| ${record} | ${s.avroBytes} | ${s.jsonBytes} |`,
    ),
    '',
  ];
  const outDir = path.resolve(values.out);
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.join(
    outDir,
    values.smoke ? 'schemas-serde-bench-smoke' : 'schemas-serde-bench',
  );
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(`${base}.md`, lines.join('\n'));
  console.log(lines.join('\n'));
  console.log(`wrote ${base}.json and ${base}.md`);
}

main().catch((err: unknown) => {
  // A bad flag is the user's to fix: its code and message, exit 2; anything else with its stack.
  if (err instanceof UsageError) {
    console.error(`${err.code}: ${err.message}`);
    process.exitCode = 2;
    return;
  }
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
