// @llm/gpt/node: GPT-2's weights on disk and over HTTP (Node only): load a model from a Hugging Face
// folder, one of our checkpoints or a GPT-2 name in the cache; save and export; safetensors files
// read tensor by tensor; resumable, checksummed downloads. Everything else is in '@llm/gpt'.
export { loadPretrained, loadModel, type LoadPretrainedOptions, type PretrainedLanguageModel } from './weights/load.js';
export { loadLlamaFolder, readLlamaConfig } from './weights/load-llama.js';
export { exportLlamaHuggingFace, type ExportLlamaOptions } from './weights/export-llama.js';
export { openCheckpoint, INDEX_FILE, type Checkpoint } from './weights/checkpoint.js';
export { saveModel, exportHuggingFace, type SaveModelOptions } from './weights/save.js';
export * from './io/safetensors-file.js';
export { openRegularFile, readRegularFile } from './io/regular-file.js';
export { downloadFile, type DownloadFileOptions, type DownloadedFile } from './io/http-download.js';
export * from './io/download-pretrained.js';
