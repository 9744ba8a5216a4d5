// Hugging Face's GPT-2 tensor names and shapes, and where each one goes in our GPTModel. Two
// differences besides the names: GPT-2's Conv1D stores weights (in, out) where Linear stores
// (out, in), and c_attn holds the query, key and value projections side by side (in, 3·out).
import type { GPTConfig } from '../io/hf-config.js';

export interface HFTensorSpec {
  /** Name in the file (without a "transformer." prefix). */
  key: string;
  /** Shape in the file. */
  shape: number[];
  /** Our state-dict names; several means the file's last dim holds them side by side (c_attn). */
  targets: string[];
  /** Stored (in, out) as Conv1D: transposed to and from Linear's (out, in). */
  conv1d: boolean;
}

/** Buffers Hugging Face may store that carry no weights (the causal mask). */
export const HF_IGNORED = /^h\.\d+\.attn\.(masked_)?bias$/;

/** Every tensor of a Hugging Face GPT-2 checkpoint for config; lm_head.weight only when the head is not tied. */
export function hfLayout(config: GPTConfig, opts: { lmHead: boolean }): HFTensorSpec[] {
  const { vocabSize: V, contextLength: C, embDim: E, nLayers } = config;
  const specs: HFTensorSpec[] = [
    { key: 'wte.weight', shape: [V, E], targets: ['tokEmb.weight'], conv1d: false },
    { key: 'wpe.weight', shape: [C, E], targets: ['posEmb.weight'], conv1d: false },
  ];
  const add = (key: string, shape: number[], targets: string[], conv1d = false) => specs.push({ key, shape, targets, conv1d });
  for (let i = 0; i < nLayers; i++) {
    const h = `h.${i}.`, b = `trfBlocks.${i}.`;
    const qkv = (p: string) => ['wQuery', 'wKey', 'wValue'].map((w) => `${b}att.${w}.${p}`);
    add(`${h}ln_1.weight`, [E], [`${b}norm1.scale`]);
    add(`${h}ln_1.bias`, [E], [`${b}norm1.shift`]);
    add(`${h}attn.c_attn.weight`, [E, 3 * E], qkv('weight'), true);
    add(`${h}attn.c_attn.bias`, [3 * E], qkv('bias'));
    add(`${h}attn.c_proj.weight`, [E, E], [`${b}att.outProj.weight`], true);
    add(`${h}attn.c_proj.bias`, [E], [`${b}att.outProj.bias`]);
    add(`${h}ln_2.weight`, [E], [`${b}norm2.scale`]);
    add(`${h}ln_2.bias`, [E], [`${b}norm2.shift`]);
    add(`${h}mlp.c_fc.weight`, [E, 4 * E], [`${b}ff.layers.0.weight`], true);
    add(`${h}mlp.c_fc.bias`, [4 * E], [`${b}ff.layers.0.bias`]);
    add(`${h}mlp.c_proj.weight`, [4 * E, E], [`${b}ff.layers.2.weight`], true);
    add(`${h}mlp.c_proj.bias`, [E], [`${b}ff.layers.2.bias`]);
  }
  add('ln_f.weight', [E], ['finalNorm.scale']);
  add('ln_f.bias', [E], ['finalNorm.shift']);
  if (opts.lmHead) add('lm_head.weight', [V, E], ['outHead.weight']);
  return specs;
}
