// A backtest's Markdown (backtest.md beside the load run's summary.md): the live figures beside
// the offline ones, the noise and the findings, recall per scenario, the replayed days, delivery.
import type { BacktestReport } from '../backtest/backtest-report';
import { SCORED_BANDS } from '../backtest/backtest-tally';
import type { ReplayPace } from '../backtest/replay-clock';
import type { QualitySummary } from '../measure/quality-tally';
import { count, percent, table } from '../measure/format';
import { machineLine } from './load-summary-markdown';

const DAY_MS = 86_400_000;

function describePace(p: ReplayPace): string {
  return p.kind === 'speed' ? `×${p.speed} of the file's clock` : `${p.tps} tx/s`;
}

function days(ms: number): string {
  return `${+(ms / DAY_MS).toFixed(3)} d`;
}

function figureRow(name: string, q: QualitySummary): string[] {
  return [
    name,
    percent(q.precision, 2),
    percent(q.recall, 2),
    percent(q.declinePrecision, 2),
    percent(q.declineRecall, 2),
  ];
}

/** The backtest's Markdown section (backtest.md beside the load run's summary.md). */
export function renderBacktestSummary(r: BacktestReport): string {
  const l = r.load;
  const header = ['', 'precision', 'recall', 'DECLINE precision', 'DECLINE recall'];
  const tol = r.noise.tolerance;
  const lines: string[] = [
    `# Backtest ${l.runId}`,
    '',
    `Source ${r.source}, window ${r.window.from} → ${r.window.to ?? 'end of the source'} (${count(r.window.rows)} transactions, ${count(r.window.frauds)} frauds), replayed at ${describePace(r.pace)}; model ${r.model.version}. Case management on the replayed clock: a flagged fraud's label ${days(r.delays.flaggedLabelDelayMs)} after its event, a missed fraud's chargeback ${days(r.delays.chargebackDelayMs)} after.`,
    r.backfill === null
      ? 'No backfill: the fleet started on the feature state it had.'
      : `Backfilled ${r.backfill.days} days first (from ${r.backfill.from}): ${count(r.backfill.transactions)} transactions, ${count(r.backfill.labelsApplied)} labels, ${r.backfill.seconds.toFixed(1)} s.`,
    '',
    machineLine(l.machine),
    '',
    '## Live and offline',
    '',
    table(header, [
      figureRow('live', r.live),
      figureRow('offline (same label timing)', r.offline),
      [
        'noise allows ±',
        percent(tol.precision, 2),
        percent(tol.recall, 2),
        percent(tol.declinePrecision, 2),
        percent(tol.declineRecall, 2),
      ],
    ]),
    '',
    `Per transaction: ${count(r.agreement.agreeing)} of ${count(r.agreement.compared)} decided alike (${percent(r.agreement.share, 3)}); ${count(r.agreement.flaggedDiffering)} flagged on one side only. The noise allows ${count(r.noise.allowedDiffering)} different decisions: ${count(r.noise.exposed)} transactions exposed to a label race (a label due within ${days(r.noise.exposureMs)} of them, = ${r.noise.labelLatencyAllowanceMs} ms × ${r.noise.replayedMsPerWallMs.toFixed(0)}, in a bucket their windows read) and ${count(r.noise.nearThreshold)} scored within 1e-5 of a threshold; ${count(r.noise.allowedDifferingFrauds)} of these are frauds.`,
    '',
    r.findings.length === 0
      ? '**Findings:** none — live and offline agree within the noise.'
      : `**Findings** (beyond the noise):\n\n${r.findings.map((f) => `- ${f}`).join('\n')}`,
    '',
    'Decisions (rows live, columns offline):',
    '',
    table(
      ['live \\ offline', ...SCORED_BANDS],
      SCORED_BANDS.map((b) => [b, ...SCORED_BANDS.map((c) => count(r.agreement.matrix[b][c]))]),
    ),
    '',
    '## Recall per scenario',
    '',
    table(
      ['scenario', 'frauds', 'live recall', 'offline recall'],
      r.live.perScenario.map((s, i) => [
        String(s.scenario),
        count(s.frauds),
        percent(s.recall, 1),
        percent(r.offline.perScenario[i]?.recall, 1),
      ]),
    ),
    '',
    '## Per replayed day',
    '',
    table(
      [
        'day',
        'transactions',
        'frauds',
        'live P / R',
        'offline P / R',
        'live DECLINE P / R',
        'offline DECLINE P / R',
        'alike',
      ],
      r.days.map((d) => [
        d.day,
        count(d.transactions),
        count(d.frauds),
        `${percent(d.live.precision)} / ${percent(d.live.recall)}`,
        `${percent(d.offline.precision)} / ${percent(d.offline.recall)}`,
        `${percent(d.live.declinePrecision)} / ${percent(d.live.declineRecall)}`,
        `${percent(d.offline.declinePrecision)} / ${percent(d.offline.declineRecall)}`,
        percent(d.transactions === 0 ? null : d.agreeing / d.transactions, 2),
      ]),
    ),
    '',
    '## Delivery',
    '',
    `${count(l.sending.sent)} sent, ${count(l.verdicts.lost)} lost, ${count(l.verdicts.duplicates)} duplicate verdicts, ${count(l.verdicts.deadLetters)} dead letters; latency p50 ${l.latency.p50Ms ?? '–'} ms, p99 ${l.latency.p99Ms ?? '–'} ms; labels sent ${count(l.labels.sent.ANALYST_REVIEW)} by review, ${count(l.labels.sent.CHARGEBACK)} by chargeback. Most a row was sent behind its replayed time: ${r.maxLateMs.toFixed(0)} ms. The load run's own summary is summary.md.`,
    '',
  ];
  return lines.join('\n');
}
