// Hugging Face GPT-2 config.json ↔ the book's config. References: the config.json written by the
// Python fixture script, and the published GPT-2 124M config.json.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, gptConfigToHFConfig, hfConfigToGPTConfig, type GPTConfig } from '../src/index.js';

// openai-community/gpt2's config.json (the fields that matter; the Hub file has a few more).
const GPT2_124M = {
  activation_function: 'gelu_new',
  architectures: ['GPT2LMHeadModel'],
  attn_pdrop: 0.1,
  bos_token_id: 50256,
  embd_pdrop: 0.1,
  eos_token_id: 50256,
  initializer_range: 0.02,
  layer_norm_epsilon: 1e-5,
  model_type: 'gpt2',
  n_ctx: 1024,
  n_embd: 768,
  n_head: 12,
  n_layer: 12,
  n_positions: 1024,
  resid_pdrop: 0.1,
  summary_activation: null,
  summary_first_dropout: 0.1,
  task_specific_params: { 'text-generation': { do_sample: true, max_length: 50 } },
  vocab_size: 50257,
};

describe('hfConfigToGPTConfig', () => {
  it("maps GPT-2 124M's config.json to the book's GPT_CONFIG_124M", () => {
    expect(hfConfigToGPTConfig(GPT2_124M)).toEqual({
      vocabSize: 50257,
      contextLength: 1024,
      embDim: 768,
      nLayers: 12,
      nHeads: 12,
      dropRate: 0.1,
      qkvBias: true,
    });
  });

  it('maps the tiny fixture config written by Python', () => {
    const json = JSON.parse(readFileSync(new URL('./fixtures/tiny-gpt2/config.json', import.meta.url), 'utf8'));
    expect(hfConfigToGPTConfig(json)).toEqual({ vocabSize: 96, contextLength: 16, embDim: 32, nLayers: 2, nHeads: 4, dropRate: 0.1, qkvBias: true });
  });

  it('falls back to n_ctx and to the default dropout when fields are absent', () => {
    const { n_positions: _, resid_pdrop: __, ...rest } = GPT2_124M;
    expect(hfConfigToGPTConfig(rest)).toMatchObject({ contextLength: 1024, dropRate: 0.1 });
  });

  const bad: [string, unknown, string][] = [
    ['not an object', [1], 'config field "(root)": expected a JSON object, got an array'],
    ['null', null, 'expected a JSON object, got null'],
    ['a missing n_embd', { ...GPT2_124M, n_embd: undefined }, 'config field "n_embd": is missing'],
    ['a missing vocab_size', { ...GPT2_124M, vocab_size: undefined }, 'config field "vocab_size": is missing'],
    ['no context length at all', { ...GPT2_124M, n_positions: undefined, n_ctx: undefined }, 'config field "n_positions": is missing'],
    ['a string n_layer', { ...GPT2_124M, n_layer: '12' }, 'config field "n_layer": must be a positive integer, got "12"'],
    ['a zero n_head', { ...GPT2_124M, n_head: 0 }, 'config field "n_head": must be a positive integer, got 0'],
    ['heads that do not divide n_embd', { ...GPT2_124M, n_head: 7 }, 'n_embd (768) must be divisible by n_head (7)'],
    ['another model type', { ...GPT2_124M, model_type: 'llama' }, 'config field "model_type": expected "gpt2", got "llama"'],
    ['another activation', { ...GPT2_124M, activation_function: 'relu' }, 'config field "activation_function"'],
    ['a different feed-forward width', { ...GPT2_124M, n_inner: 1000 }, 'must be 4 × n_embd = 3072, got 1000'],
    ['another layer-norm epsilon', { ...GPT2_124M, layer_norm_epsilon: 1e-6 }, "the model's layer norm uses 0.00001, got 0.000001"],
    ['a dropout of 1.5', { ...GPT2_124M, resid_pdrop: 1.5 }, 'config field "resid_pdrop": must be a number in [0, 1), got 1.5'],
    ['a bad attn_pdrop', { ...GPT2_124M, attn_pdrop: 'x' }, 'config field "attn_pdrop"'],
  ];
  it.each(bad)('rejects %s', (_label, json, message) => {
    expect(() => hfConfigToGPTConfig(json)).toThrow(ConfigError);
    expect(() => hfConfigToGPTConfig(json)).toThrow(message);
  });
});

describe('gptConfigToHFConfig', () => {
  it('gives back the fields of the Hub config and maps back to the same config', () => {
    const config = hfConfigToGPTConfig(GPT2_124M);
    const hf = gptConfigToHFConfig(config);
    for (const field of ['vocab_size', 'n_positions', 'n_ctx', 'n_embd', 'n_layer', 'n_head', 'resid_pdrop', 'embd_pdrop', 'attn_pdrop',
      'layer_norm_epsilon', 'model_type', 'activation_function', 'bos_token_id', 'eos_token_id', 'architectures'] as const) {
      expect(hf[field], field).toEqual(GPT2_124M[field]);
    }
    expect(hfConfigToGPTConfig(hf)).toEqual(config);
  });

  it('uses the last id as end-of-text for a small vocabulary', () => {
    const hf = gptConfigToHFConfig({ vocabSize: 96, contextLength: 16, embDim: 32, nLayers: 2, nHeads: 4, dropRate: 0, qkvBias: true });
    expect(hf).toMatchObject({ eos_token_id: 95, bos_token_id: 95, resid_pdrop: 0 });
  });

  it('rejects configs Hugging Face GPT-2 cannot express', () => {
    const base: GPTConfig = { vocabSize: 50257, contextLength: 1024, embDim: 768, nLayers: 12, nHeads: 12, dropRate: 0.1, qkvBias: true };
    expect(() => gptConfigToHFConfig({ ...base, qkvBias: false })).toThrow('config field "qkvBias": Hugging Face\'s GPT-2 always has');
    expect(() => gptConfigToHFConfig({ ...base, nHeads: 5 })).toThrow('embDim (768) must be divisible by nHeads (5)');
    expect(() => gptConfigToHFConfig({ ...base, nLayers: 0 })).toThrow('config field "nLayers": must be a positive integer, got 0');
    expect(() => gptConfigToHFConfig({ ...base, dropRate: -0.1 })).toThrow('config field "dropRate": must be a number in [0, 1)');
  });
});
