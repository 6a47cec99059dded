/** Stable, documented error codes of @fraudstream/charts (listed in docs/errors.md). */
export const CHARTS_ERROR_CODES = ['FS_REPORT_RENDER'] as const;

/** One of the chart renderer's error codes. */
export type ChartsErrorCode = (typeof CHARTS_ERROR_CODES)[number];

/** A chart could not be rendered (bad data, or no font available for the labels). Never retriable. */
export class ReportRenderError extends Error {
  override readonly name = 'ReportRenderError';
  readonly code: ChartsErrorCode = 'FS_REPORT_RENDER';
  readonly retriable = false;

  /** `message` says what could not be drawn and why. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
