export { readIdx, decodeIdx, encodeIdx } from './idx.js';
export type { IdxArray, IdxData, IdxDtype } from './idx.js';
export { imageDataset, pixel, classCounts } from './image-dataset.js';
export type { ImageDataset } from './image-dataset.js';
export {
  loadFashionMnist, FASHION_MNIST_CLASSES, FASHION_MNIST_EMBEDDED_DIR, FASHION_MNIST_FILES, FASHION_MNIST_NORMALIZE, FASHION_MNIST_SYSTEM_DIR,
} from './fashion-mnist.js';
export type { FashionMnist, FashionMnistOptions } from './fashion-mnist.js';
export { CharVocab, ByteVocab, textDataset, loadTextFile, vocabToJson, vocabFromJson } from './text.js';
export type { TextDataset, TextDatasetOptions, TextLevel, TextVocab, TextVocabJson } from './text.js';
export { generateCorpus } from './corpus.js';
export type { CorpusOptions } from './corpus.js';
export { gaussianBlobs, linearRegression, syntheticImages } from './synthetic.js';
export type { BlobsOptions, LinearRegressionOptions, SyntheticImagesOptions } from './synthetic.js';
export { ImageLoader, TextLoader } from './loader.js';
export type { ImageBatch, ImageLoaderOptions, LoaderState, TextBatch, TextLoaderOptions } from './loader.js';
