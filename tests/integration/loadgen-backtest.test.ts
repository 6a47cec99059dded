// A backtest through real workers on the real Kafka and Redis: a committed labelled CSV (28
// simulated days, 120 cards, frauds of scenarios 2 and 3) is backfilled for 14 days, then its
// last 14 days are replayed on their own clock with case management on that clock: flagged
// frauds labelled a day after their event, missed ones charged back after 9 days, later than
// the model's 7-day feedback delay, so which route a label takes changes what later
// transactions read and the offline side must follow the same routes to agree. Every
// transaction must get exactly one verdict, and the live decisions must agree with the models
// package's offline replay of the same rows and label timing within the noise the report states
// (transactions exposed to a label race or scored near a threshold), figure by figure and
// transaction by transaction.
import { resolve } from 'node:path';
import type { BacktestReport } from '@fraudstream/loadgen';
import { csvTransactionSource, runBacktest } from '@fraudstream/loadgen';
import { TestModelStore } from '../support/model-store';
import { KAFKA_BROKERS, KAFKA_CLIENT } from '../support/services';
import { WorkerFixture } from '../support/worker-fixture';
import { WorkerProcess } from '../support/worker-process';

const DAY_MS = 86_400_000;
const CSV = resolve(__dirname, '..', 'fixtures', 'backtest-28d-seed11.csv');

describe('loadgen --data: a backtest through real workers', () => {
  let store: TestModelStore;
  let fixture: WorkerFixture;
  const workers: WorkerProcess[] = [];
  let report: BacktestReport;

  beforeAll(async () => {
    store = await TestModelStore.create(['v1']);
    fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 4 });
    for (const name of ['backtest-a', 'backtest-b']) {
      workers.push(new WorkerProcess(name, fixture.env()));
    }
    await Promise.all(workers.map((w) => w.ready()));
    report = await runBacktest({
      brokers: KAFKA_BROKERS,
      kafkaClient: KAFKA_CLIENT,
      topics: {
        transactions: fixture.topics.transactions,
        decisions: fixture.topics.decisions,
        labels: fixture.topics.labels,
        deadLetters: fixture.topics.deadLetters,
      },
      source: csvTransactionSource(CSV),
      // Fourteen days in 84 s.
      pace: { kind: 'speed', speed: 14_400 },
      backfillDays: 14,
      flaggedLabelDelayMs: DAY_MS,
      chargebackDelayMs: 9 * DAY_MS,
      modelDir: store.dir,
      featureState: { redisUrl: fixture.redisUrl, keyPrefix: fixture.featurePrefix },
      workerGroupId: fixture.consumerGroup,
      graceMs: 30_000,
    });
    const { live, offline, agreement, noise } = report;
    console.log(
      `backtest: ${report.window.rows} rows, ${report.window.frauds} frauds; live P ${live.precision} R ${live.recall} ` +
        `DECLINE P ${live.declinePrecision} R ${live.declineRecall}; offline P ${offline.precision} R ${offline.recall} ` +
        `DECLINE P ${offline.declinePrecision} R ${offline.declineRecall}; alike ${agreement.agreeing}/${agreement.compared}, ` +
        `allowed ${noise.allowedDiffering} (exposed ${noise.exposed}, near ${noise.nearThreshold}); ` +
        `p99 ${report.load.latency.p99Ms} ms; late ${report.maxLateMs.toFixed(0)} ms; findings ${JSON.stringify(report.findings)}`,
    );
  }, 600_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await fixture?.cleanup();
    await store?.destroy();
  });

  it('backfills 14 days and replays the other 14, every row once with one verdict', () => {
    expect(report.backfill?.transactions).toBeGreaterThan(2500);
    expect(report.backfill?.labelsApplied).toBeGreaterThan(0);
    expect(report.window.from).toBe('2018-04-15T00:00:00.000Z');
    const days = Array.from({ length: 14 }, (_, i) =>
      new Date(Date.parse('2018-04-15T00:00:00Z') + i * DAY_MS).toISOString().slice(0, 10),
    );
    expect(report.days.map((d) => d.day)).toEqual(days);
    const { load } = report;
    expect(load.stopReason).toBe('completed');
    expect(load.sending.sent).toBe(report.window.rows);
    expect(load.sending.failed).toBe(0);
    expect(load.verdicts.withVerdict).toBe(report.window.rows);
    expect(load.verdicts.lost).toBe(0);
    expect(load.verdicts.duplicates).toBe(0);
    expect(load.verdicts.deadLetters).toBe(0);
    expect(report.agreement.compared).toBe(report.window.rows);
    expect(report.days.reduce((n, d) => n + d.transactions, 0)).toBe(report.window.rows);
  });

  it('plays case management on the replayed clock, by both routes', () => {
    const sent = report.load.labels.sent;
    expect(sent.ANALYST_REVIEW).toBeGreaterThan(0);
    expect(sent.CHARGEBACK).toBeGreaterThan(0);
    expect(report.load.labels.failed).toBe(0);
    // Frauds of the window's last days are still pending when it ends (labels due later
    // concern nothing replayed and are not sent).
    expect(report.load.labels.pendingAtEnd).toBeGreaterThan(0);
    const { sent: s, pendingAtEnd } = report.load.labels;
    expect(s.ANALYST_REVIEW + s.CHARGEBACK + pendingAtEnd).toBe(report.window.frauds);
  });

  it('decides live as the offline replay with the same label timing does, within the stated noise', () => {
    const { live, offline, agreement, noise } = report;
    expect(live.truePositives + live.falseNegatives).toBe(report.window.frauds);
    expect(offline.truePositives + offline.falseNegatives).toBe(report.window.frauds);
    // Something must be flagged and something missed on both sides, or agreement would be cheap.
    for (const q of [live, offline]) {
      expect(q.bands.DECLINE).toBeGreaterThan(0);
      expect(q.falseNegatives).toBeGreaterThan(0);
    }
    expect(report.findings).toEqual([]);
    const differing = agreement.compared - agreement.agreeing;
    expect(differing).toBeLessThanOrEqual(noise.allowedDiffering);
    // The stated per-transaction agreement: at least 99 % of the rows decided alike.
    expect(agreement.share).toBeGreaterThanOrEqual(0.99);
    for (const s of live.perScenario.filter((p) => p.frauds > 0)) {
      const o = offline.perScenario.find((p) => p.scenario === s.scenario);
      expect(o?.frauds).toBe(s.frauds);
    }
  });
});
