export { IoError } from './io-error.js';
export { writeFileAtomic } from './atomic-write.js';
export type { AtomicWriteOptions } from './atomic-write.js';
export { f16ToF32, bf16ToF32 } from './half.js';
export { readSafetensorsHeader, SAFETENSORS_DTYPE_BYTES } from './safetensors-header.js';
export type { SafetensorsDtype, SafetensorsEntry, SafetensorsHeader } from './safetensors-header.js';
export { loadSafetensors, saveSafetensors, decodeSafetensors, encodeSafetensors, indexTensor } from './safetensors.js';
export type { IndexArray, IndexDtype, IndexTensor, SafetensorsContent, SafetensorsInput, SaveSafetensorsOptions } from './safetensors.js';
