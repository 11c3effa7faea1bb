/**
 * `sparsekit report <run-dir...>`: the HTML report of one run (written into
 * the run folder as report.html), or one page comparing several runs.
 *
 * @example
 * // sparsekit report runs/vit-dense
 * // sparsekit report runs/vit-dense runs/vit-srste runs/vit-mdgf --title "1:8 flows" --out runs/flows.html
 */
import { Command } from 'commander';
import { renderComparisonReport } from '../../report/comparison-report.js';
import { renderRunReport } from '../../report/run-report.js';

interface ReportFlags {
  out?: string;
  title?: string;
}

/** The `report` command. */
export function reportCommand(): Command {
  return new Command('report')
    .description('write an HTML report with plots: of one run, or comparing several runs')
    .argument('<run-dir...>', 'run folders (runs/<name>/, each holding metrics.jsonl and summary.json)')
    .option('--out <file>', 'the HTML file to write (default: report.html inside the run for one run; comparison.html beside the runs for several)')
    .option('--title <text>', 'page title')
    .action((dirs: string[], flags: ReportFlags) => {
      const opts = { ...(flags.out !== undefined && { out: flags.out }), ...(flags.title !== undefined && { title: flags.title }) };
      const path = dirs.length === 1 ? renderRunReport(dirs[0]!, opts) : renderComparisonReport(dirs, opts);
      console.log(`wrote ${path}`);
    });
}
