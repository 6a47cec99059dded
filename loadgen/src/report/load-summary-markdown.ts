// The Markdown page of a load run (and the run sections of a benchmark page): one look should
// tell whether the run met the service levels, on which machine, and where to look if not.
import type { LatencyHops, LoadReport, PhaseReport } from '../load/load-report';
import { formatTps } from '../load/rate-profile';
import type { RateProfile } from '../load/rate-profile';
import type { CpuSample } from '../measure/cpu-sampler';
import type { LatencySummary } from '../measure/latency-histogram';
import type { MachineInfo } from '../measure/machine-info';
import { count, latencyColumns, latencyRow, ms, percent, table } from '../measure/format';

/** One line naming the machine and the code a run was measured on. */
export function machineLine(m: MachineInfo): string {
  const git =
    m.gitCommit === null
      ? 'no git commit'
      : `git ${m.gitCommit.slice(0, 10)}${m.gitDirty === true ? ' (uncommitted changes)' : ''}`;
  return `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.nodeVersion}, ${m.platform}; load average ${m.loadAverage1m} at start; ${git}`;
}

/** The profile in words: "constant 13.9 tx/s", "ramp 1,000 → 5,000 tx/s in 5 steps of 60 s". */
export function describeProfile(p: RateProfile): string {
  switch (p.kind) {
    case 'constant':
      return `constant ${formatTps(p.tps)} tx/s`;
    case 'ramp': {
      const first = p.steps[0];
      const last = p.steps[p.steps.length - 1];
      return `stepped ramp ${formatTps(first?.tps ?? 0)} → ${formatTps(last?.tps ?? 0)} tx/s in ${p.steps.length} steps of ${(first?.durationMs ?? 0) / 1000} s`;
    }
    case 'burst':
      return `burst: ${formatTps(p.baseTps)} tx/s, ×${p.burstFactor} for ${p.burstMs / 1000} s from ${p.burstAtMs / 1000} s`;
  }
}

function cpuCell(cpu: CpuSample | null): string {
  if (cpu === null) return '–';
  const watched = Object.entries(cpu.processCores).filter(
    (e): e is [string, number] => e[1] !== null,
  );
  const workers = watched.filter(([name]) => name.startsWith('worker'));
  const w =
    workers.length === 0 ? '' : ` / workers ${workers.reduce((a, [, c]) => a + c, 0).toFixed(2)}`;
  const others = watched
    .filter(([name]) => !name.startsWith('worker'))
    .map(([name, c]) => ` / ${name} ${c.toFixed(2)}`)
    .join('');
  return `${percent(cpu.machineBusy, 0)} (loadgen ${cpu.selfCores.toFixed(2)}${w}${others})`;
}

function phaseRow(p: PhaseReport): string[] {
  return [
    p.name,
    formatTps(p.targetTps),
    formatTps(p.achievedTps),
    ms(p.latency.p50Ms),
    ms(p.latency.p99Ms),
    ms(p.latency.p999Ms),
    percent(p.overBudgetShare, 2),
    p.backlogGrowthTps.toFixed(1),
    p.maxLag === null ? '–' : count(p.maxLag),
    cpuCell(p.cpu),
    p.held ? 'yes' : `no: ${p.notHeldBecause.join('; ')}`,
  ];
}

/** The service-level checks of a run: p99 and within-budget share against the budget, none lost. */
export function serviceLevelRows(r: LoadReport): string[][] {
  const budget = r.parameters.latencyBudgetMs;
  const p99 = r.latency.p99Ms;
  return [
    [
      'p99 latency',
      `≤ ${budget} ms`,
      `${ms(p99)} ms`,
      p99 !== null && p99 <= budget ? 'yes' : 'no',
    ],
    [
      `verdicts within ${budget} ms`,
      '≥ 99.99 %',
      percent(r.latency.withinBudgetShare, 3),
      (r.latency.withinBudgetShare ?? 0) >= 0.9999 ? 'yes' : 'no',
    ],
    ['lost verdicts', '0', count(r.verdicts.lost), r.verdicts.lost === 0 ? 'yes' : 'no'],
  ];
}

/** Options of {@link renderLoadSections}. */
export interface SectionOptions {
  /** Heading level of the sections (2 on a run's own page, 3 inside a benchmark page). */
  readonly level: number;
  /** PNG files of this run, relative to the page, by plot name. */
  readonly plots: readonly { readonly title: string; readonly file: string }[];
}

