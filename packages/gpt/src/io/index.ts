// Weight files and downloads. Parsing, serializing and config mapping are browser-safe; the file and
// HTTP functions load Node's modules lazily, on first call, so importing this index is safe anywhere.

export * from './errors.js';
export * from './dtypes.js';
export { MAX_HEADER_BYTES, type SafetensorsHeader, type TensorInfo } from './safetensors-header.js';
export * from './safetensors-buffer.js';
export { serializeSafetensors, type WritableTensor } from './safetensors-serialize.js';
export * from './safetensors-file.js';
export * from './hf-config.js';
export * from './pretrained.js';
export * from './progress.js';
export type { FetchLike } from './http.js';
export { downloadFile, type DownloadFileOptions, type DownloadedFile } from './http-download.js';
export * from './download-pretrained.js';
