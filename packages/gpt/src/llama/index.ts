// Llama 3.x / SmolLM2 / Qwen3: configs, the models, parameter counts, Hugging Face config mapping and tensor layout. Browser-safe.
export { LLAMA_CONFIGS, llamaConfig, validateLlamaConfig, isLlamaConfig, type LlamaConfig, type LlamaModelType, type LlamaSizeName } from './config.js';
export { countLlamaParameters, type LlamaParameterCount } from './params.js';
export { LlamaModel, Qwen3Model, LlamaBlock, createLlamaModel, type LlamaModelOptions, type LlamaForwardOptions } from './model.js';
export { llamaBatchedDecoder } from './batched.js';
export { hfConfigToLlamaConfig, llamaConfigToHFConfig } from './hf-config.js';
export { llamaHfLayout } from './hf-layout.js';
