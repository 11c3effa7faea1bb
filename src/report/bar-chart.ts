/**
 * A horizontal bar chart as an inline SVG string: one bar per run, the
 * run's name on the left (horizontal bars keep long names readable), its
 * value printed at the bar's end. Bars start at zero so that lengths compare
 * honestly; a missing value shows as a dash without a bar.
 *
 * @example
 * barChart({ title: 'Final accuracy', valueLabel: 'accuracy',
 *   bars: [{ label: 'dense', value: 0.91 }, { label: '1:8 srste', value: 0.87 }] });
 */
import { emptyMessage, gridAndAxes, px, seriesStyle, svgShell, textWidth, truncate, type Frame } from './chart-frame.js';
import { escapeHtml } from './escape.js';
import { MISSING, formatMetric } from './number-format.js';
import { linearScale, niceAxis } from './scale.js';

export interface Bar {
  readonly label: string;
  readonly value: number | undefined;
  /** Palette slot (default: the bar's position). */
  readonly styleIndex?: number;
}

export interface BarChartSpec {
  readonly title: string;
  /** What the bar length measures (the x axis label). */
  readonly valueLabel: string;
  readonly bars: readonly Bar[];
  /** Pixels (default 640); the height follows from the number of bars. */
  readonly width?: number;
}

const ROW = 28;
const LABEL_CHARS = 30;

/** Renders the chart; see BarChartSpec. */
export function barChart(spec: BarChartSpec): string {
  const width = spec.width ?? 640;
  const labels = spec.bars.map((b) => truncate(b.label, LABEL_CHARS));
  const labelWidth = Math.min(220, Math.max(40, ...labels.map((l) => textWidth(l))));
  const rows = Math.max(1, spec.bars.length);
  const frame: Frame = { left: labelWidth + 16, top: 34, width: width - labelWidth - 16 - 64, height: rows * ROW + 8 };
  const height = frame.top + frame.height + 48;
  const values = spec.bars.map((b) => b.value).filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (values.length === 0) {
    return svgShell(width, height, spec.title, [gridAndAxes(frame, null, null, spec.valueLabel, ''), emptyMessage(frame, 'no values')]);
  }
  const axis = niceAxis(Math.min(0, ...values), Math.max(0, ...values), 5);
  const sx = linearScale([axis.lo, axis.hi], [frame.left, frame.left + frame.width]);
  const parts = [gridAndAxes(frame, axis, null, spec.valueLabel, '')];
  spec.bars.forEach((b, i) => {
    const yMid = frame.top + 4 + i * ROW + ROW / 2;
    const name = escapeHtml(b.label);
    parts.push(`<g class="bar" data-label="${name}"><title>${name}: ${escapeHtml(formatMetric(b.value))}</title>`);
    parts.push(`<text x="${px(frame.left - 8)}" y="${px(yMid)}" dy="0.32em" text-anchor="end" fill="#222">${escapeHtml(labels[i]!)}</text>`);
    if (b.value === undefined || !Number.isFinite(b.value)) {
      parts.push(`<text x="${px(sx(0) + 6)}" y="${px(yMid)}" dy="0.32em" fill="#888">${MISSING}</text>`);
    } else {
      const x0 = sx(0);
      const x1 = sx(b.value);
      const { color } = seriesStyle(b.styleIndex ?? i);
      parts.push(`<rect x="${px(Math.min(x0, x1))}" y="${px(yMid - ROW * 0.35)}" width="${px(Math.abs(x1 - x0))}" height="${px(ROW * 0.7)}" fill="${color}"/>`);
      parts.push(`<text x="${px(Math.max(x0, x1) + 5)}" y="${px(yMid)}" dy="0.32em" fill="#222">${escapeHtml(formatMetric(b.value))}</text>`);
    }
    parts.push('</g>');
  });
  return svgShell(width, height, spec.title, parts);
}
