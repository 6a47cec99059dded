// The PNG plots of a load run: latency percentiles over time and the latency histogram
// (latency-charts.ts: log scales), throughput, consumer lag and backlog, precision and recall
// over time (the package's line charts), rasterised by png.ts.
import type { LoadReport, SeriesPoint } from '../load/load-report';
import { logHistogramSvg, logLineChartSvg } from './latency-charts';
import { svgToPng } from '@fraudstream/charts';
import { lineChartSvg } from '@fraudstream/charts';
import type { PlotRenderer } from './write-report';

/** One plot of a run as SVG. */
export interface PlotSvg {
  readonly name: string;
  readonly title: string;
  readonly svg: string;
}

const TIME_AXIS = 'time since start (s)';

function column<T>(series: readonly SeriesPoint[], value: (p: SeriesPoint) => T): T[] {
  return series.map(value);
}

/** A line series over the time axis, dropping intervals without a value. */
function timeSeries(
  label: string,
  series: readonly SeriesPoint[],
  value: (p: SeriesPoint) => number | null,
): { label: string; x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (const p of series) {
    const v = value(p);
    if (v !== null && Number.isFinite(v)) {
      x.push(p.tMs / 1000);
      y.push(v);
    }
  }
  return { label, x, y };
}

/** The plots of a run, in the order the summary shows them (precision-recall only when scored). */
export function loadPlotSvgs(report: LoadReport): PlotSvg[] {
  const s = report.series;
  const budget = report.parameters.latencyBudgetMs;
  const t = column(s, (p) => p.tMs / 1000);
  const plots: PlotSvg[] = [
    {
      name: 'latency-percentiles',
      title: 'Latency percentiles over time',
      svg: logLineChartSvg({
        title: 'End-to-end latency per second (Kafka ack → verdict received)',
        xLabel: TIME_AXIS,
        yLabel: 'latency (ms, log scale)',
        series: [
          { label: 'p50', x: t, y: column(s, (p) => p.p50Ms) },
          { label: 'p99', x: t, y: column(s, (p) => p.p99Ms) },
          { label: 'p99.9', x: t, y: column(s, (p) => p.p999Ms) },
          { label: 'max', x: t, y: column(s, (p) => p.maxMs) },
        ],
        hLines: [{ y: budget, label: `budget ${budget} ms` }],
      }),
    },
    {
      name: 'latency-histogram',
      title: 'Latency histogram',
      svg: logHistogramSvg({
        title: `Latency of ${report.latency.count.toLocaleString('en-US')} verdicts`,
        xLabel: 'latency (ms, log scale)',
        yLabel: 'verdicts',
        bins: report.latency.bins.map((b) => ({ from: b.fromMs, to: b.toMs, count: b.count })),
        vLines: [
          ...(report.latency.p99Ms === null ? [] : [{ x: report.latency.p99Ms, label: 'p99' }]),
          { x: budget, label: `${budget} ms` },
        ],
      }),
    },
    {
      name: 'throughput',
      title: 'Throughput over time',
      svg: lineChartSvg({
        title: 'Throughput',
        xLabel: TIME_AXIS,
        yLabel: 'transactions per second',
        series: [
          timeSeries('offered', s, (p) => p.targetTps),
          timeSeries('sent (acknowledged)', s, (p) => p.sentTps),
          timeSeries('verdicts received', s, (p) => p.verdictTps),
        ],
      }),
    },
    {
      name: 'consumer-lag',
      title: 'Consumer lag over time',
      svg: lineChartSvg({
        title: 'Consumer lag and end-to-end backlog',
        xLabel: TIME_AXIS,
        yLabel: 'transactions',
        series: [
          timeSeries('worker group lag (committed)', s, (p) => p.lag),
          timeSeries('backlog (sent, no verdict yet)', s, (p) => p.backlog),
        ],
      }),
    },
  ];
  const q = report.quality.bands;
  if (q.APPROVE + q.REVIEW + q.DECLINE > 0) {
    plots.push({
      name: 'precision-recall',
      title: 'Precision and recall over time',
      svg: lineChartSvg({
        title: 'Precision and recall so far (flagged = REVIEW or DECLINE)',
        xLabel: TIME_AXIS,
        yLabel: '%',
        yRange: [0, 100],
        series: [
          timeSeries('precision', s, (p) => (p.precision === null ? null : p.precision * 100)),
          timeSeries('recall', s, (p) => (p.recall === null ? null : p.recall * 100)),
        ],
      }),
    });
  }
  return plots;
}

/** Renders every plot of a run to PNG. */
export const renderLoadPlots: PlotRenderer = (report) =>
  Promise.resolve(
    loadPlotSvgs(report).map((p) => ({ name: p.name, title: p.title, png: svgToPng(p.svg) })),
  );
