// The published Llama / SmolLM2 / Qwen3 sizes: parameter counts as the model cards state them
// (counted from the config; SmolLM2-135M also by building it), and config.json mapping both ways.
import { describe, expect, it } from 'vitest';
import {
  ConfigError, countLlamaParameters, hfConfigToLlamaConfig, LLAMA_CONFIGS, llamaConfig, llamaConfigToHFConfig, LlamaModel,
} from '../src/index.js';

describe('published sizes', () => {
  it('reproduce the published parameter counts (tied heads counted once)', () => {
    expect(countLlamaParameters(llamaConfig('Llama-3.2-1B')).stored).toBe(1_235_814_400);
    expect(countLlamaParameters(llamaConfig('Qwen/Qwen3-0.6B')).stored).toBe(596_049_920);
    expect(countLlamaParameters(llamaConfig('HuggingFaceTB/SmolLM2-135M-Instruct')).stored).toBe(134_515_008);
    expect(countLlamaParameters(LLAMA_CONFIGS['smollm2-360m']).stored).toBe(361_821_120);
    expect(countLlamaParameters(LLAMA_CONFIGS['llama-3.2-3b']).stored).toBe(3_212_749_824);
  });

  it('SmolLM2-135M built (weights left unset) holds exactly 134,515,008 parameters, one tensor for embedding and head', () => {
    const model = new LlamaModel(LLAMA_CONFIGS['smollm2-135m'], { init: 'none' });
    try {
      expect(model.numParameters()).toBe(134_515_008);
      expect(model.weightsTied).toBe(true);
      expect(model.trfBlocks[0].att.wKey.weight.shape).toEqual([192, 576]); // 3 KV heads of 64
    } finally {
      model.dispose();
    }
  });

  it('names unknown sizes', () => {
    expect(() => llamaConfig('llama-9b')).toThrow(/unknown Llama\/Qwen3 size "llama-9b"; use one of smollm2-135m/);
  });
});

describe('config.json mapping', () => {
  const llama32 = {
    architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 128256, max_position_embeddings: 131072, hidden_size: 2048,
    intermediate_size: 8192, num_hidden_layers: 16, num_attention_heads: 32, num_key_value_heads: 8, head_dim: 64, hidden_act: 'silu',
    rms_norm_eps: 1e-5, rope_theta: 500000.0, tie_word_embeddings: true, attention_bias: false, mlp_bias: false, pretraining_tp: 1,
    rope_scaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
    eos_token_id: [128001, 128008, 128009], bos_token_id: 128000, torch_dtype: 'bfloat16',
  };

  it("maps Llama 3.2 1B's config.json to the published config, and back", () => {
    const config = hfConfigToLlamaConfig(llama32);
    expect(config).toEqual(LLAMA_CONFIGS['llama-3.2-1b']);
    expect(hfConfigToLlamaConfig(llamaConfigToHFConfig(config))).toEqual(config);
  });

  it('defaults num_key_value_heads and head_dim as transformers does; Qwen3 keeps its own head_dim', () => {
    const { num_key_value_heads: _, head_dim: __, ...noHeads } = llama32;
    const c = hfConfigToLlamaConfig(noHeads);
    expect([c.nKVHeads, c.headDim]).toEqual([32, 64]);
    const qwen = hfConfigToLlamaConfig({ ...llama32, model_type: 'qwen3', hidden_size: 1024, num_attention_heads: 16, head_dim: 128, rope_scaling: null });
    expect(qwen.headDim).toBe(128);
  });

  it('refuses what would change the computation, naming the field', () => {
    const bad = (patch: Record<string, unknown>) => () => hfConfigToLlamaConfig({ ...llama32, ...patch });
    expect(bad({ hidden_act: 'gelu' })).toThrow(ConfigError);
    expect(bad({ hidden_act: 'gelu' })).toThrow(/"hidden_act": only "silu"/);
    expect(bad({ rope_scaling: { rope_type: 'yarn', factor: 4 } })).toThrow(/"rope_scaling": only rope_type "llama3"/);
    expect(bad({ rope_scaling: { ...llama32.rope_scaling, factor: -1 } })).toThrow(/"rope_scaling.factor": must be a positive number/);
    expect(bad({ use_sliding_window: true })).toThrow(/sliding-window/);
    expect(bad({ num_key_value_heads: 5 })).toThrow(/nHeads \(32\) must be a multiple of nKVHeads \(5\)/);
    expect(bad({ model_type: 'mistral' })).toThrow(/"model_type": expected "llama" or "qwen3", got "mistral"/);
  });
});
