import { ReportRenderError } from './errors';
import { resolveFontFile, svgToPng } from './png';
import { barChartSvg, lineChartSvg } from './svg-chart';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('charts', () => {
  it('renders a line chart and a bar chart to PNG with text', () => {
    const line = lineChartSvg({
      title: 'PR <curve>',
      xLabel: 'recall',
      yLabel: 'precision',
      series: [{ label: 'a', x: [0, 0.5, 1], y: [1, 0.8, 0.1] }],
      hLines: [{ y: 0.5, label: 'target' }],
    });
    expect(line).toContain('PR &lt;curve&gt;');
    expect(svgToPng(line).subarray(0, 4)).toEqual(PNG_MAGIC);
    const bars = barChartSvg({
      title: 'recall',
      yLabel: 'r',
      categories: ['1', '2'],
      series: [{ label: 's', values: [0.2, 0.9] }],
    });
    const png = svgToPng(bars);
    expect(png.subarray(0, 4)).toEqual(PNG_MAGIC);
    // With text the image carries more detail than the same chart with its labels stripped.
    const bare = svgToPng(bars.replace(/<text[^>]*>[^<]*<\/text>/g, ''));
    expect(png.length).toBeGreaterThan(bare.length);
  });

  it('names the font package when no font file exists', () => {
    expect(() => resolveFontFile('/nonexistent/font.ttf')).toThrow(ReportRenderError);
    expect(() => resolveFontFile('/nonexistent/font.ttf')).toThrow(/fonts-dejavu-core/);
  });

  it('rejects a series whose x and y lengths differ', () => {
    expect(() =>
      lineChartSvg({ title: '', xLabel: '', yLabel: '', series: [{ label: 'a', x: [1], y: [] }] }),
    ).toThrow(ReportRenderError);
  });
});
