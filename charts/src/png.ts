import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { ReportRenderError } from './errors';

/**
 * Font files tried in order. System font discovery differs between machines, so the renderer
 * loads one known file explicitly: Debian/Ubuntu package `fonts-dejavu-core`.
 */
export const FONT_CANDIDATES: readonly string[] = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
];

/** The font file used for chart text: `fontFile` if given, else the first candidate present. */
export function resolveFontFile(fontFile?: string): string {
  const candidates = fontFile === undefined ? FONT_CANDIDATES : [fontFile];
  const found = candidates.find((f) => existsSync(f));
  if (found === undefined) {
    throw new ReportRenderError(
      `no font for chart text: tried ${candidates.join(', ')}; install the Debian package ` +
        'fonts-dejavu-core (apt-get install fonts-dejavu-core) or pass a .ttf path',
    );
  }
  return found;
}

/** Rasterises an SVG document to PNG bytes, with text in the resolved font. */
export function svgToPng(svg: string, fontFile?: string): Buffer {
  const font = resolveFontFile(fontFile);
  try {
    const resvg = new Resvg(svg, {
      background: 'white',
      font: { loadSystemFonts: false, fontFiles: [font], defaultFontFamily: 'DejaVu Sans' },
    });
    return Buffer.from(resvg.render().asPng());
  } catch (err) {
    throw new ReportRenderError(`cannot render chart: ${String(err)}`, { cause: err });
  }
}
