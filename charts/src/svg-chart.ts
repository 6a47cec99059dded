import { ReportRenderError } from './errors';

/** One series of a line chart. */
export interface LineSeries {
  label: string;
  x: readonly number[];
  y: readonly number[];
}

/** A line chart: series over shared linear axes. */
export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** Axis ranges; default to the data's range. */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Optional horizontal and vertical reference lines (e.g. a target). */
  hLines?: readonly { y: number; label: string }[];
  vLines?: readonly { x: number; label: string }[];
  width?: number;
  height?: number;
}

/** A grouped bar chart: one group per category, one bar per series. */
export interface BarChartSpec {
  title: string;
  yLabel: string;
  categories: readonly string[];
  series: readonly { label: string; values: readonly number[] }[];
  yRange?: [number, number];
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];
const FONT = 'DejaVu Sans, sans-serif';
const MARGIN = { left: 70, right: 20, top: 40, bottom: 60 };

/** Text made safe inside SVG (XML) content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function fmt(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0)
    ? v.toExponential(1)
    : String(Number(v.toFixed(2)));
}

function ticks(min: number, max: number, count = 5): number[] {
  const out: number[] = [];
  for (let i = 0; i <= count; i += 1) out.push(min + ((max - min) * i) / count);
  return out;
}

function range(values: number[], given?: [number, number]): [number, number] {
  if (given !== undefined) return given;
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

function frame(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" font-size="16" text-anchor="middle">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}

function axes(
  w: number,
  h: number,
  xr: [number, number] | null,
  yr: [number, number],
  xLabel: string,
  yLabel: string,
): string[] {
  const pw = w - MARGIN.left - MARGIN.right;
  const ph = h - MARGIN.top - MARGIN.bottom;
  const out: string[] = [
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
  ];
  for (const t of ticks(yr[0], yr[1])) {
    const y = MARGIN.top + ph - ((t - yr[0]) / (yr[1] - yr[0])) * ph;
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + pw}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
    );
    out.push(
      `<text x="${MARGIN.left - 6}" y="${y + 4}" font-size="11" text-anchor="end">${fmt(t)}</text>`,
    );
  }
  if (xr !== null) {
    for (const t of ticks(xr[0], xr[1])) {
      const x = MARGIN.left + ((t - xr[0]) / (xr[1] - xr[0])) * pw;
      out.push(
        `<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + ph}" stroke="#ddd"/>`,
      );
      out.push(
        `<text x="${x}" y="${MARGIN.top + ph + 16}" font-size="11" text-anchor="middle">${fmt(t)}</text>`,
      );
    }
  }
  out.push(
    `<text x="${MARGIN.left + pw / 2}" y="${h - 22}" font-size="13" text-anchor="middle">${escapeXml(xLabel)}</text>`,
  );
  out.push(
    `<text x="16" y="${MARGIN.top + ph / 2}" font-size="13" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + ph / 2})">${escapeXml(yLabel)}</text>`,
  );
  return out;
}

/** The colour of series `i`, the same in every chart. */
export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length] ?? '#000';
}

/** A legend of coloured squares and labels, its first row at (x, y). */
export function svgLegend(labels: readonly string[], x: number, y: number): string[] {
  return labels.flatMap((label, i) => [
    `<rect x="${x}" y="${y + i * 18 - 9}" width="12" height="12" fill="${seriesColor(i)}"/>`,
    `<text x="${x + 18}" y="${y + i * 18 + 1}" font-size="12">${escapeXml(label)}</text>`,
  ]);
}

