// Builds the native addon during `npm install`. A failed build is not fatal:
// sparsekit then runs on its TypeScript reference kernels and says so once.
import { spawnSync } from 'node:child_process';

if (process.env.SPARSEKIT_SKIP_NATIVE === '1') {
  console.warn('sparsekit: SPARSEKIT_SKIP_NATIVE=1, not building the native addon (reference kernels will run).');
  process.exit(0);
}
const result = spawnSync('node-gyp', ['rebuild'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (result.status !== 0) {
  console.warn(
    '\nsparsekit: the native addon did not build (node-gyp exited with ' + result.status + ').\n' +
      'sparsekit will run on its slow TypeScript reference kernels.\n' +
      'To fix: install g++, make and python3, then run `npm run build:native`.\n',
  );
  if (process.env.SPARSEKIT_REQUIRE_NATIVE === '1') process.exit(1);
}
