/**
 * A run's folder, runs/<name>/: the resolved recipe, metrics.jsonl (one JSON
 * object per line, appended), summary.json and checkpoints. Every whole-file
 * write is atomic; metrics lines are appended and flushed one at a time.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { ioErrorFrom } from '../io/io-error.js';
import { stringify as toYaml } from 'yaml';

export class RunDir {
  constructor(readonly path: string) {}

  static create(root: string, name: string): RunDir {
    const path = join(root, name);
    try {
      mkdirSync(path, { recursive: true });
    } catch (err) {
      throw ioErrorFrom(err, 'cannot create the run folder', path);
    }
    return new RunDir(path);
  }

  file(name: string): string {
    return join(this.path, name);
  }

  writeRecipe(recipe: unknown): void {
    writeFileAtomic(this.file('recipe.yaml'), toYaml(recipe));
  }

  /** Appends one metrics record (a line of metrics.jsonl). */
  logMetrics(record: Record<string, unknown>): void {
    try {
      appendFileSync(this.file('metrics.jsonl'), JSON.stringify(record) + '\n');
    } catch (err) {
      throw ioErrorFrom(err, 'cannot append to', this.file('metrics.jsonl'));
    }
  }

  /** Keeps only the first `count` lines of metrics.jsonl (a resumed run rewinds to its checkpoint). */
  truncateMetrics(count: number): void {
    const lines = this.readMetrics().slice(0, count);
    writeFileAtomic(this.file('metrics.jsonl'), lines.map((l) => JSON.stringify(l) + '\n').join(''));
  }

  readMetrics(): Record<string, unknown>[] {
    const path = this.file('metrics.jsonl');
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  writeSummary(summary: Record<string, unknown>): void {
    writeFileAtomic(this.file('summary.json'), JSON.stringify(summary, null, 2) + '\n');
  }
}
