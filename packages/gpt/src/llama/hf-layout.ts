// Hugging Face's Llama / Qwen3 tensor names and shapes and where each goes in LlamaModel. Unlike
// GPT-2's Conv1D, Hugging Face's Llama uses nn.Linear, so weights are (out, in) as ours: only names differ.
import type { HFTensorSpec } from '../weights/hf-layout.js';
import type { LlamaConfig } from './config.js';

/** Every tensor of a checkpoint for config; lm_head.weight only when the head is not tied. */
export function llamaHfLayout(config: LlamaConfig): HFTensorSpec[] {
  const { vocabSize: V, embDim: E, hiddenDim: F, nLayers, nHeads: H, nKVHeads: KV, headDim: D } = config;
  const specs: HFTensorSpec[] = [];
  const add = (key: string, shape: number[], target: string) => specs.push({ key, shape, targets: [target], conv1d: false });
  add('model.embed_tokens.weight', [V, E], 'tokEmb.weight');
  for (let i = 0; i < nLayers; i++) {
    const h = `model.layers.${i}.`, b = `trfBlocks.${i}.`;
    add(`${h}input_layernorm.weight`, [E], `${b}norm1.weight`);
    for (const [p, w, rows] of [['q', 'wQuery', H * D], ['k', 'wKey', KV * D], ['v', 'wValue', KV * D]] as const) {
      add(`${h}self_attn.${p}_proj.weight`, [rows, E], `${b}att.${w}.weight`);
      if (config.qkvBias) add(`${h}self_attn.${p}_proj.bias`, [rows], `${b}att.${w}.bias`);
    }
    add(`${h}self_attn.o_proj.weight`, [E, H * D], `${b}att.outProj.weight`);
    if (config.modelType === 'qwen3') {
      add(`${h}self_attn.q_norm.weight`, [D], `${b}att.qNorm.weight`);
      add(`${h}self_attn.k_norm.weight`, [D], `${b}att.kNorm.weight`);
    }
    add(`${h}post_attention_layernorm.weight`, [E], `${b}norm2.weight`);
    add(`${h}mlp.gate_proj.weight`, [F, E], `${b}ff.gate.weight`);
    add(`${h}mlp.up_proj.weight`, [F, E], `${b}ff.up.weight`);
    add(`${h}mlp.down_proj.weight`, [E, F], `${b}ff.down.weight`);
  }
  add('model.norm.weight', [E], 'finalNorm.weight');
  if (!config.tieWeights) add('lm_head.weight', [V, E], 'outHead.weight');
  return specs;
}

/** Buffers some checkpoints carry that hold no weights (older Llama exports saved rotary_emb.inv_freq). */
export const LLAMA_HF_IGNORED = /^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/;
