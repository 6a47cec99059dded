// The copy loop a worker runs — consume a batch, produce one record per consumed record with
// acks=all on an idempotent producer, move the committed position past the batch once Kafka
// acknowledged the copies — timed on three paths over the same pre-produced records: kafkajs and
// librdkafka's KafkaJS-compatible API (both through the worker's seam), and librdkafka's native
// API (node-rdkafka's consume(n) loop and delivery reports). The paths take turns, the order
// rotating every round, so a noisy machine slows all of them alike.
import { once } from 'node:events';
import { KafkaConsumer, Producer, type Message } from '@confluentinc/kafka-javascript';
import { SILENT_LOGGER } from '@fraudstream/workers';
import {
  createKafkaClient,
  type KafkaClientName,
  type OutboundMessage,
} from '@fraudstream/workers/kafka';
import { createKafka } from '../load/kafka-clients';
import { median } from '../bench/bench-result';

/** A way to run the copy loop. */
export type KafkaApiPath = 'kafkajs' | 'librdkafka_compat' | 'librdkafka_native';

/** Every path, in the order of the first round. */
export const KAFKA_API_PATHS: readonly KafkaApiPath[] = [
  'kafkajs',
  'librdkafka_compat',
  'librdkafka_native',
];

/** Options of {@link runKafkaApiBench}. */
export interface KafkaApiBenchOptions {
  readonly brokers: readonly string[];
  /** Records copied per round. */
  readonly records: number;
  readonly recordBytes: number;
  readonly partitions: number;
  readonly rounds: number;
  /** Most records per handler call / consume(n) call. */
  readonly batchSize: number;
}

/** Defaults of {@link KafkaApiBenchOptions} (brokers come from the environment). */
export const DEFAULT_KAFKA_API_BENCH_OPTIONS: Omit<KafkaApiBenchOptions, 'brokers'> = {
  records: 50_000,
  recordBytes: 200,
  partitions: 12,
  rounds: 5,
  batchSize: 500,
};

/** --smoke: seconds, to keep the code working. */
export const SMOKE_KAFKA_API_BENCH_OPTIONS: Partial<KafkaApiBenchOptions> = {
  records: 2_000,
  rounds: 1,
};

/** One path's medians. */
export interface KafkaApiRow {
  readonly path: KafkaApiPath;
  /** Records copied per second of wall time, from the first record consumed to the last ack. */
  readonly recordsPerS: number;
  /** CPU time of this process per record copied, µs (user + system; librdkafka's threads included). */
  readonly cpuUsPerRecord: number;
  /** This path's time over kafkajs', median of the per-round ratios. */
  readonly timeVsKafkajs: number;
  readonly rounds: number;
}

/** What {@link runKafkaApiBench} measured. */
export interface KafkaApiBenchResult {
  readonly options: KafkaApiBenchOptions;
  readonly rows: readonly KafkaApiRow[];
}

interface RoundSample {
  readonly wallMs: number;
  readonly cpuUs: number;
}

/** Runs every path `rounds` times over the same records; topics are created and deleted here. */
export async function runKafkaApiBench(
  options: KafkaApiBenchOptions,
  log: (line: string) => void = () => undefined,
): Promise<KafkaApiBenchResult> {
  const suffix = `${Date.now().toString(36)}-${process.pid}`;
  const source = `bench-kafka-api-in-${suffix}`;
  const sink = `bench-kafka-api-out-${suffix}`;
  const admin = createKafka(`bench-kafka-api-admin-${suffix}`, options.brokers, true).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: source, numPartitions: options.partitions },
        { topic: sink, numPartitions: options.partitions },
      ],
    });
    await fillSource(options, source);
    log(`kafka-api: ${options.records} records of ${options.recordBytes} B on ${source}`);
    const samples = new Map<KafkaApiPath, RoundSample[]>(KAFKA_API_PATHS.map((p) => [p, []]));
    for (let round = 0; round < options.rounds; round += 1) {
      // Rotate the order so no path always runs first (a cold page cache) or last.
      const order = KAFKA_API_PATHS.map(
        (_, i) => KAFKA_API_PATHS[(i + round) % KAFKA_API_PATHS.length] as KafkaApiPath,
      );
      for (const path of order) {
        const group = `bench-kafka-api-${path}-${round}-${suffix}`;
        const sample = await COPY_LOOPS[path](options, source, sink, group);
        samples.get(path)?.push(sample);
        log(
          `kafka-api: round ${round + 1}/${options.rounds} ${path}: ${Math.round((options.records / sample.wallMs) * 1000)} records/s`,
        );
      }
    }
    return { options, rows: summarise(options.records, samples) };
  } finally {
    await admin.deleteTopics({ topics: [source, sink] }).catch((error: unknown) => {
      log(`kafka-api: could not delete the topics (${String(error)}); delete ${source}, ${sink}`);
    });
    await admin.disconnect();
  }
}

