/**
 * A line chart as an inline SVG string: several series over shared linear
 * axes, gridlines at nice ticks, a legend on the right when there is more
 * than one series. Points whose x or y is not finite break the line. Long
 * series are thinned per pixel column, keeping each column's first, lowest,
 * highest and last point, so spikes stay visible.
 *
 * @example
 * lineChart({ title: 'Training loss', xLabel: 'step', yLabel: 'loss',
 *   series: [{ name: 'dense', points: [[0, 2.3], [100, 1.1]] }] });
 */
import { emptyMessage, gridAndAxes, legend, LEGEND_WIDTH, px, seriesStyle, svgShell, textWidth, type Frame, type SeriesStyle } from './chart-frame.js';
import { escapeHtml } from './escape.js';
import { formatMetric, formatTick } from './number-format.js';
import { extent, linearScale, niceAxis } from './scale.js';

export type Point = readonly [number, number];

export interface LineSeries {
  readonly name: string;
  readonly points: readonly Point[];
  /** Palette slot (default: the series' position), so one run keeps its colour in every chart. */
  readonly styleIndex?: number;
  /** When set (0 < s < 1): the logged points drawn faint, and their exponential moving average with this weight on top. */
  readonly smoothing?: number;
}

export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /** Pixels (default 640 × 340). */
  readonly width?: number;
  readonly height?: number;
  /** Start the y axis at zero rather than near the data's minimum. */
  readonly yFromZero?: boolean;
  /** Shown when no series has a finite point. */
  readonly emptyText?: string;
}

const MARKER_LIMIT = 40;

/** Renders the chart; see LineChartSpec. */
export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 340;
  const withLegend = spec.series.length > 1;
  const frameAt = (left: number): Frame => ({ left, top: 34, width: width - left - (withLegend ? LEGEND_WIDTH + 16 : 20), height: height - 34 - 48 });
  const finite = spec.series.flatMap((s) => s.points.filter(isFinitePoint));
  if (finite.length === 0) {
    const frame = frameAt(64);
    return svgShell(width, height, spec.title, [gridAndAxes(frame, null, null, spec.xLabel, spec.yLabel), emptyMessage(frame, spec.emptyText ?? 'no data logged')]);
  }
  const xs = finite.map((p) => p[0]);
  const ys = finite.map((p) => p[1]);
  // steps and epochs are whole numbers: no tick between them
  const [x0, x1] = extent(xs);
  const [y0, y1] = extent(ys);
  const xAxis = niceAxis(x0, x1, 6, xs.every(Number.isInteger));
  const yAxis = niceAxis(spec.yFromZero === true ? Math.min(0, y0) : y0, y1, 5);
  // room for the widest y tick label, beside the rotated axis label
  const frame = frameAt(Math.max(56, 34 + Math.max(...yAxis.ticks.map((t) => textWidth(formatTick(t, yAxis.step))))));
  const sx = linearScale([xAxis.lo, xAxis.hi], [frame.left, frame.left + frame.width]);
  const sy = linearScale([yAxis.lo, yAxis.hi], [frame.top + frame.height, frame.top]);
  const parts = [gridAndAxes(frame, xAxis, yAxis, spec.xLabel, spec.yLabel)];
  const items = spec.series.map((s, i) => ({ name: s.name, style: seriesStyle(s.styleIndex ?? i) }));
  spec.series.forEach((s, i) => {
    const style = items[i]!.style;
    const pts = s.points.map((p): Point => [sx(p[0]), sy(p[1])]);
    const smooth = s.smoothing !== undefined && s.smoothing > 0 && s.smoothing < 1;
    const name = escapeHtml(s.name);
    parts.push(`<g class="series" data-series="${name}">`);
    parts.push(pathElement(thin(pts, frame.width), style, smooth ? 'raw' : 'line', smooth ? 0.3 : 1, smooth ? 1 : 2));
    if (smooth) parts.push(pathElement(thin(ema(s.points, s.smoothing).map((p): Point => [sx(p[0]), sy(p[1])]), frame.width), style, 'smoothed', 1, 2.2));
    else if (s.points.filter(isFinitePoint).length <= MARKER_LIMIT) parts.push(markers(s, pts, style));
    parts.push('</g>');
  });
  if (withLegend) parts.push(legend(items, frame.left + frame.width + 16, frame.top + 8));
  return svgShell(width, height, spec.title, parts);
}

function isFinitePoint(p: Point): boolean {
  return Number.isFinite(p[0]) && Number.isFinite(p[1]);
}

function pathElement(pts: readonly Point[], style: SeriesStyle, cls: string, opacity: number, strokeWidth: number): string {
  let d = '';
  let open = false;
  for (const p of pts) {
    if (!isFinitePoint(p)) {
      open = false;
      continue;
    }
    d += `${open ? 'L' : 'M'}${px(p[0])},${px(p[1])}`;
    open = true;
  }
  const dash = style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`;
  const op = opacity === 1 ? '' : ` stroke-opacity="${opacity}"`;
  return `<path class="${cls}" d="${d}" fill="none" stroke="${style.color}" stroke-width="${strokeWidth}" stroke-linejoin="round"${dash}${op}/>`;
}

function markers(s: LineSeries, pts: readonly Point[], style: SeriesStyle): string {
  let out = '';
  pts.forEach((p, i) => {
    if (!isFinitePoint(p)) return;
    const [x, y] = s.points[i]!;
    const tip = `${s.name}: ${formatMetric(x)}, ${formatMetric(y)}`;
    out += `<circle cx="${px(p[0])}" cy="${px(p[1])}" r="3" fill="${style.color}"><title>${escapeHtml(tip)}</title></circle>`;
  });
  return out;
}

/** Keeps at most four points per pixel column (first, min, max, last, in order); non-finite points pass through as breaks. */
function thin(pts: readonly Point[], plotWidth: number): readonly Point[] {
  if (pts.length <= 4 * plotWidth) return pts;
  const out: Point[] = [];
  let group: Point[] = [];
  const flush = (): void => {
    if (group.length === 0) return;
    let lo = group[0]!;
    let hi = group[0]!;
    for (const p of group) {
      if (p[1] < lo[1]) lo = p;
      if (p[1] > hi[1]) hi = p;
    }
    const keep = new Set([group[0]!, lo, hi, group[group.length - 1]!]);
    for (const p of group) if (keep.has(p)) out.push(p);
    group = [];
  };
  for (const p of pts) {
    if (!isFinitePoint(p)) {
      flush();
      out.push(p);
    } else {
      if (group.length > 0 && Math.floor(p[0]) !== Math.floor(group[0]![0])) flush();
      group.push(p);
    }
  }
  flush();
  return out;
}

/** Exponential moving average with start-up bias removed, as TensorBoard smooths curves; non-finite points are skipped. */
function ema(points: readonly Point[], weight = 0.9): Point[] {
  const out: Point[] = [];
  let avg = 0;
  let n = 0;
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    avg = weight * avg + (1 - weight) * y;
    n++;
    out.push([x, avg / (1 - weight ** n)]);
  }
  return out;
}
