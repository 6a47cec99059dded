// Live progress of a load run in the terminal: three lines redrawn in place on a TTY, or one
// plain line per update elsewhere (CI logs, pipes), so logs stay readable.
import type { LoadObserver, LoadProgress, LoadReport } from '../load/load-report';
import { formatTps } from '../load/rate-profile';
import { count, ms, percent } from '../measure/format';

/** Where progress is written: a stream, and whether it is a terminal. */
export interface ProgressSink {
  write(text: string): void;
  readonly isTTY: boolean;
}

/** The lines of one progress update. */
export function progressLines(p: LoadProgress, label: string): string[] {
  const pt = p.point;
  const head = `${label ? `${label} ` : ''}[${(p.elapsedMs / 1000).toFixed(0)}/${(p.plannedMs / 1000).toFixed(0)} s${p.stage === 'grace' ? ', grace' : ''}] ${p.phase}`;
  return [
    `${head} | sent ${p.sent}/${p.plannedCount} (${formatTps(pt.sentTps)} tx/s) | verdicts ${p.withVerdict} (${formatTps(pt.verdictTps)} tx/s) | backlog ${pt.backlog} | lag ${pt.lag ?? '–'}`,
    `latency last ${ms(pt.p50Ms)}/${ms(pt.p99Ms)}/${ms(pt.p999Ms)} ms, run ${ms(p.p50Ms)}/${ms(p.p99Ms)}/${ms(p.p999Ms)} ms (p50/p99/p99.9) | within 100 ms ${percent(p.withinBudgetShare, 2)}`,
    `APPROVE ${p.bands.APPROVE} REVIEW ${p.bands.REVIEW} DECLINE ${p.bands.DECLINE}${p.bands.COPY > 0 ? ` COPY ${p.bands.COPY}` : ''} | precision ${percent(p.precision)} recall ${percent(p.recall)} | labels ${p.labelsSent} | duplicates ${p.duplicates} | dead letters ${p.deadLetters} | CPU ${percent(pt.cpu.machineBusy, 0)}`,
  ];
}

/** An observer drawing progress to `sink`; `label` prefixes the lines (e.g. the bench run). */
export function terminalProgress(sink: ProgressSink, label = ''): LoadObserver & { done(): void } {
  let drawn = 0;
  return {
    onProgress(p: LoadProgress): void {
      const lines = progressLines(p, label);
      if (sink.isTTY) {
        // Move up over the previous block and clear it, then draw the new one.
        const up = drawn > 0 ? `\x1b[${drawn}F` : '';
        sink.write(`${up}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
        drawn = lines.length;
      } else {
        sink.write(`${lines.join(' || ')}\n`);
      }
    },
    done(): void {
      drawn = 0;
    },
  };
}

/** The closing summary of a run for a terminal: rate, latency, delivery, quality, labels. */
export function loadSummaryLines(r: LoadReport): string[] {
  const l = r.latency;
  const v = r.verdicts;
  const q = r.quality;
  return [
    `sent ${count(r.sending.sent)} transactions at ${formatTps(r.sending.achievedTps)} tx/s (offered ${formatTps(r.sending.targetTps)}); stopped: ${r.stopReason}`,
    `latency (ack → verdict) p50 ${ms(l.p50Ms)} ms, p95 ${ms(l.p95Ms)} ms, p99 ${ms(l.p99Ms)} ms, p99.9 ${ms(l.p999Ms)} ms, max ${ms(l.maxMs)} ms; within ${l.budgetMs} ms ${percent(l.withinBudgetShare, 3)}`,
    `verdicts ${count(v.withVerdict)}, lost ${count(v.lost)}, duplicates ${count(v.duplicates)}, dead letters ${count(v.deadLetters)}`,
    `decisions APPROVE ${count(q.bands.APPROVE)} REVIEW ${count(q.bands.REVIEW)} DECLINE ${count(q.bands.DECLINE)}; flagged (REVIEW or DECLINE) precision ${percent(q.precision)}, recall ${percent(q.recall)}; DECLINE precision ${percent(q.declinePrecision)}, recall ${percent(q.declineRecall)}; labels sent ${count(r.labels.sent.ANALYST_REVIEW + r.labels.sent.CHARGEBACK)} (${count(r.labels.pendingAtEnd)} not yet due)`,
  ];
}
