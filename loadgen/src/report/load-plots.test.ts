import { decadeRange, logHistogramSvg, logLineChartSvg } from './latency-charts';
import { loadPlotSvgs, renderLoadPlots } from './load-plots';
import { syntheticReport } from './testing/synthetic-load-report';

describe('load plots', () => {
  it('draws the five plots of a scored run', () => {
    const plots = loadPlotSvgs(syntheticReport());
    expect(plots.map((p) => p.name)).toEqual([
      'latency-percentiles',
      'latency-histogram',
      'throughput',
      'consumer-lag',
      'precision-recall',
    ]);
    for (const p of plots) expect(p.svg.startsWith('<svg')).toBe(true);
    expect(plots[0]?.svg).toContain('budget 100 ms');
  });

  it('renders PNGs', async () => {
    const pngs = await renderLoadPlots(syntheticReport());
    expect(pngs).toHaveLength(5);
    for (const p of pngs) expect(p.png.subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('latency charts', () => {
  it('spans whole decades', () => {
    expect(decadeRange([0.35, 42])).toEqual([0.1, 100]);
    expect(decadeRange([])).toEqual([1, 10]);
    expect(decadeRange([10])).toEqual([10, 100]);
  });

  it('breaks lines at intervals without verdicts and labels the decades', () => {
    const svg = logLineChartSvg({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ label: 'p99', x: [0, 1, 2, 3, 4], y: [1, 2, null, 300, 400] }],
    });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    for (const d of ['>1<', '>10<', '>100<', '>1,000<']) expect(svg).toContain(d);
  });

  it('draws one bar per non-empty bin', () => {
    const svg = logHistogramSvg({
      title: 'h',
      xLabel: 'ms',
      yLabel: 'n',
      bins: [
        { from: 1, to: 1.12, count: 5 },
        { from: 10, to: 11.2, count: 2 },
      ],
    });
    expect(svg.match(/<rect x="[\d.]+" y=/g)).toHaveLength(3); // the plot frame and two bars
  });
});
