// runLoad against the real Kafka: every transaction it sends gets exactly one verdict matched,
// nothing is lost or duplicated, case management sends labels for the frauds (both routes),
// and the report directory is written. Figures are printed, never asserted (no timing checks).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LoadReport, LoadTopics, TraceSend } from '@fraudstream/loadgen';
import { renderLoadPlots, runLoad, writeLoadReport } from '@fraudstream/loadgen';
import type { FraudLabel } from '@fraudstream/schemas';
import { AvroSerde, createEmbeddedRegistry } from '@fraudstream/schemas';
import type { Admin } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import type { EchoWorkerHandle } from './loadgen-echo-worker';
import { startEchoWorker } from './loadgen-echo-worker';
import { KAFKA_CLIENT } from '../support/services';

const BROKERS = (process.env.FS_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

async function readAll(
  kafka: Kafka,
  topic: string,
  expected: number,
  timeoutMs: number,
): Promise<Buffer[]> {
  const consumer = kafka.consumer({
    groupId: `loadgen-it-read-${randomUUID()}`,
    maxWaitTimeInMs: 100,
  });
  const values: Buffer[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      if (message.value !== null) values.push(message.value);
      return Promise.resolve();
    },
  });
  const deadline = Date.now() + timeoutMs;
  while (values.length < expected && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  // A little longer, so that a label sent twice would be seen.
  await new Promise((r) => setTimeout(r, 500));
  await consumer.disconnect();
  return values;
}

