// Chart types latency needs and @fraudstream/charts does not draw:
// lines over a log-scale y axis (latencies span 1 ms to seconds, and one slow second must not
// flatten the rest) and a histogram over log-spaced bins. Same look as @fraudstream/charts (size,
// margins, palette, DejaVu Sans), rasterised by png.ts.
import { ReportRenderError, escapeXml, seriesColor, svgLegend } from '@fraudstream/charts';

const FONT = 'DejaVu Sans, sans-serif';
const MARGIN = { left: 70, right: 20, top: 40, bottom: 60 };
const WIDTH = 720;
const HEIGHT = 480;

/** A series of a log-scale line chart; null y values leave a gap. */
export interface LogLineSeries {
  readonly label: string;
  readonly x: readonly number[];
  readonly y: readonly (number | null)[];
}

/** A line chart with a log-scale y axis. */
export interface LogLineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LogLineSeries[];
  /** Dashed horizontal reference lines (e.g. the latency budget). */
  readonly hLines?: readonly { readonly y: number; readonly label: string }[];
}

/** A histogram over bins given by their edges (drawn on a log-scale x axis). */
export interface LogHistogramSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly bins: readonly { readonly from: number; readonly to: number; readonly count: number }[];
  /** Dashed vertical reference lines. */
  readonly vLines?: readonly { readonly x: number; readonly label: string }[];
}

/** Decade bounds covering positive values: [10^floor(log min), 10^ceil(log max)]. */
export function decadeRange(values: readonly number[]): [number, number] {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (positive.length === 0) return [1, 10];
  const lo = 10 ** Math.floor(Math.log10(Math.min(...positive)));
  let hi = 10 ** Math.ceil(Math.log10(Math.max(...positive)));
  if (hi <= lo) hi = lo * 10;
  return [lo, hi];
}

function decadeLabel(v: number): string {
  return v >= 1 ? v.toLocaleString('en-US') : String(Number(v.toPrecision(1)));
}

function frame(title: string, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="${FONT}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" font-size="16" text-anchor="middle">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}

const PW = WIDTH - MARGIN.left - MARGIN.right;
const PH = HEIGHT - MARGIN.top - MARGIN.bottom;

function linearTicks(lo: number, hi: number): number[] {
  return Array.from({ length: 6 }, (_, i) => lo + ((hi - lo) * i) / 5);
}

function fmt(v: number): string {
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(Number(v.toFixed(1)));
}

function axisLabels(xLabel: string, yLabel: string): string[] {
  return [
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PW}" height="${PH}" fill="none" stroke="#333"/>`,
    `<text x="${MARGIN.left + PW / 2}" y="${HEIGHT - 22}" font-size="13" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text x="16" y="${MARGIN.top + PH / 2}" font-size="13" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + PH / 2})">${escapeXml(yLabel)}</text>`,
  ];
}

function legend(labels: readonly string[]): string[] {
  return svgLegend(labels, MARGIN.left + 12, MARGIN.top + 18);
}

