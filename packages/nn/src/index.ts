// @llm/nn: modules, layers and the attention mechanisms of the book's chapter 3, on @llm/tensor.
export { Module, Parameter, isParameter, type UnaryModule, type StateDict, type LoadStateDictOptions, type LoadStateDictResult } from './module.js';
export { ModuleList, Sequential } from './containers.js';
export type { InitMode, InitOptions } from './init.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { Embedding } from './layers/embedding.js';
export { LayerNorm } from './layers/layer-norm.js';
export { GELU } from './layers/activation.js';
export { Dropout } from './layers/dropout.js';
export { FeedForward } from './layers/feed-forward.js';
export { simplifiedSelfAttention } from './attention/simplified.js';
export { SelfAttentionV1, SelfAttentionV2, scaledDotProduct, type SelfAttentionV2Options } from './attention/self-attention.js';
export { CausalAttention } from './attention/causal.js';
export { MultiHeadAttentionWrapper } from './attention/multi-head-wrapper.js';
export { MultiHeadAttention, type AttentionForwardOptions } from './attention/multi-head.js';
export { KVCache } from './attention/kv-cache.js';
export { causalMask } from './attention/causal-mask.js';
export type { AttentionOptions, MultiHeadOptions } from './attention/options.js';
