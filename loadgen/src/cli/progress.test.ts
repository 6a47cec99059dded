import type { LoadProgress } from '../load/load-report';
import { progressLines, terminalProgress } from './progress';

const progress: LoadProgress = {
  stage: 'sending',
  elapsedMs: 12_000,
  plannedMs: 60_000,
  phase: 'steady',
  sent: 167,
  plannedCount: 833,
  withVerdict: 165,
  point: {
    tMs: 12_000,
    targetTps: 13.9,
    sentTps: 14,
    verdictTps: 13,
    p50Ms: 3.1,
    p99Ms: 8.2,
    p999Ms: 9,
    maxMs: 9,
    backlog: 2,
    lag: 0,
    precision: 0.6,
    recall: 0.75,
    cpu: { machineBusy: 0.45, selfCores: 0.1, processCores: {} },
  },
  p50Ms: 3,
  p99Ms: 8,
  p999Ms: 9,
  withinBudgetShare: 1,
  bands: { APPROVE: 160, REVIEW: 3, DECLINE: 2, COPY: 0 },
  precision: 0.6,
  recall: 0.75,
  duplicates: 0,
  deadLetters: 0,
  labelsSent: 4,
};

describe('progress', () => {
  it('shows rate, verdicts, latency, bands, precision and recall', () => {
    const [a, b, c] = progressLines(progress, '');
    expect(a).toBe(
      '[12/60 s] steady | sent 167/833 (14 tx/s) | verdicts 165 (13 tx/s) | backlog 2 | lag 0',
    );
    expect(b).toContain('run 3.00/8.00/9.00 ms (p50/p99/p99.9)');
    expect(c).toContain('APPROVE 160 REVIEW 3 DECLINE 2 | precision 60.0 % recall 75.0 %');
  });

  it('redraws in place on a terminal and writes plain lines elsewhere', () => {
    const tty: string[] = [];
    const plain: string[] = [];
    const t = terminalProgress({ write: (s) => tty.push(s), isTTY: true });
    t.onProgress?.(progress);
    t.onProgress?.(progress);
    expect(tty[1]?.startsWith('\x1b[3F')).toBe(true);
    const p = terminalProgress({ write: (s) => plain.push(s), isTTY: false }, '[seed]');
    p.onProgress?.(progress);
    expect(plain[0]).toMatch(/^\[seed\] \[12\/60 s\].*\n$/);
    expect(plain[0]?.includes('\x1b')).toBe(false);
  });
});
