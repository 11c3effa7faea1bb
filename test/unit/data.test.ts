import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArgumentError, ByteVocab, CharVocab, FASHION_MNIST_EMBEDDED_DIR, FASHION_MNIST_SYSTEM_DIR, FormatError, ImageLoader, TextLoader,
  classCounts, encodeIdx, gaussianBlobs, generateCorpus, imageDataset, linearRegression, loadFashionMnist, loadTextFile,
  syntheticImages, textDataset, vocabFromJson, vocabToJson, type ImageBatch, type LoaderState, type TextBatch,
} from '../../src/index.js';

const snapshot = (b: ImageBatch | TextBatch): string =>
  'idsShape' in b ? JSON.stringify([b.epoch, b.index, [...b.x], [...b.y]]) : JSON.stringify([b.epoch, b.index, b.x.shape, [...b.x.data], [...b.y]]);
const jsonRoundTrip = (s: LoaderState): LoaderState => JSON.parse(JSON.stringify(s)) as LoaderState;

test('image loader: the same seed gives the same batches, and each epoch serves every image once', () => {
  const ds = syntheticImages({ count: 50, classes: 5, size: 4, seed: 3 });
  const a = new ImageLoader(ds, { batchSize: 8, seed: 7 });
  const b = new ImageLoader(ds, { batchSize: 8, seed: 7 });
  const c = new ImageLoader(ds, { batchSize: 8, seed: 8 });
  assert.equal(a.batchesPerEpoch, 7); // 6 full batches and one of 2
  const ea = [...a.epoch()];
  assert.deepEqual(ea.map(snapshot), [...b.epoch()].map(snapshot));
  assert.notDeepEqual(ea.map(snapshot), [...c.epoch()].map(snapshot));
  assert.deepEqual(ea.map((x) => x.y.length), [8, 8, 8, 8, 8, 8, 2]);
  // Labels are i mod 5, so each epoch holds 10 of each class; the second epoch has another order.
  const labels = ea.flatMap((x) => [...x.y]);
  assert.deepEqual([0, 1, 2, 3, 4].map((k) => labels.filter((y) => y === k).length), [10, 10, 10, 10, 10]);
  const second = [...a.epoch()];
  assert.equal(second[0]!.epoch, 1);
  assert.notDeepEqual(second.flatMap((x) => [...x.y]), labels);
  const dropping = new ImageLoader(ds, { batchSize: 8, dropLast: true });
  assert.equal(dropping.batchesPerEpoch, 6);
});

test('image loader resumes exactly: batches after setState equal those of an uninterrupted run, with augmentation', () => {
  const ds = syntheticImages({ count: 37, classes: 3, size: 5, seed: 1 });
  const opts = { batchSize: 6, seed: 11, augment: { cropPadding: 2, flip: true } };
  const reference = new ImageLoader(ds, opts);
  const all = Array.from({ length: 30 }, () => snapshot(reference.next())); // about four epochs
  for (const stop of [0, 1, 6, 7, 13, 21]) {
    const first = new ImageLoader(ds, opts);
    for (let i = 0; i < stop; i++) first.next();
    const resumed = new ImageLoader(ds, opts);
    resumed.setState(jsonRoundTrip(first.getState()));
    const rest = Array.from({ length: 30 - stop }, () => snapshot(resumed.next()));
    assert.deepEqual(rest, all.slice(stop), `resumed after ${stop} batches`);
  }
  const other = new ImageLoader(syntheticImages({ count: 40, size: 5 }), opts);
  assert.throws(() => other.setState(reference.getState()), /data of 37 samples.*this loader has 40; resume with the same dataset/);
  assert.throws(() => other.setState({ epoch: -1 } as unknown as LoaderState), ArgumentError);
});

test('random crop with padding 1 and flip produce exactly the 18 hand-worked views of a 2×2 image, each about equally often', () => {
  const ds = imageDataset('one', Float32Array.of(1, 2, 3, 4), Int32Array.of(0), [1, 1, 2, 2], 1);
  // Padded with zeros: rows 0 0 0 0 / 0 1 2 0 / 0 3 4 0 / 0 0 0 0; a 2×2 window at each of 9 offsets, then mirrored or not.
  const crops = ['0,0,0,1', '0,0,1,2', '0,0,2,0', '0,1,0,3', '1,2,3,4', '2,0,4,0', '0,3,0,0', '3,4,0,0', '4,0,0,0'];
  const mirrored = ['0,0,1,0', '0,0,2,1', '0,0,0,2', '1,0,3,0', '2,1,4,3', '0,2,0,4', '3,0,0,0', '4,3,0,0', '0,4,0,0'];
  const counts = new Map<string, number>();
  const loader = new ImageLoader(ds, { batchSize: 1, seed: 5, augment: { cropPadding: 1, flip: true } });
  for (let i = 0; i < 3600; i++) {
    const key = [...loader.next().x.data].join(',');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), [...crops, ...mirrored].sort());
  for (const [key, n] of counts) assert.ok(n > 120 && n < 280, `${key} seen ${n} times, expected about 200`);
});

