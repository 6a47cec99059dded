// Kafka clients of the load generator. What it measures with (the transactions and labels
// producers, the verdict reader, the lag sampler) goes through the worker's Kafka seam, on the
// client FS_KAFKA_CLIENT names, so loadgen exercises the same client code as the workers.
// Topic set-up and group inspection for benchmarks (createKafka) stay on kafkajs' admin API:
// tooling the seam does not need to offer the workers.
import { Kafka, logLevel } from 'kafkajs';
import { createJsonLogger } from '@fraudstream/workers';
import {
  applyKafkajsIdleFix,
  checkKafkaSecurity,
  createKafkaClient,
  type KafkaClient,
  type KafkaClientName,
  type KafkaProducer,
  type KafkaSecurity,
} from '@fraudstream/workers/kafka';
import { LoadKafkaError } from '../errors';

/**
 * How long a load generator's send may retry before it fails: about 25 s, long enough for a
 * loaded single-broker machine to elect leaders of new topics, short enough that a run ends and
 * reports the failure when Kafka goes away for good.
 */
export const LOAD_DELIVERY_TIMEOUT_MS = 25_000;

/**
 * A kafkajs client for `brokers`, logging errors only (or nothing: `quiet` for admin clients
 * that poll on purpose until something is ready, whose expected errors would only be noise).
 */
export function createKafka(clientId: string, brokers: readonly string[], quiet = false): Kafka {
  applyKafkajsIdleFix();
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: quiet ? logLevel.NOTHING : logLevel.ERROR,
    connectionTimeout: 3000,
    // About 25 s of retries in all: a loaded single-broker machine can take seconds to elect
    // leaders for new topics or to answer while the worker group rebalances.
    retry: { retries: 8, initialRetryTime: 100 },
  });
}

/**
 * The seam's client `name` for `brokers` (secured by `security`), logging errors as JSON lines on
 * stderr.
 */
export async function createLoadKafka(
  name: KafkaClientName,
  clientId: string,
  brokers: readonly string[],
  security?: KafkaSecurity,
): Promise<KafkaClient> {
  const logger = createJsonLogger({
    level: 'error',
    // stdout may carry a command's `--json`.
    write: (line) => void process.stderr.write(line),
    bindings: { component: 'loadgen-kafka', clientId },
  });
  // Wrong credentials or a broker without TLS stop the run at once, naming the setting.
  if (security !== undefined) await checkKafkaSecurity(brokers, security);
  return createKafkaClient(name, { clientId, brokers, logger, logLevel: 'error', security });
}

/** A connected idempotent producer (acks=all) whose sends give up after LOAD_DELIVERY_TIMEOUT_MS. */
export async function createLoadProducer(
  client: KafkaClient,
  purpose: string,
): Promise<KafkaProducer> {
  try {
    return await client.producer({ deliveryTimeoutMs: LOAD_DELIVERY_TIMEOUT_MS });
  } catch (error) {
    throw new LoadKafkaError(`connect the ${purpose} producer`, error);
  }
}
