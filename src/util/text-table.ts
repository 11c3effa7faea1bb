/**
 * Rows of cells as an aligned plain-text table (two spaces between columns).
 * `numbers` keeps the first column left-aligned and right-aligns the rest.
 *
 * @example
 * alignColumns([['name', 'bytes'], ['fc1.weight', '4096']], 'numbers');
 */
export function alignColumns(rows: ReadonlyArray<readonly string[]>, align: 'left' | 'numbers' = 'left'): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const pad = (cell: string, i: number): string => (align === 'left' || i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!));
  return rows.map((r) => r.map(pad).join('  ').trimEnd()).join('\n');
}