test('flip mirrors rows of a non-square image; normalisation and crop fill follow (pixel/255 - mean) / std', () => {
  const wide = imageDataset('wide', Float32Array.of(1, 2, 3, 4, 5, 6), Int32Array.of(0), [1, 1, 2, 3], 1);
  const seen = new Set<string>();
  const flipper = new ImageLoader(wide, { batchSize: 1, seed: 2, augment: { flip: true } });
  for (let i = 0; i < 40; i++) seen.add([...flipper.next().x.data].join(','));
  assert.deepEqual([...seen].sort(), ['1,2,3,4,5,6', '3,2,1,6,5,4']);

  const bytes = imageDataset('bytes', Uint8Array.of(0, 51, 102, 255), Int32Array.of(0), [1, 1, 2, 2], 1);
  const plain = new ImageLoader(bytes, { batchSize: 1, normalize: { mean: [0.5], std: [2] } }).next();
  assert.deepEqual(plain.x.shape, [1, 1, 2, 2]);
  // 0 → -0.25, 51/255 = 0.2 → -0.15, 102/255 = 0.4 → -0.05, 1 → 0.25
  [-0.25, -0.15, -0.05, 0.25].forEach((v, i) => assert.ok(Math.abs(plain.x.data[i]! - v) < 1e-6));
  const shifted = new ImageLoader(bytes, { batchSize: 1, seed: 0, normalize: { mean: [0.5], std: [2] }, augment: { cropPadding: 1 } });
  for (let i = 0; i < 20; i++) {
    for (const v of shifted.next().x.data) assert.ok([-0.25, -0.15, -0.05, 0.25].some((e) => Math.abs(v - e) < 1e-6), `${v}: padding must read as pixel 0`);
  }
  assert.throws(() => new ImageLoader(bytes, { batchSize: 1, normalize: { mean: [0.5, 0.5], std: [1, 1] } }), /needs 1 means and 1 positive stds/);
  assert.throws(() => new ImageLoader(bytes, { batchSize: 2, dropLast: true }), /make no batch of 2/);
});

test('text: character and byte vocabularies encode and decode any text, and save as JSON', () => {
  const text = 'héllo, wörld 🙂\nnaïve ±1';
  const ds = textDataset(text, { level: 'char', valFraction: 0.25 });
  const vocab = ds.vocab as CharVocab;
  assert.equal(vocab.size, new Set(text).size);
  assert.equal(vocab.decode(vocab.encode(text)), text);
  assert.equal(vocab.encode('🙂').length, 1, 'a surrogate pair is one character');
  assert.deepEqual(vocab.encode(' '), Int32Array.of(1)); // code-point order: '\n' (10) then ' ' (32)
  const n = [...text].length;
  assert.equal(ds.train.length, Math.floor(n * 0.75));
  assert.deepEqual([...ds.train, ...ds.val], [...vocab.encode(text)]);
  assert.throws(() => vocab.encode('hello!'), /character "!" \(U\+0021\) at character 5 is not among/);
  assert.equal(vocabFromJson(JSON.parse(JSON.stringify(vocabToJson(vocab)))).decode(vocab.encode(text)), text);

  const bytes = textDataset(text, { level: 'byte', valFraction: 0 });
  assert.equal(bytes.vocab.size, 256);
  assert.equal(bytes.train.length, Buffer.byteLength(text));
  assert.deepEqual([...bytes.vocab.encode('é')], [0xc3, 0xa9]);
  assert.equal(bytes.vocab.decode(bytes.train), text);
  assert.equal(new ByteVocab().decode([0x68, 0xc3]), 'h\ufffd', 'a cut UTF-8 sequence decodes to U+FFFD, not an error');
  assert.equal(vocabFromJson({ level: 'byte' }).size, 256);
  assert.throws(() => textDataset(''), /the text is empty/);
  assert.throws(() => textDataset('abc', { valFraction: 1 }), /valFraction 1 must be in \[0, 1\)/);
});

