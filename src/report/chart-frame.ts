/**
 * What every chart shares: the SVG shell with its title, the plot area,
 * gridlines, ticks and axis labels, the legend, and the series colours
 * (Okabe–Ito, readable by colour-blind readers; dashes tell series apart
 * beyond seven). All text is escaped here or by the caller.
 *
 * @example
 * const frame = { left: 64, top: 36, width: 420, height: 250 };
 * svgShell(640, 340, 'Loss', [gridAndAxes(frame, xAxis, yAxis, 'step', 'loss'), legend(items, 500, 40)]);
 */
import { escapeHtml } from './escape.js';
import { formatTick } from './number-format.js';
import { linearScale, type Axis } from './scale.js';

/** The plot area inside the SVG, in pixels. */
export interface Frame {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface SeriesStyle {
  readonly color: string;
  /** stroke-dasharray, '' for a solid line. */
  readonly dash: string;
}

const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const DASHES = ['', '6 3', '2 3'];

/** The colour and dash of the i-th series; run i keeps its style across every chart of a report. */
export function seriesStyle(i: number): SeriesStyle {
  return { color: COLORS[i % COLORS.length]!, dash: DASHES[Math.floor(i / COLORS.length) % DASHES.length]! };
}

/** Rounds a pixel coordinate to 0.01 so paths stay short. */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** Cuts text to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(1, max - 1)) + '…';
}

/** Rough width of text in pixels at the chart's 12 px font (no layout engine here). */
export function textWidth(text: string, fontSize = 12): number {
  return text.length * fontSize * 0.58;
}

/** The <svg> element around the parts, with the title drawn on top and given to screen readers. */
export function svgShell(width: number, height: number, title: string, parts: readonly string[]): string {
  const t = escapeHtml(title);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">` +
    `<title>${t}</title>` +
    `<text x="${px(width / 2)}" y="20" text-anchor="middle" font-size="14" font-weight="600" fill="#222">${t}</text>` +
    parts.join('') +
    '</svg>'
  );
}

/** A light background, gridlines and tick labels for each axis given, and the axis labels. */
export function gridAndAxes(frame: Frame, x: Axis | null, y: Axis | null, xLabel: string, yLabel: string): string {
  const { left, top, width, height } = frame;
  const right = left + width;
  const bottom = top + height;
  const out: string[] = [`<rect class="plot-area" x="${px(left)}" y="${px(top)}" width="${px(width)}" height="${px(height)}" fill="#fafafa" stroke="#bbb"/>`];
  if (x !== null) {
    const sx = linearScale([x.lo, x.hi], [left, right]);
    for (const t of x.ticks) {
      const p = px(sx(t));
      out.push(`<line x1="${p}" y1="${px(top)}" x2="${p}" y2="${px(bottom)}" stroke="#e4e4e4"/>`);
      out.push(`<line x1="${p}" y1="${px(bottom)}" x2="${p}" y2="${px(bottom + 4)}" stroke="#888"/>`);
      out.push(`<text class="tick" x="${p}" y="${px(bottom + 16)}" text-anchor="middle" fill="#444">${escapeHtml(formatTick(t, x.step))}</text>`);
    }
  }
  if (y !== null) {
    const sy = linearScale([y.lo, y.hi], [bottom, top]);
    for (const t of y.ticks) {
      const p = px(sy(t));
      out.push(`<line x1="${px(left)}" y1="${p}" x2="${px(right)}" y2="${p}" stroke="#e4e4e4"/>`);
      out.push(`<line x1="${px(left - 4)}" y1="${p}" x2="${px(left)}" y2="${p}" stroke="#888"/>`);
      out.push(`<text class="tick" x="${px(left - 7)}" y="${p}" dy="0.32em" text-anchor="end" fill="#444">${escapeHtml(formatTick(t, y.step))}</text>`);
    }
  }
  out.push(`<text class="x-label" x="${px(left + width / 2)}" y="${px(bottom + 36)}" text-anchor="middle" fill="#222">${escapeHtml(xLabel)}</text>`);
  const cy = px(top + height / 2);
  out.push(`<text class="y-label" x="16" y="${cy}" transform="rotate(-90 16 ${cy})" text-anchor="middle" fill="#222">${escapeHtml(yLabel)}</text>`);
  return out.join('');
}

export interface LegendItem {
  readonly name: string;
  readonly style: SeriesStyle;
}

/** Legend width in pixels for names cut to LEGEND_CHARS. */
export const LEGEND_WIDTH = 170;
const LEGEND_CHARS = 22;

/** A column of legend entries starting at (x, y); long names are cut, the full name stays in a tooltip. */
export function legend(items: readonly LegendItem[], x: number, y: number): string {
  return items
    .map((item, i) => {
      const ly = y + i * 18;
      const dash = item.style.dash === '' ? '' : ` stroke-dasharray="${item.style.dash}"`;
      return (
        `<g class="legend-item"><title>${escapeHtml(item.name)}</title>` +
        `<line x1="${px(x)}" y1="${px(ly)}" x2="${px(x + 22)}" y2="${px(ly)}" stroke="${item.style.color}" stroke-width="2.5"${dash}/>` +
        `<text x="${px(x + 28)}" y="${px(ly)}" dy="0.32em" fill="#222">${escapeHtml(truncate(item.name, LEGEND_CHARS))}</text></g>`
      );
    })
    .join('');
}

/** A centred message in an empty plot area. */
export function emptyMessage(frame: Frame, text: string): string {
  return `<text x="${px(frame.left + frame.width / 2)}" y="${px(frame.top + frame.height / 2)}" text-anchor="middle" fill="#888">${escapeHtml(text)}</text>`;
}
