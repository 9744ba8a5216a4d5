// A LoRA fine-tuning step on Llama, SmolLM2 and Qwen3 against PyTorch (scripts/fixtures/tiny_llama.py):
// adapters with the fixture's A and B on every Linear but the head give PyTorch's next-token loss
// and its gradients for every A and B, and nothing else trains.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LlamaModel } from '@llm/gpt';
import { loadPretrained } from '@llm/gpt/node';
import { assign, crossEntropy, noGrad } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { loraLayers, replaceLinearWithLoRA } from '../src/index.js';
import { expectClose, type FixtureTensor, toTensor } from './helpers/fixtures.js';

const GPT_FIXTURES = fileURLToPath(new URL('../../gpt/test/fixtures', import.meta.url));

interface LoRAExpected {
  ids: FixtureTensor;
  lora: { rank: number; alpha: number; loss: number } & Record<'A' | 'B' | 'gradA' | 'gradB', Record<string, FixtureTensor>>;
}

const HF_NAMES: Record<string, string> = {
  layers: 'trfBlocks', self_attn: 'att', mlp: 'ff', q_proj: 'wQuery', k_proj: 'wKey', v_proj: 'wValue', o_proj: 'outProj',
  gate_proj: 'gate', up_proj: 'up', down_proj: 'down',
};
const ourName = (hf: string) => hf.replace(/^model\./, '').split('.').map((p) => HF_NAMES[p] ?? p).join('.');

describe('LoRA on Llama-family models against PyTorch', () => {
  for (const name of ['tiny-llama', 'tiny-smollm2', 'tiny-qwen3']) {
    it(`${name}: the loss and every adapter's gradients`, async () => {
      const dir = `${GPT_FIXTURES}/${name}`;
      const fx = JSON.parse(readFileSync(`${dir}/expected.json`, 'utf8')) as LoRAExpected;
      const model = (await loadPretrained(dir)) as LlamaModel;
      const wrapped = replaceLinearWithLoRA(model, fx.lora.rank, fx.lora.alpha, { include: (n) => n !== 'outHead' });
      expect(new Set(wrapped)).toEqual(new Set(Object.keys(fx.lora.A).map(ourName)));
      const layers = new Map(loraLayers(model));
      noGrad(() => {
        for (const [hf, a] of Object.entries(fx.lora.A)) {
          const layer = layers.get(ourName(hf))!;
          assign(layer.lora.A, toTensor(a));
          assign(layer.lora.B, toTensor(fx.lora.B[hf]));
        }
      });
      const ids = toTensor(fx.ids);
      const T = ids.shape[1];
      const loss = crossEntropy(model.forward(ids).narrow(1, 0, T - 1), ids.narrow(1, 1, T - 1));
      expect(await loss.item()).toBeCloseTo(fx.lora.loss, 5);
      loss.backward();
      for (const [hf, want] of Object.entries(fx.lora.gradA)) {
        const layer = layers.get(ourName(hf))!;
        expectClose(await layer.lora.A.grad!.data(), want.data, 1e-5, `${hf} dA`);
        expectClose(await layer.lora.B.grad!.data(), fx.lora.gradB[hf].data, 1e-5, `${hf} dB`);
      }
      const trained = model.namedParameters().filter(([, p]) => p.grad !== null).map(([n]) => n);
      expect(trained.every((n) => /\.lora\.[AB]$/.test(n))).toBe(true);
      model.dispose();
    });
  }
});