test('text files: UTF-8 is read at character level, anything at byte level; missing files and bad UTF-8 give clear errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sk-text-'));
  try {
    writeFileSync(join(dir, 'a.txt'), 'abcabc\n');
    writeFileSync(join(dir, 'bin'), Uint8Array.of(0xff, 0x00, 0x41));
    assert.equal(loadTextFile(join(dir, 'a.txt')).vocab.size, 4);
    assert.deepEqual([...loadTextFile(join(dir, 'bin'), { level: 'byte', valFraction: 0 }).train], [255, 0, 65]);
    assert.throws(() => loadTextFile(join(dir, 'bin')), (e: unknown) => e instanceof FormatError && /not valid UTF-8.*level "byte"/.test(e.message));
    assert.throws(() => loadTextFile(join(dir, 'nope.txt')), (e: unknown) => e instanceof ArgumentError && e.message.includes(join(dir, 'nope.txt')));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('text loader: targets are the inputs shifted by one; sequential windows are hand-checked; random windows resume exactly', () => {
  const ids = Int32Array.from({ length: 21 }, (_, i) => i); // 0..20
  const seq = new TextLoader(ids, { batchSize: 2, blockSize: 4, mode: 'sequential' });
  assert.equal(seq.batchesPerEpoch, 3); // 5 windows of 4 fit before the last target
  const batches = [...seq.epoch()];
  assert.deepEqual(batches.map((b) => [...b.x]), [[0, 1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 14, 15], [16, 17, 18, 19]]);
  assert.deepEqual(batches.map((b) => [...b.y]), [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16], [17, 18, 19, 20]]);
  assert.deepEqual(batches.map((b) => b.idsShape), [[2, 4], [2, 4], [1, 4]]);

  const text = Int32Array.from(generateCorpus({ seed: 3, chars: 5000 }), (c) => c.charCodeAt(0));
  const opts = { batchSize: 3, blockSize: 16, seed: 9 };
  const reference = new TextLoader(text, opts);
  const all = Array.from({ length: 250 }, () => reference.next());
  for (const b of all.slice(0, 5)) {
    for (let r = 0; r < 3; r++) {
      const row = b.x.subarray(r * 16, r * 16 + 16);
      const start = text.findIndex((_, s) => row.every((v, k) => text[s + k] === v));
      assert.ok(start >= 0 && start + 16 < text.length);
      assert.deepEqual([...b.y.subarray(r * 16, r * 16 + 16)], [...text.subarray(start + 1, start + 17)]);
    }
  }
  assert.ok(all.some((b) => b.epoch > 0), 'the run crosses an epoch boundary');
  const first = new TextLoader(text, opts);
  for (let i = 0; i < 117; i++) first.next();
  const resumed = new TextLoader(text, opts);
  resumed.setState(jsonRoundTrip(first.getState()));
  assert.deepEqual(Array.from({ length: 133 }, () => snapshot(resumed.next())), all.slice(117).map(snapshot));
  assert.throws(() => new TextLoader(ids, { batchSize: 1, blockSize: 21 }), /21 tokens are too few for windows of 21 \(at least 22 needed\)/);
});

test('generated corpus: seeded, about the asked length, and its arithmetic and order totals are correct', () => {
  const a = generateCorpus({ seed: 1, chars: 20_000 });
  assert.equal(a, generateCorpus({ seed: 1, chars: 20_000 }));
  assert.notEqual(a, generateCorpus({ seed: 2, chars: 20_000 }));
  assert.ok(a.length >= 20_000 && a.length < 21_000);
  let sums = 0;
  let orders = 0;
  for (const line of a.split('\n')) {
    const m = /^(\d+) ([-+*]) (\d+) = (\d+)$/.exec(line);
    if (m) {
      const [x, y, z] = [Number(m[1]), Number(m[3]), Number(m[4])];
      assert.equal(m[2] === '+' ? x + y : m[2] === '-' ? x - y : x * y, z, line);
      sums++;
    }
    const o = /"qty": (\d+), "price": (\d+)\.(\d\d), "total": (\d+)\.(\d\d)/.exec(line);
    if (o) {
      assert.equal(Number(o[1]) * (Number(o[2]) * 100 + Number(o[3])), Number(o[4]) * 100 + Number(o[5]), line);
      orders++;
    }
  }
  assert.ok(sums > 20 && orders > 5);
  assert.match(a, /^[A-Z][a-z]+ [a-z]/m, 'sentences start with a capital');
});

