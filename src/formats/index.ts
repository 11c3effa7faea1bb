/**
 * Compressed sparse layouts (NMPacked, CSR, BSR): exact conversion to and
 * from dense, and the sparse products a Linear runs on them.
 */
export { NMPacked, NM_GROUP_SIZES } from './nm-packed.js';
export type { NMPackedSpec } from './nm-packed.js';
export { CSRMatrix } from './csr.js';
export type { CSRSpec } from './csr.js';
export { BSRMatrix, BSR_MAX_BLOCK } from './bsr.js';
export type { BSRSpec } from './bsr.js';
export { packDense, describeFormat, formatSpecOf, FORMAT_NAMES } from './sparse-matrix.js';
export type { SparseMatrix, FormatName, FormatSpec } from './sparse-matrix.js';
export { transposeIndex } from './transpose-index.js';
export { prepackCSR, dropPrepackedCSR, csrBlocks, csrBlocksFor, csrBlocksPay, csrBlockedLayout, CSR_BLOCK_COLS, CSR_BLOCKED_MIN_WEIGHTS } from './csr-blocks.js';
export type { CsrBlockedLayout } from './csr-blocks.js';
export { prepackForInference, dropPrepacked, prepackedLayout } from './prepacked.js';
export { prepackNM, dropPrepackedNM, nmRowBlocks, rowBlocksFor, rowBlockLayout, ROW_BLOCK_MAX_BATCH, ROW_BLOCK_MAX_M } from './nm-row-blocks.js';
export type { TransposeIndex } from './transpose-index.js';
export { spmm, spmmGradInput, sddmm } from './sparse-products.js';
export { encodeMatrix, decodeMatrix, storedLayouts, FORMATS_METADATA_KEY } from './serialize.js';
export type { EncodedMatrix, IndexEntry, StoredContent, StoredLayout } from './serialize.js';
export { storedSizes } from './stored-sizes.js';
export type { HeaderEntry, StoredSize } from './stored-sizes.js';