/** Renders a line chart as an SVG document (text in DejaVu Sans). */
export function lineChartSvg(spec: LineChartSpec): string {
  const w = spec.width ?? 720;
  const h = spec.height ?? 480;
  for (const s of spec.series) {
    if (s.x.length !== s.y.length)
      throw new ReportRenderError(`series ${s.label}: x and y lengths differ`);
  }
  const xr = range(
    spec.series.flatMap((s) => [...s.x]),
    spec.xRange,
  );
  const yr = range(
    spec.series.flatMap((s) => [...s.y]),
    spec.yRange,
  );
  const pw = w - MARGIN.left - MARGIN.right;
  const ph = h - MARGIN.top - MARGIN.bottom;
  const px = (v: number): number => MARGIN.left + ((v - xr[0]) / (xr[1] - xr[0])) * pw;
  const py = (v: number): number => MARGIN.top + ph - ((v - yr[0]) / (yr[1] - yr[0])) * ph;
  const body = axes(w, h, xr, yr, spec.xLabel, spec.yLabel);
  spec.series.forEach((s, i) => {
    const pts = s.x.map((x, k) => `${px(x).toFixed(1)},${py(s.y[k] ?? 0).toFixed(1)}`).join(' ');
    body.push(
      `<polyline fill="none" stroke="${seriesColor(i)}" stroke-width="2" points="${pts}"/>`,
    );
  });
  for (const l of spec.hLines ?? []) {
    body.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + pw}" y1="${py(l.y)}" y2="${py(l.y)}" stroke="#555" stroke-dasharray="6,4"/>`,
    );
    body.push(
      `<text x="${MARGIN.left + pw - 4}" y="${py(l.y) - 4}" font-size="11" text-anchor="end">${escapeXml(l.label)}</text>`,
    );
  }
  for (const l of spec.vLines ?? []) {
    body.push(
      `<line x1="${px(l.x)}" x2="${px(l.x)}" y1="${MARGIN.top}" y2="${MARGIN.top + ph}" stroke="#555" stroke-dasharray="6,4"/>`,
    );
    body.push(
      `<text x="${px(l.x) + 4}" y="${MARGIN.top + 14}" font-size="11">${escapeXml(l.label)}</text>`,
    );
  }
  body.push(
    ...svgLegend(
      spec.series.map((s) => s.label),
      MARGIN.left + 12,
      MARGIN.top + 18,
    ),
  );
  return frame(w, h, spec.title, body);
}

/** Renders a grouped bar chart as an SVG document. */
export function barChartSvg(spec: BarChartSpec): string {
  const w = spec.width ?? 720;
  const h = spec.height ?? 420;
  const yr = range([0, ...spec.series.flatMap((s) => [...s.values])], spec.yRange);
  const pw = w - MARGIN.left - MARGIN.right;
  const ph = h - MARGIN.top - MARGIN.bottom;
  const py = (v: number): number => MARGIN.top + ph - ((v - yr[0]) / (yr[1] - yr[0])) * ph;
  const body = axes(w, h, null, yr, '', spec.yLabel);
  const groupW = pw / Math.max(1, spec.categories.length);
  const barW = (groupW * 0.8) / Math.max(1, spec.series.length);
  spec.categories.forEach((cat, c) => {
    const gx = MARGIN.left + c * groupW + groupW * 0.1;
    spec.series.forEach((s, i) => {
      const v = s.values[c] ?? 0;
      const x = gx + i * barW;
      body.push(
        `<rect x="${x.toFixed(1)}" y="${py(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(py(yr[0]) - py(v)).toFixed(1)}" fill="${seriesColor(i)}"/>`,
      );
      body.push(
        `<text x="${(x + barW / 2).toFixed(1)}" y="${(py(v) - 4).toFixed(1)}" font-size="10" text-anchor="middle">${fmt(v)}</text>`,
      );
    });
    body.push(
      `<text x="${gx + groupW * 0.4}" y="${MARGIN.top + ph + 18}" font-size="12" text-anchor="middle">${escapeXml(cat)}</text>`,
    );
  });
  body.push(
    ...svgLegend(
      spec.series.map((s) => s.label),
      MARGIN.left + 12,
      MARGIN.top + 18,
    ),
  );
  return frame(w, h, spec.title, body);
}
