// Runs every test/**/*.test.ts file with node's test runner (Node 20 does not
// expand globs itself). Extra arguments filter files by substring.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = findTests('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=tap', ...files],
  // Recycled step buffers are NaN-filled, so a use after its step fails a test (src/tensor/buffer-pool.ts).
  { stdio: 'inherit', env: { SPARSEKIT_POOL_CHECK: '1', ...process.env } },
);
process.exit(result.status ?? 1);
