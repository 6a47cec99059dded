// Public entry point of @fraudstream/charts: SVG line and bar charts and their PNG rendering,
// for the evaluation and benchmark reports. Never loaded by the worker.
export type { ChartsErrorCode } from './errors';
export { CHARTS_ERROR_CODES, ReportRenderError } from './errors';
export type { BarChartSpec, LineChartSpec, LineSeries } from './svg-chart';
export { barChartSvg, escapeXml, lineChartSvg, seriesColor, svgLegend } from './svg-chart';
export { FONT_CANDIDATES, resolveFontFile, svgToPng } from './png';