/** Medians per path, and each path's time relative to kafkajs' in the same round. */
export function summarise(
  records: number,
  samples: ReadonlyMap<KafkaApiPath, readonly RoundSample[]>,
): KafkaApiRow[] {
  const base = samples.get('kafkajs') ?? [];
  return KAFKA_API_PATHS.map((path) => {
    const own = samples.get(path) ?? [];
    return {
      path,
      recordsPerS: median(own.map((s) => (records / s.wallMs) * 1000)),
      cpuUsPerRecord: median(own.map((s) => s.cpuUs / records)),
      timeVsKafkajs: median(own.map((s, i) => s.wallMs / (base[i]?.wallMs ?? NaN))),
      rounds: own.length,
    };
  });
}

async function fillSource(options: KafkaApiBenchOptions, topic: string): Promise<void> {
  const client = await createKafkaClient('librdkafka', {
    clientId: 'bench-kafka-api-fill',
    brokers: options.brokers,
    logger: SILENT_LOGGER,
    logLevel: 'error',
  });
  const producer = await client.producer();
  const value = Buffer.alloc(options.recordBytes, 7);
  try {
    for (let sent = 0; sent < options.records; sent += 5_000) {
      const n = Math.min(5_000, options.records - sent);
      const messages: OutboundMessage[] = Array.from({ length: n }, (_, i) => ({
        key: `k${sent + i}`,
        value,
        headers: {},
      }));
      await producer.send([{ topic, messages }]);
    }
  } finally {
    await producer.disconnect();
  }
}

type CopyLoop = (
  options: KafkaApiBenchOptions,
  source: string,
  sink: string,
  group: string,
) => Promise<RoundSample>;

/** Times from the first consumed record to the last acknowledged copy. */
class CopyClock {
  private startedAt = 0;
  private cpuAtStart: NodeJS.CpuUsage = process.cpuUsage();
  private copied = 0;
  private readonly done: Promise<RoundSample>;
  private finish: (sample: RoundSample) => void = () => undefined;

  constructor(private readonly total: number) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** A batch arrived. */
  consumed(): void {
    if (this.startedAt === 0) {
      this.startedAt = performance.now();
      this.cpuAtStart = process.cpuUsage();
    }
  }

  /** `n` copies were acknowledged. */
  acked(n: number): void {
    this.copied += n;
    if (this.copied >= this.total) {
      const cpu = process.cpuUsage(this.cpuAtStart);
      this.finish({ wallMs: performance.now() - this.startedAt, cpuUs: cpu.user + cpu.system });
    }
  }

  /** Resolves when every record was copied. */
  get finished(): Promise<RoundSample> {
    return this.done;
  }
}

