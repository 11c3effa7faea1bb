/** Reports: HTML pages with inline SVG plots, read from run folders. */
export { renderRunReport, runReportHtml } from './run-report.js';
export type { RunReportOptions } from './run-report.js';
export { renderComparisonReport, comparisonReportHtml, mainMetric } from './comparison-report.js';
export type { ComparisonOptions } from './comparison-report.js';
export { loadRun, viewRun } from './run-view.js';
export type { MetricPoint, MetricValues, RunView } from './run-view.js';
export { readRunFolder } from './run-folder.js';
export type { RunFolder } from './run-folder.js';
export type { RunFlops } from './flop-fields.js';
export type { MetricName } from './metric-names.js';
export { lineChart } from './line-chart.js';
export type { LineChartSpec, LineSeries } from './line-chart.js';
export { barChart } from './bar-chart.js';
export type { Bar, BarChartSpec } from './bar-chart.js';