test('embedded Fashion-MNIST subset loads with the right shapes and exact class balance', () => {
  const { train, test: testSet, embedded, dir } = loadFashionMnist({ source: 'embedded' });
  assert.ok(embedded);
  assert.equal(dir, FASHION_MNIST_EMBEDDED_DIR);
  assert.deepEqual([train.count, train.channels, train.height, train.width], [6000, 1, 28, 28]);
  assert.deepEqual([testSet.count, testSet.channels, testSet.height, testSet.width], [1000, 1, 28, 28]);
  assert.equal(train.images.length, 6000 * 784);
  assert.deepEqual(classCounts(train), new Array(10).fill(600));
  assert.deepEqual(classCounts(testSet), new Array(10).fill(100));
  assert.equal(train.classNames![9], 'Ankle boot');
  const batch = new ImageLoader(train, { batchSize: 64, seed: 0 }).next();
  assert.deepEqual(batch.x.shape, [64, 1, 28, 28]);
  assert.ok(Math.max(...batch.x.data) <= 1 && Math.min(...batch.x.data) >= 0);
  // 'auto' takes the system set exactly when Debian's package is installed.
  const systemThere = existsSync(join(FASHION_MNIST_SYSTEM_DIR, 'train-images-idx3-ubyte.gz'));
  assert.equal(loadFashionMnist().embedded, !systemThere);
});

test('a missing Fashion-MNIST path or file is an error naming the path and the fix; bad label files are caught', () => {
  assert.throws(() => loadFashionMnist({ source: '/no/such/folder' }), (e: unknown) =>
    e instanceof ArgumentError && /\/no\/such\/folder does not exist/.test(e.message) && /apt install dataset-fashion-mnist/.test(e.message));
  const dir = mkdtempSync(join(tmpdir(), 'sk-fm-'));
  try {
    const img = encodeIdx({ dtype: 'u8', shape: [2, 2, 2], data: new Uint8Array(8) });
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), img);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), encodeIdx({ dtype: 'u8', shape: [2], data: Uint8Array.of(1, 12) }, true));
    assert.throws(() => loadFashionMnist({ source: dir }), /has no t10k-images-idx3-ubyte\[\.gz\], t10k-labels-idx1-ubyte\[\.gz\]; install/);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), img);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx({ dtype: 'u8', shape: [3], data: Uint8Array.of(1, 2, 3) }));
    assert.throws(() => loadFashionMnist({ source: dir }), /label 12 at index 1 is not a class 0\.\.9/);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), encodeIdx({ dtype: 'u8', shape: [2], data: Uint8Array.of(1, 2) }, true));
    assert.throws(() => loadFashionMnist({ source: dir }), /expected 2 u8 labels to match .*t10k-images.*found u8 \[3\]/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('synthetic sets carry the structure they promise', () => {
  const { x, y, centers } = gaussianBlobs({ count: 300, classes: 3, dim: 4, spread: 0.3, seed: 4 });
  assert.deepEqual(x.shape, [300, 4]);
  let right = 0;
  for (let n = 0; n < 300; n++) {
    let best = -1;
    let bestD = Infinity;
    for (let c = 0; c < 3; c++) {
      let d = 0;
      for (let k = 0; k < 4; k++) d += (x.data[n * 4 + k]! - centers.data[c * 4 + k]!) ** 2;
      if (d < bestD) [best, bestD] = [c, d];
    }
    if (best === y[n]) right++;
  }
  assert.ok(right >= 290, `nearest centre gets ${right}/300`);

  const reg = linearRegression({ count: 2000, inFeatures: 3, outFeatures: 2, noise: 0.1, seed: 5 });
  let sq = 0;
  for (let n = 0; n < 2000; n++) {
    for (let j = 0; j < 2; j++) {
      let p = reg.bias.data[j]!;
      for (let k = 0; k < 3; k++) p += reg.x.data[n * 3 + k]! * reg.weight.data[j * 3 + k]!;
      sq += (reg.y.data[n * 2 + j]! - p) ** 2;
    }
  }
  assert.ok(Math.abs(Math.sqrt(sq / 4000) - 0.1) < 0.01, 'residuals have the noise level');

  // Nearest class mean (means from the first half) classifies the second half well: the classes are learnable.
  const imgs = syntheticImages({ count: 400, classes: 4, size: 8, seed: 6 });
  const plane = 64;
  const means = new Float64Array(4 * plane);
  for (let n = 0; n < 200; n++) for (let p = 0; p < plane; p++) means[imgs.labels[n]! * plane + p]! += imgs.images[n * plane + p]! / 50;
  let hits = 0;
  for (let n = 200; n < 400; n++) {
    const dist = [0, 1, 2, 3].map((c) => {
      let d = 0;
      for (let p = 0; p < plane; p++) d += (imgs.images[n * plane + p]! - means[c * plane + p]!) ** 2;
      return d;
    });
    if (dist.indexOf(Math.min(...dist)) === imgs.labels[n]) hits++;
  }
  assert.ok(hits >= 160, `nearest mean gets ${hits}/200`);
  assert.throws(() => syntheticImages({ count: 0 }), /count must be a positive integer/);
});
