/**
 * Glob patterns over qualified parameter names (`blocks.0.mlp.fc1.weight`):
 * `*` matches within one dot-separated part, `**` any run of whole parts
 * (none included), `?` one character other than a dot.
 *
 * @example
 * matchesGlob('blocks.3.mlp.fc1.weight', 'blocks.*.mlp.*.weight'); // true
 * matchesGlob('blocks.3.mlp.fc1.weight', '**.fc1.weight');         // true
 * matchesGlob('head.weight', 'blocks.**');                          // false
 */
const cache = new Map<string, RegExp>();

export function matchesGlob(name: string, glob: string): boolean {
  let re = cache.get(glob);
  if (re === undefined) {
    re = new RegExp(`^${globSource(glob)}$`);
    cache.set(glob, re);
  }
  return re.test(name);
}

function globSource(glob: string): string {
  return glob
    .split('.')
    .map((part, i, parts) => {
      if (part === '**') {
        // Any run of parts, keeping the dots between neighbours right when it matches none.
        if (parts.length === 1) return '.*';
        if (i === parts.length - 1) return '(?:\\..*)?';
        return i === 0 ? '(?:.*\\.)?' : '\\.(?:.*\\.)?';
      }
      const body = part.replace(/[\\^$+()[\]{}|]/g, '\\$&').replace(/\*/g, '[^.]*').replace(/\?/g, '[^.]');
      return (i === 0 || parts[i - 1] === '**' ? '' : '\\.') + body;
    })
    .join('');
}