/** Renders lines over a log-scale y axis (decade grid) and a linear x axis. */
export function logLineChartSvg(spec: LogLineChartSpec): string {
  for (const s of spec.series) {
    if (s.x.length !== s.y.length)
      throw new ReportRenderError(`series ${s.label}: x and y lengths differ`);
  }
  const ys = spec.series.flatMap((s) => s.y.filter((v): v is number => v !== null));
  const [ylo, yhi] = decadeRange([...ys, ...(spec.hLines ?? []).map((l) => l.y)]);
  const xs = spec.series.flatMap((s) => [...s.x]);
  const xlo = xs.length === 0 ? 0 : Math.min(...xs);
  const xhi = xs.length === 0 ? 1 : Math.max(...xs, xlo + 1);
  const px = (v: number): number => MARGIN.left + ((v - xlo) / (xhi - xlo)) * PW;
  const py = (v: number): number =>
    MARGIN.top +
    PH -
    ((Math.log10(Math.max(v, ylo)) - Math.log10(ylo)) / (Math.log10(yhi) - Math.log10(ylo))) * PH;
  const body = axisLabels(spec.xLabel, spec.yLabel);
  for (let d = ylo; d <= yhi * 1.0001; d *= 10) {
    body.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + PW}" y1="${py(d)}" y2="${py(d)}" stroke="#ddd"/>`,
    );
    body.push(
      `<text x="${MARGIN.left - 6}" y="${py(d) + 4}" font-size="11" text-anchor="end">${decadeLabel(d)}</text>`,
    );
  }
  for (const t of linearTicks(xlo, xhi)) {
    body.push(
      `<line x1="${px(t)}" x2="${px(t)}" y1="${MARGIN.top}" y2="${MARGIN.top + PH}" stroke="#ddd"/>`,
    );
    body.push(
      `<text x="${px(t)}" y="${MARGIN.top + PH + 16}" font-size="11" text-anchor="middle">${fmt(t)}</text>`,
    );
  }
  spec.series.forEach((s, i) => {
    // A null breaks the line (an interval without verdicts), so draw runs of points.
    let run: string[] = [];
    const flush = (): void => {
      if (run.length > 1)
        body.push(
          `<polyline fill="none" stroke="${seriesColor(i)}" stroke-width="2" points="${run.join(' ')}"/>`,
        );
      else if (run.length === 1) {
        const [cx, cy] = (run[0] as string).split(',');
        body.push(`<circle cx="${cx}" cy="${cy}" r="2" fill="${seriesColor(i)}"/>`);
      }
      run = [];
    };
    s.x.forEach((x, k) => {
      const y = s.y[k];
      if (y === null || y === undefined) flush();
      else run.push(`${px(x).toFixed(1)},${py(y).toFixed(1)}`);
    });
    flush();
  });
  for (const l of spec.hLines ?? []) {
    body.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + PW}" y1="${py(l.y)}" y2="${py(l.y)}" stroke="#555" stroke-dasharray="6,4"/>`,
    );
    body.push(
      `<text x="${MARGIN.left + PW - 4}" y="${py(l.y) - 4}" font-size="11" text-anchor="end">${escapeXml(l.label)}</text>`,
    );
  }
  body.push(...legend(spec.series.map((s) => s.label)));
  return frame(spec.title, body);
}

/** Renders a histogram whose bins are drawn at their true widths on a log-scale x axis. */
export function logHistogramSvg(spec: LogHistogramSpec): string {
  const bins = spec.bins.filter((b) => b.to > b.from && b.from > 0);
  const [xlo, xhi] = decadeRange([
    ...bins.flatMap((b) => [b.from, b.to]),
    ...(spec.vLines ?? []).map((l) => l.x),
  ]);
  const ymax = Math.max(1, ...bins.map((b) => b.count));
  const px = (v: number): number =>
    MARGIN.left + ((Math.log10(v) - Math.log10(xlo)) / (Math.log10(xhi) - Math.log10(xlo))) * PW;
  const py = (v: number): number => MARGIN.top + PH - (v / ymax) * PH;
  const body = axisLabels(spec.xLabel, spec.yLabel);
  for (const t of linearTicks(0, ymax)) {
    body.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + PW}" y1="${py(t)}" y2="${py(t)}" stroke="#ddd"/>`,
    );
    body.push(
      `<text x="${MARGIN.left - 6}" y="${py(t) + 4}" font-size="11" text-anchor="end">${fmt(t)}</text>`,
    );
  }
  for (let d = xlo; d <= xhi * 1.0001; d *= 10) {
    body.push(
      `<line x1="${px(d)}" x2="${px(d)}" y1="${MARGIN.top}" y2="${MARGIN.top + PH}" stroke="#ddd"/>`,
    );
    body.push(
      `<text x="${px(d)}" y="${MARGIN.top + PH + 16}" font-size="11" text-anchor="middle">${decadeLabel(d)}</text>`,
    );
  }
  for (const b of bins) {
    const x = px(b.from);
    const w = Math.max(1, px(b.to) - x - 0.5);
    body.push(
      `<rect x="${x.toFixed(1)}" y="${py(b.count).toFixed(1)}" width="${w.toFixed(1)}" height="${(py(0) - py(b.count)).toFixed(1)}" fill="${seriesColor(0)}"/>`,
    );
  }
  for (const l of spec.vLines ?? []) {
    body.push(
      `<line x1="${px(l.x)}" x2="${px(l.x)}" y1="${MARGIN.top}" y2="${MARGIN.top + PH}" stroke="#555" stroke-dasharray="6,4"/>`,
    );
    body.push(
      `<text x="${px(l.x) + 4}" y="${MARGIN.top + 14}" font-size="11">${escapeXml(l.label)}</text>`,
    );
  }
  return frame(spec.title, body);
}
