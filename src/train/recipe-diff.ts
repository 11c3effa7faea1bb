/**
 * The key paths where two recipes differ, so that `--resume` with a changed
 * recipe is refused with the keys named.
 *
 * @example
 * recipeDifferences({ train: { epochs: 2 } }, { train: { epochs: 3 } }); // ['train.epochs']
 */
export function recipeDifferences(a: unknown, b: unknown, prefix = ''): string[] {
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => recipeDifferences(a[k], b[k], prefix === '' ? k : `${prefix}.${k}`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((v, i) => recipeDifferences(v, b[i], `${prefix}[${i}]`));
  }
  return Object.is(a, b) ? [] : [prefix === '' ? '(the whole recipe)' : prefix];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