/** kafkajs or librdkafka's KafkaJS-compatible API, through the worker's seam. */
function seamLoop(name: KafkaClientName): CopyLoop {
  return async (options, source, sink, group) => {
    const client = await createKafkaClient(name, {
      clientId: `bench-kafka-api-${name}`,
      brokers: options.brokers,
      logger: SILENT_LOGGER,
      logLevel: 'error',
    });
    const producer = await client.producer();
    const consumer = client.consumer({
      groupId: group,
      topic: source,
      partitionsConsumedConcurrently: options.partitions,
      maxBatchSize: options.batchSize,
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3_000,
      fetchMaxWaitMs: 100,
      maxBytesPerPartition: 1_048_576,
      commitOffsets: true,
      commitIntervalMs: 1_000,
      onCrash: (error) => {
        throw error;
      },
    });
    const clock = new CopyClock(options.records);
    try {
      await consumer.start(async (batch, control) => {
        clock.consumed();
        for (let i = 0; i < batch.records.length; i += options.batchSize) {
          const chunk = batch.records.slice(i, i + options.batchSize);
          const last = chunk[chunk.length - 1];
          if (last === undefined) return;
          await producer.send([
            {
              topic: sink,
              messages: chunk.map((r) => ({
                key: r.key,
                value: r.value ?? Buffer.alloc(0),
                headers: {},
              })),
            },
          ]);
          control.resolveOffset(last.offset);
          clock.acked(chunk.length);
        }
      });
      return await clock.finished;
    } finally {
      await consumer.stop();
      await producer.disconnect();
    }
  };
}

/** librdkafka's native API: consume(n) in a loop, produce with delivery reports, store offsets. */
const nativeLoop: CopyLoop = async (options, source, sink, group) => {
  const brokers = options.brokers.join(',');
  const producer = new Producer({
    'metadata.broker.list': brokers,
    'enable.idempotence': true,
    acks: -1,
    'linger.ms': 0,
    dr_cb: true,
  });
  const consumer = new KafkaConsumer({
    'metadata.broker.list': brokers,
    'group.id': group,
    'enable.auto.commit': true,
    'enable.auto.offset.store': false,
    'auto.offset.reset': 'earliest',
    'partition.assignment.strategy': 'cooperative-sticky',
  });
  producer.connect();
  consumer.connect();
  await Promise.all([once(producer, 'ready'), once(consumer, 'ready')]);
  // Delivery reports arrive through poll(); 1 ms keeps the ack wait off the measured path.
  producer.setPollInterval(1);
  consumer.setDefaultConsumeTimeout(100);
  const clock = new CopyClock(options.records);
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextOpaque = 0;
  producer.on('delivery-report', (error, report) => {
    const opaque = report.opaque as number;
    const settle = pending.get(opaque);
    pending.delete(opaque);
    if (error) settle?.reject(new Error(`copy not delivered: ${error.message}`, { cause: error }));
    else settle?.resolve();
  });
  const copy = (messages: readonly Message[]): Promise<void> =>
    Promise.all(
      messages.map(
        (m) =>
          new Promise<void>((resolve, reject) => {
            const opaque = (nextOpaque += 1);
            pending.set(opaque, { resolve, reject });
            producer.produce(sink, null, m.value, m.key, null, opaque);
          }),
      ),
    ).then(() => undefined);
  let running = true;
  const loop = (async () => {
    while (running) {
      const messages = await new Promise<Message[]>((resolve, reject) =>
        consumer.consume(options.batchSize, (error, batch) =>
          error
            ? reject(new Error(`consume failed: ${error.message}`, { cause: error }))
            : resolve(batch),
        ),
      );
      if (messages.length === 0) continue;
      clock.consumed();
      await copy(messages);
      const next = new Map<string, { topic: string; partition: number; offset: number }>();
      for (const m of messages)
        next.set(`${m.partition}`, {
          topic: m.topic,
          partition: m.partition,
          offset: m.offset + 1,
        });
      consumer.offsetsStore([...next.values()]);
      clock.acked(messages.length);
    }
  })();
  consumer.subscribe([source]);
  try {
    return await clock.finished;
  } finally {
    running = false;
    await loop;
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
  }
};

const COPY_LOOPS: Readonly<Record<KafkaApiPath, CopyLoop>> = {
  kafkajs: seamLoop('kafkajs'),
  librdkafka_compat: seamLoop('librdkafka'),
  librdkafka_native: nativeLoop,
};
