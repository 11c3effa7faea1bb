// Lists the native sources of one group for binding.gyp (see its header).
import { readdirSync } from 'node:fs';

const group = process.argv[2];
const pick = {
  avx2: ['native/kernels', (f) => f.endsWith('.avx2.cc')],
  avx512: ['native/kernels', (f) => f.endsWith('.avx512.cc')],
  portable: ['native/kernels', (f) => f.endsWith('.cc') && !/\.(avx2|avx512)\.cc$/.test(f)],
  binding: ['native/binding', (f) => f.endsWith('.cc')],
}[group];
if (!pick) {
  console.error(`native-sources: unknown group "${group}" (avx2, avx512, portable, binding)`);
  process.exit(1);
}
const [dir, match] = pick;
const files = readdirSync(dir).filter(match).sort().map((f) => `${dir}/${f}`);
if (files.length === 0) {
  console.error(`native-sources: no files in group "${group}" under ${dir}`);
  process.exit(1);
}
console.log(files.join(' '));
