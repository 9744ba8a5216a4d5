// The tiny Llama / SmolLM2 / Qwen3 fixtures of scripts/fixtures/tiny_llama.py.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FixtureTensor } from './compare.js';

export const LLAMA_FIXTURES = ['tiny-llama', 'tiny-smollm2', 'tiny-qwen3'] as const;
export type LlamaFixtureName = (typeof LLAMA_FIXTURES)[number];

export interface LlamaExpected {
  numParameters: number;
  ids: FixtureTensor;
  logits: FixtureTensor;
  longIds: FixtureTensor;
  longLogits: FixtureTensor;
  prompt: FixtureTensor;
  greedy: FixtureTensor;
  lora: {
    rank: number;
    alpha: number;
    loss: number;
    A: Record<string, FixtureTensor>;
    B: Record<string, FixtureTensor>;
    gradA: Record<string, FixtureTensor>;
    gradB: Record<string, FixtureTensor>;
  };
}

export function fixtureDir(name: LlamaFixtureName): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

export function readLlamaExpected(name: LlamaFixtureName): LlamaExpected {
  return JSON.parse(readFileSync(`${fixtureDir(name)}/expected.json`, 'utf8'));
}

const HF_NAMES: Record<string, string> = {
  embed_tokens: 'tokEmb', layers: 'trfBlocks', self_attn: 'att', mlp: 'ff', input_layernorm: 'norm1', post_attention_layernorm: 'norm2',
  q_proj: 'wQuery', k_proj: 'wKey', v_proj: 'wValue', o_proj: 'outProj', gate_proj: 'gate', up_proj: 'up', down_proj: 'down',
  q_norm: 'qNorm', k_norm: 'kNorm', norm: 'finalNorm', lm_head: 'outHead',
};

/** A Hugging Face module name ('model.layers.0.self_attn.q_proj') as ours ('trfBlocks.0.att.wQuery'). */
export function ourModuleName(hf: string): string {
  return hf.replace(/^model\./, '').split('.').map((p) => HF_NAMES[p] ?? p).join('.');
}