describe('loadgen: runLoad against the real Kafka', () => {
  const id = randomUUID().slice(0, 8);
  const topics: LoadTopics = {
    transactions: `loadgen-it-${id}-transactions`,
    decisions: `loadgen-it-${id}-decisions`,
    labels: `loadgen-it-${id}-labels`,
    deadLetters: `loadgen-it-${id}-dlq`,
  };
  const topicNames = [topics.transactions, topics.decisions, topics.labels, topics.deadLetters];
  const groupId = `loadgen-it-${id}-workers`;
  const kafka = new Kafka({ clientId: 'loadgen-it', brokers: BROKERS, logLevel: logLevel.NOTHING });
  let admin: Admin;
  let worker: EchoWorkerHandle;
  let report: LoadReport;
  // A stand-in tracer: one traceparent per send, and the ends the run reports back.
  const traced = new Map<string, string>();
  const ended: { id: string; error: unknown }[] = [];
  const traceSend: TraceSend = (tx) => {
    const traceparent = `00-${randomUUID().replace(/-/g, '')}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`;
    traced.set(tx.transaction_id, traceparent);
    return {
      headers: { traceparent },
      end: (error) => ended.push({ id: tx.transaction_id, error }),
    };
  };
  const out = mkdtempSync(path.join(tmpdir(), 'loadgen-run-'));

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect(); // rejects (the suite fails) when Kafka is down
    await admin.createTopics({
      waitForLeaders: true,
      topics: topicNames.map((topic) => ({
        topic,
        numPartitions: 3,
        replicationFactor: 1,
      })),
    });
    // New partitions can take a moment to answer on a loaded broker.
    for (let tries = 0; ; tries += 1) {
      const ready = await Promise.all(topicNames.map((t) => admin.fetchTopicOffsets(t))).then(
        () => true,
        () => false,
      );
      if (ready) break;
      if (tries > 100) throw new Error(`topics ${topicNames.join(', ')} did not become ready`);
      await new Promise((r) => setTimeout(r, 200));
    }
    worker = await startEchoWorker({
      index: 0,
      brokers: BROKERS,
      groupId,
      topics,
      instanceId: `echo-${id}`,
      env: {},
    });
    report = await runLoad({
      brokers: BROKERS,
      // loadgen's producers and verdict reader on the seam, on the client of this pass.
      kafkaClient: KAFKA_CLIENT,
      topics,
      profile: { kind: 'constant', tps: 100 },
      durationMs: 3000,
      // Frauds from the first transactions (scenario 1 below 150 EUR too), deterministically:
      // the echo worker declines those above 150 EUR (review labels) and misses the rest
      // (chargebacks).
      simulation: { seed: 7, scenario1AmountThreshold: 100 },
      flaggedLabelDelayMs: 100,
      chargebackDelayMs: 1000,
      graceMs: 20_000,
      workerGroupId: groupId,
      traceSend,
    });
    console.log(
      `loadgen-run: ${report.sending.sent} sent at ${report.sending.achievedTps.toFixed(1)} tx/s; ` +
        `p50 ${report.latency.p50Ms} ms, p99 ${report.latency.p99Ms} ms, max ${report.latency.maxMs} ms`,
    );
  });

  afterAll(async () => {
    await worker?.stop();
    await admin?.deleteGroups([groupId]).catch(() => undefined);
    await admin?.deleteTopics({ topics: topicNames }).catch(() => undefined);
    await admin?.disconnect();
    rmSync(out, { recursive: true, force: true });
  });

  it('sends the planned transactions and matches exactly one verdict to each', () => {
    expect(report.stopReason).toBe('completed');
    expect(report.sending.sent).toBe(report.parameters.plannedCount);
    expect(report.sending.sent).toBe(300);
    expect(report.sending.failed).toBe(0);
    expect(report.verdicts.withVerdict).toBe(report.sending.sent);
    expect(report.verdicts.received).toBe(report.sending.sent);
    expect(report.latency.count).toBe(report.sending.sent);
    expect(report.verdicts.lost).toBe(0);
    expect(report.verdicts.lostList).toEqual([]);
    expect(report.verdicts.duplicates).toBe(0);
    expect(report.verdicts.deadLetters).toBe(0);
  });

  it('sent each transaction once, under its run-unique id', () => {
    const ids = [...worker.scored.keys()];
    expect(ids).toHaveLength(report.sending.sent);
    expect(ids.every((t) => t.startsWith(report.runId))).toBe(true);
    expect([...worker.scored.values()].every((n) => n === 1)).toBe(true);
  });

  it('carries the injected trace context on every record and ends each send once, on its ack', () => {
    expect(traced.size).toBe(report.sending.sent);
    expect(worker.traceparents).toEqual(traced);
    expect(ended).toHaveLength(report.sending.sent);
    expect(new Set(ended.map((e) => e.id)).size).toBe(report.sending.sent);
    expect(ended.every((e) => e.error === undefined)).toBe(true);
  });

  it('tallies the decisions against the ground truth', () => {
    const q = report.quality;
    expect(q.bands.APPROVE + q.bands.DECLINE).toBe(report.sending.sent);
    expect(q.truePositives).toBeGreaterThan(0);
    expect(q.falseNegatives).toBeGreaterThan(0);
    expect(q.precision).toBe(1); // only > 150 EUR is declined, and every such amount is fraud here
  });

  it('sends one FraudLabel per labelled fraud, by both routes', async () => {
    const sent = report.labels.sent;
    expect(sent.ANALYST_REVIEW).toBeGreaterThan(0);
    expect(sent.CHARGEBACK).toBeGreaterThan(0);
    expect(report.labels.failed).toBe(0);
    const total = sent.ANALYST_REVIEW + sent.CHARGEBACK;
    const serde = new AvroSerde(createEmbeddedRegistry());
    const labels: FraudLabel[] = [];
    for (const value of await readAll(kafka, topics.labels, total, 20_000)) {
      labels.push((await serde.decode(value, 'FraudLabel')).value);
    }
    expect(labels).toHaveLength(total);
    expect(new Set(labels.map((l) => l.transaction_id)).size).toBe(total);
    for (const label of labels) {
      expect(label.is_fraud).toBe(true);
      expect(label.transaction_id.startsWith(report.runId)).toBe(true);
      expect(label.fraud_scenario).toBeGreaterThan(0);
      expect(worker.scored.has(label.transaction_id)).toBe(true);
    }
    expect(labels.filter((l) => l.source === 'ANALYST_REVIEW')).toHaveLength(sent.ANALYST_REVIEW);
    // Review labels only go to frauds the fleet flagged.
    expect(report.quality.truePositives).toBeGreaterThanOrEqual(sent.ANALYST_REVIEW);
  });

  it('writes report.json, summary.md and the plots', async () => {
    const files = await writeLoadReport(report, out, renderLoadPlots);
    for (const f of files) expect(existsSync(f)).toBe(true);
    const json = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as LoadReport;
    expect(json.runId).toBe(report.runId);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('Service levels');
    expect(
      files
        .filter((f) => f.endsWith('.png'))
        .map((f) => path.basename(f))
        .sort(),
    ).toEqual([
      'consumer-lag.png',
      'latency-histogram.png',
      'latency-percentiles.png',
      'precision-recall.png',
      'throughput.png',
    ]);
  });
});