/** The body of a run's page: service levels, latency, delivery, quality, phases, sending, plots. */
export function renderLoadSections(r: LoadReport, options: SectionOptions): string {
  const h = '#'.repeat(options.level);
  const v = r.verdicts;
  const q = r.quality;
  const s = r.sending;
  const out: string[] = [];
  out.push(
    `${describeProfile(r.parameters.profile)}; ${count(s.sent)} transactions sent over ${(s.durationMs / 1000).toFixed(1)} s ` +
      `(${formatTps(s.achievedTps)} tx/s achieved of ${formatTps(s.targetTps)} offered); stopped: ${r.stopReason}. ` +
      `Latency = Kafka ack at the producer → verdict received by the decisions consumer.`,
  );
  out.push(
    `${h} Service levels\n\n${table(['', 'target', 'measured', 'met'], serviceLevelRows(r))}`,
  );
  out.push(
    `${h} Latency\n\n${table(latencyColumns(r.latency), [latencyRow(r.latency)])}\n\nAll times in ms.${v.beforeAck > 0 ? ` ${count(v.beforeAck)} verdicts were processed before their ack (latency counted as ≈ 0).` : ''}`,
  );
  if (r.latencyHops !== null) out.push(hopSection(h, r.latencyHops));
  const listed = (
    title: string,
    ids: readonly { transactionId: string; reasonCode?: string; verdicts?: number }[],
    total: number,
  ): string =>
    total === 0
      ? ''
      : `\n\n${title} (${count(total)}${ids.length < total ? `, first ${ids.length} listed` : ''}): ${ids
          .map(
            (t) =>
              `\`${t.transactionId}\`${t.reasonCode ? ` (${t.reasonCode})` : ''}${t.verdicts ? ` ×${t.verdicts}` : ''}`,
          )
          .join(', ')}`;
  out.push(
    `${h} Delivery\n\n${table(
      [
        'sent',
        'send failures',
        'with verdict',
        'lost',
        'duplicate verdicts',
        'dead letters',
        'other runs\u2019 records',
        'unreadable',
      ],
      [
        [
          count(s.sent),
          count(s.failed),
          count(v.withVerdict),
          count(v.lost),
          count(v.duplicates),
          count(v.deadLetters),
          count(v.foreign),
          count(v.unreadable),
        ],
      ],
    )}${listed('Lost', v.lostList, v.lost)}${listed('Duplicated', v.duplicateList, v.duplicatedTransactions)}${listed('Dead-lettered', v.deadLetterList, v.deadLetters)}${s.firstFailure === null ? '' : `\n\nFirst send failure: ${s.firstFailure}`}`,
  );
  out.push(
    `${h} Model quality\n\n${table(
      [
        'APPROVE',
        'REVIEW',
        'DECLINE',
        'copies (passthrough)',
        'precision',
        'recall',
        'DECLINE precision',
        'DECLINE recall',
      ],
      [
        [
          count(q.bands.APPROVE),
          count(q.bands.REVIEW),
          count(q.bands.DECLINE),
          count(q.bands.COPY),
          percent(q.precision),
          percent(q.recall),
          percent(q.declinePrecision),
          percent(q.declineRecall),
        ],
      ],
    )}\n\nFlagged = REVIEW or DECLINE, against the simulator's ground truth; the DECLINE columns count DECLINE alone. The figures are the model's only on a feature state that holds the weeks before the run (\`fraudstream backfill\`; the seed benchmark backfills its own). Recall by scenario: ${q.perScenario
      .map((p) => `${p.scenario}: ${percent(p.recall)} of ${count(p.frauds)}`)
      .join(
        '; ',
      )}. Labels sent back: ${count(r.labels.sent.ANALYST_REVIEW)} after review, ${count(r.labels.sent.CHARGEBACK)} as chargebacks, ${count(r.labels.pendingAtEnd)} not yet due at the end${r.labels.failed > 0 ? `, ${count(r.labels.failed)} failed` : ''}.`,
  );
  out.push(
    `${h} Phases\n\n${table(
      [
        'phase',
        'target tx/s',
        'achieved tx/s',
        'p50',
        'p99',
        'p99.9',
        'over budget',
        'backlog growth tx/s',
        'max lag',
        'CPU busy (cores)',
        'held',
      ],
      r.phases.map(phaseRow),
    )}`,
  );
  out.push(
    `${h} Sending\n\n${count(s.requests)} produce requests of ${s.meanRecordsPerRequest.toFixed(1)} records on average (acks=all, idempotent, one in flight); ` +
      `request round trip p99 ${ms(s.requestP99Ms)} ms; records queued before their request p99 ${ms(s.queuedP99Ms)} ms, max ${ms(s.queuedMaxMs)} ms; ` +
      `most transactions due but not yet sent at once: ${count(s.maxDueUnsent)}. Consumer lag ${r.lag.sampled ? `max ${r.lag.max === null ? '–' : count(r.lag.max)}, final ${r.lag.final === null ? '–' : count(r.lag.final)}` : 'not sampled (no worker group given)'}.`,
  );
  if (options.plots.length > 0) {
    out.push(`${h} Plots\n\n${options.plots.map((p) => `![${p.title}](${p.file})`).join('\n\n')}`);
  }
  return out.join('\n\n');
}

/** A load run's own page (summary.md). */
export function renderLoadSummary(r: LoadReport, plots: SectionOptions['plots']): string {
  const met = serviceLevelRows(r).every((row) => row[3] === 'yes');
  return `# Load run ${r.runId.replace(/-$/, '')} — ${met ? 'service levels met' : 'service levels missed'}

${r.startedAt} → ${r.finishedAt}. Machine: ${machineLine(r.machine)}.

${renderLoadSections(r, { level: 2, plots })}
`;
}

/** Where the latency went: the hops between the producer's ack and the verdict's arrival. */
function hopSection(h: string, hops: LatencyHops): string {
  const row = (name: string, l: LatencySummary): string[] => [
    name,
    count(l.count),
    ms(l.p50Ms),
    ms(l.p99Ms),
    ms(l.p999Ms),
    ms(l.maxMs),
  ];
  return `${h}# Latency by hop\n\n${table(
    ['hop', 'verdicts', 'p50', 'p99', 'p99.9', 'max'],
    [
      row('Kafka in: ack → worker consumed it', hops.kafkaIn),
      row('worker: consumed → decided', hops.worker),
      row('out: decided → verdict read (produce, broker, fetch)', hops.kafkaOut),
    ],
  )}\n\nCut at the verdict's \`received_at\` and \`scored_at\` (the worker's clock); percentiles of each hop on its own, so they do not add up to the end-to-end ones.`;
}
