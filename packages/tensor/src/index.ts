// @llm/tensor: tensors with reverse-mode autograd on a pluggable backend (CPU built in).
export { Tensor, type NestedArray } from './tensor.js';
export type { DType, TypedArray } from './dtype.js';
export type { Backend, Storage, View, UnaryOp, BinaryOp, ReduceOp, MatmulLayout, AdamWParams, FusedKernels, CausalRows } from './backend.js';
export { getBackend, setBackend, registerBackend, cpu } from './backends.js';
export { noGrad, isGradEnabled, graphScope, type GradNode } from './autograd.js';
export { tidy, keep, callerScope, memoryStats } from './memory.js';
export { Generator, manualSeed, defaultGenerator } from './random.js';
export { broadcastShapes, numel, contiguousStrides } from './shape.js';
export * from './ops/creation.js';
export {
  add, sub, mul, div, pow, neg, exp, log, sqrt, rsqrt, tanh, relu, sigmoid, gelu, abs, maximum, minimum, clamp,
  eq, ne, lt, le, gt, ge, where, maskedFill, cast, fullLike,
} from './ops/elementwise.js';
export { sum, mean, max, min, argmax, argmin, variance } from './ops/reduce.js';
export { reshape, view, flatten, permute, transpose, narrow, slice, expand, unsqueeze, squeeze, contiguous, clone, cat, stack, split, chunk } from './ops/movement.js';
export { matmul } from './ops/matmul.js';
export { linear } from './ops/linear.js';
export { indexSelect, gather, embedding, topk, tril, triu } from './ops/indexing.js';
export { softmax, causalSoftmax, logSoftmax, crossEntropy, layerNorm, dropout, type CausalSoftmaxOptions, type CrossEntropyOptions, type DropoutOptions } from './ops/nn.js';
export { scaledDotProductAttention, type AttentionOptions } from './ops/attention.js';
export { multinomial } from './ops/sampling.js';
export { assign, fill, adamwUpdate } from './ops/inplace.js';
export { dense } from './ops/util.js';
export { initWebGPU, type WebGPUOptions } from './backends/webgpu/index.js';
export { initMatmul, setMatmulKernel, setMatmulThreads, setMatmulStrassen, matmulInfo, matmulThreadStats, setHeapLimit, heapStats, kernelCopiedBytes, type MatmulKernel } from './backends/cpu/wasm/matmul.js';
export { startProfile, withProfile, formatProfile, type Profile, type ProfileEntry } from './profile.js';
