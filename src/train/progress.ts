/**
 * Progress of a long loop: on a terminal, one line redrawn in place with a
 * bar, throughput and ETA; elsewhere (CI, files), a plain line every few
 * seconds, so logs stay readable.
 *
 * @example
 * const bar = new Progress({ total: steps, label: 'epoch 1', unit: 'samples' });
 * bar.tick(batchSize, { loss: 0.42 }); ... bar.done();
 */
export interface ProgressOptions {
  total: number;
  label: string;
  /** What tick() counts, for the rate ("samples", "tokens"). */
  unit?: string;
  stream?: NodeJS.WriteStream;
  /** Seconds between plain lines when not on a terminal (default 10). */
  plainEvery?: number;
  /** Print nothing at all. */
  quiet?: boolean;
}

export class Progress {
  private done_ = 0;
  private readonly start = performance.now();
  private lastDraw = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private stats: Record<string, number> = {};

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = this.stream.isTTY === true;
  }

  /** Advances by n units and updates the shown statistics. */
  tick(n: number, stats: Record<string, number> = {}): void {
    this.done_ += n;
    this.stats = stats;
    const now = performance.now();
    const every = this.tty ? 100 : (this.opts.plainEvery ?? 10) * 1000;
    if (now - this.lastDraw >= every) {
      this.lastDraw = now;
      this.draw(false);
    }
  }

  /** Prints a line of its own (an evaluation result) without breaking the bar, which is redrawn on the next tick. */
  note(text: string): void {
    if (this.opts.quiet) return;
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${text}\n`);
      this.lastDraw = 0;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Final line (always printed unless quiet). */
  done(): void {
    this.draw(true);
  }

  private draw(final: boolean): void {
    if (this.opts.quiet) return;
    const elapsed = (performance.now() - this.start) / 1000;
    const rate = elapsed > 0 ? this.done_ / elapsed : 0;
    const frac = this.opts.total > 0 ? Math.min(1, this.done_ / this.opts.total) : 0;
    const eta = rate > 0 ? (this.opts.total - this.done_) / rate : 0;
    const stats = Object.entries(this.stats)
      .map(([k, v]) => `${k} ${formatNumber(v)}`)
      .join('  ');
    const unit = this.opts.unit ?? 'it';
    const timing = final ? `${formatDuration(elapsed)}` : `ETA ${formatDuration(eta)}`;
    const text = `${this.opts.label} ${(frac * 100).toFixed(0).padStart(3)}%  ${formatNumber(rate)} ${unit}/s  ${timing}  ${stats}`;
    if (this.tty) {
      const width = 20;
      const filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      this.stream.write(`\r\x1b[2K${bar} ${text}${final ? '\n' : ''}`);
    } else {
      this.stream.write(`${text}\n`);
    }
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e4) return v.toExponential(2);
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(3);
  return v.toPrecision(3);
}
