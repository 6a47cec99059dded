// `bench closed-loop`'s Markdown (closed-loop.md beside the backtest's files): the target, then
// per simulated day the live DECLINE and REVIEW-or-DECLINE figures with their running totals,
// the offline replay's running totals for the same days, and whether the two agree within noise.
import type { ClosedLoopResult } from '../closed-loop/run-closed-loop';
import type { SideFigures } from '../closed-loop/closed-loop-days';
import { count, percent, table } from '../measure/format';
import { machineLine } from './load-summary-markdown';

const HOUR_MS = 3_600_000;

function pr(f: SideFigures, decline: boolean): string {
  return decline
    ? `${percent(f.declinePrecision)} / ${percent(f.declineRecall)}`
    : `${percent(f.precision)} / ${percent(f.recall)}`;
}

/** The target's verdict as one sentence. */
export function targetSentence(r: ClosedLoopResult): string {
  const t = r.target;
  const floors = `DECLINE precision ≥ ${percent(t.declinePrecisionFloor, 0)} and recall ≥ ${percent(t.declineRecallFloor, 0)} on every day's live running total from day ${t.fromDay} on`;
  if (t.met === null) return `**Target** (${floors}): not judged, the run has fewer days.`;
  const worst = `lowest running totals: precision ${percent(t.worstDeclinePrecision?.value)} (${t.worstDeclinePrecision?.day ?? '–'}), recall ${percent(t.worstDeclineRecall?.value)} (${t.worstDeclineRecall?.day ?? '–'})`;
  return t.met
    ? `**Target** (${floors}): **met** on all ${t.judgedDays} days judged; ${worst}.`
    : `**Target** (${floors}): **missed** — ${t.missedBy ?? ''}; ${worst}.`;
}

/** closed-loop.md. */
export function renderClosedLoopSummary(r: ClosedLoopResult): string {
  const b = r.backtest;
  const p = r.parameters;
  const l = b.load;
  const labels = l.labels.sent;
  const lines = [
    `# Closed loop${p.smoke ? ' (smoke)' : ''}: ${r.days.length} simulated days through ${p.workers} worker${p.workers === 1 ? '' : 's'}`,
    '',
    `Simulator ${b.source}; ${p.backfillDays} days backfilled, then ${b.window.from} → ${b.window.to ?? '–'} (${count(b.window.rows)} transactions, ${count(b.window.frauds)} frauds) at ×${p.speed} of the simulated clock; model ${b.model.version}. Case management on the simulated clock: a flagged fraud labelled ${+(p.flaggedLabelDelayMs / HOUR_MS).toFixed(2)} h after its event, a missed fraud charged back ${+(p.chargebackDelayMs / (24 * HOUR_MS)).toFixed(2)} d after; labels sent: ${count(labels.ANALYST_REVIEW)} by review, ${count(labels.CHARGEBACK)} by chargeback, ${count(l.labels.pendingAtEnd)} not due by the end. No other label reached the features.`,
    '',
    machineLine(r.machine),
    '',
    targetSentence(r),
    '',
    `**Delivery:** ${count(l.sending.sent)} sent, ${count(l.verdicts.withVerdict)} with a verdict, ${count(l.verdicts.lost)} lost, ${count(l.verdicts.duplicates)} duplicates, ${count(l.verdicts.deadLetters)} dead letters; p99 ${l.latency.p99Ms ?? '–'} ms; most a transaction was sent behind its simulated time: ${b.maxLateMs.toFixed(0)} ms.`,
    '',
    `**Live against offline:** ${count(b.agreement.agreeing)} of ${count(b.agreement.compared)} transactions decided alike (${percent(b.agreement.share, 3)}); the noise allows ${count(b.noise.allowedDiffering)} (${count(b.noise.exposed)} exposed to a label race of ${b.noise.labelLatencyAllowanceMs} ms × ${b.noise.replayedMsPerWallMs.toFixed(0)}, ${count(b.noise.nearThreshold)} within 1e-5 of a threshold). ${b.findings.length === 0 ? 'Findings: none.' : `Findings: ${b.findings.join('; ')}.`}`,
    '',
    '## Per simulated day',
    '',
    'P / R: precision / recall. DECLINE alone, and flagged (REVIEW or DECLINE). "Running": from the first simulated day to this one. "Alike within noise": the running totals of live and offline differ by no more than the noise bound allows, figure by figure.',
    '',
    table(
      [
        'day',
        '#',
        'transactions',
        'frauds',
        'live DECLINE P / R',
        'live flagged P / R',
        'running live DECLINE P / R',
        'running offline DECLINE P / R',
        'running live flagged P / R',
        'running offline flagged P / R',
        'decided differently',
        'alike within noise',
      ],
      r.days.map((d) => [
        d.day,
        String(d.index),
        count(d.transactions),
        count(d.frauds),
        pr(d.live, true),
        pr(d.live, false),
        pr(d.liveTotal, true),
        pr(d.offlineTotal, true),
        pr(d.liveTotal, false),
        pr(d.offlineTotal, false),
        count(d.differing),
        d.withinNoise ? 'yes' : 'NO',
      ]),
    ),
    '',
    "The backtest engine's own report is backtest.md (recall per scenario, the decision matrix), the load run's summary.md.",
    '',
  ];
  return lines.join('\n');
}
