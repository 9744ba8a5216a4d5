// The instruction pipeline with a Llama-architecture model: LoRA adapters trained, answers
// generated with the model's end token, the merged model saved in Hugging Face's layout beside its
// tokenizer files, and loaded back as a LlamaModel.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlamaModel } from '@llm/gpt';
import { exportHuggingFace, loadPretrained } from '@llm/gpt/node';
import { manualSeed } from '@llm/tensor';
import { bytesToUnicode } from '@llm/tokenizer';
import { describe, expect, it } from 'vitest';
import { runInstructionFinetune } from '../src/node.js';

describe('runInstructionFinetune on a Llama', () => {
  it('trains LoRA adapters and saves a Hugging Face folder that loads back', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ft-llama-'));
    const base = join(dir, 'base');
    manualSeed(3);
    const model = new LlamaModel({
      modelType: 'llama', vocabSize: 258, contextLength: 256, embDim: 16, hiddenDim: 32, nLayers: 2, nHeads: 2, nKVHeads: 1, headDim: 8,
      ropeTheta: 10000, ropeScaling: null, rmsNormEps: 1e-5, tieWeights: true, qkvBias: false, eosTokenIds: [257],
    });
    await exportHuggingFace(model, base);
    const chars = bytesToUnicode();
    const tokenizer = {
      added_tokens: [{ id: 256, content: '<|endoftext|>' }, { id: 257, content: '<|im_end|>' }], normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true },
      model: { type: 'BPE', vocab: Object.fromEntries(chars.map((c, b) => [c, b])), merges: [] },
    };
    writeFileSync(join(base, 'tokenizer.json'), JSON.stringify(tokenizer));
    const outDir = join(dir, 'run');
    const r = await runInstructionFinetune({
      model: base, builtinSize: 40, maxEntries: 40, maxTestEntries: 2, maxNewTokens: 4, epochs: 1, maxSteps: 2, batchSize: 4, allowedMaxLength: 96,
      lora: { rank: 2, alpha: 2 }, evalIter: 1, evalFreq: 1, outDir, progress: false, log: () => {},
    });
    expect(r.parameters.trainable).toBeLessThan(r.parameters.total / 5);
    expect(r.training.step).toBe(2);
    expect(r.responses).toHaveLength(2);
    expect(existsSync(r.paths.adapters!)).toBe(true);
    expect(existsSync(join(outDir, 'model', 'tokenizer.json'))).toBe(true);
    const metrics = JSON.parse(readFileSync(r.paths.metrics, 'utf8'));
    expect(metrics).toMatchObject({ task: 'instruction', lora: { rank: 2, alpha: 2 }, config: { modelType: 'llama', eosTokenIds: [257] } });
    const back = await loadPretrained(join(outDir, 'model'));
    expect(back).toBeInstanceOf(LlamaModel);
    // the adapters merged away; the head's adapter made it differ from the embedding, so it is stored untied
    expect((back as LlamaModel).weightsTied).toBe(false);
    expect(back.numParameters()).toBe(model.numParameters() + 258 * 16);
  });
});
