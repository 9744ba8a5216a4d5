// @llm/gpt: the GPT-2 model of the book's chapters 4-5: configs, the model, parameter counts,
// text generation (greedy, sampling, streaming, KV cache), and the browser-safe half of GPT-2's
// weight formats (safetensors parsing and serializing in memory, Hugging Face config mapping).
// Files, folders and downloads are Node's: they live in '@llm/gpt/node'.
export { GPT_CONFIG_124M, GPT_CONFIGS, gptConfig, validateConfig, type GPTConfig, type GPTSizeName } from './config.js';
export { countParameters, type ParameterCount } from './params.js';
export { GPTModel, type GPTModelOptions, type GPTForwardOptions, type GPTInit } from './model/gpt-model.js';
export { TransformerBlock } from './model/transformer-block.js';
export { initGPT2Weights } from './model/init-gpt2.js';
export {
  generate, generateTextSimple, generateSteps, type GenerateOptions, type GenerativeModel, type TokenIds,
} from './generate/generate.js';
export { sampleToken, argmax, type SamplingOptions } from './generate/sampling.js';
export {
  decodeStream, generateStream, generateText, streamingDecoder, type GeneratedToken, type StreamingDecoder, type StreamingTokenizer,
} from './generate/stream.js';
export { textToTokenIds, tokenIdsToText, END_OF_TEXT, type Tokenizer } from './generate/text.js';
export { type BatchedDecoder, type BatchDecodable, type BatchEntry, type DecodeSlot, isBatchDecodable } from './generate/batched.js';
export { gptBatchedDecoder } from './generate/batched-gpt.js';
export { ContinuousBatcher, type BatchedGenerateOptions, type ContinuousBatcherOptions } from './generate/continuous-batcher.js';
export { embed, type EmbeddingModel } from './generate/embeddings.js';
export { hfLayout, type HFTensorSpec } from './weights/hf-layout.js';
export { CHECKPOINT_FORMAT } from './weights/our-layout.js';

// weight formats, in memory
export * from './io/errors.js';
export * from './io/dtypes.js';
export { MAX_HEADER_BYTES, MAX_HEADER_VALUES, MAX_TENSORS, type SafetensorsHeader, type TensorInfo } from './io/safetensors-header.js';
export * from './io/safetensors-buffer.js';
export { serializeSafetensors, type WritableTensor } from './io/safetensors-serialize.js';
export * from './io/hf-config.js';
export * from './io/pretrained.js';
export * from './io/progress.js';
export type { FetchLike } from './io/http.js';

// Llama 3.x, SmolLM2 and Qwen3
export * from './llama/index.js';

// chat templates (tokenizer_config.json's Jinja, rendered with @huggingface/jinja)
export * from './chat/index.js';
