// The model panel: what is loaded, a fresh random model from a seed, a .safetensors checkpoint
// from disk (ours, or Hugging Face's GPT-2 layout with its config.json), and a download of the
// current weights.
import { modelFromSafetensors, modelToSafetensors } from '../lib/checkpoint.js';
import { createTinyModel, describeModel } from '../lib/tinyModel.js';
import type { AppState } from '../state.js';
import { byId, numberInput, showError, showInfo } from './dom.js';

export function mountModel(state: AppState): void {
  const info = byId('model-info');
  const message = byId('model-message');
  const files = byId<HTMLInputElement>('model-file');

  const describe = () => {
    info.textContent = `${state.modelSource} · ${describeModel(state.model)}`;
  };
  state.onModelChange(describe);
  describe();

  byId('model-new').addEventListener('click', () => {
    try {
      const seed = numberInput('model-seed', 'seed', 0, 2 ** 31 - 1, true);
      state.setModel(createTinyModel(seed), `random weights (seed ${seed})`);
      showInfo(message, 'new random model');
    } catch (e) {
      showError(message, e);
    }
  });

  files.addEventListener('change', async () => {
    try {
      const picked = [...(files.files ?? [])];
      const weights = picked.find((f) => f.name.endsWith('.safetensors'));
      const config = picked.find((f) => f.name.endsWith('.json'));
      if (!weights) throw new Error(`pick a .safetensors file (got ${picked.map((f) => f.name).join(', ') || 'nothing'})`);
      showInfo(message, `loading ${weights.name} (${(weights.size / 2 ** 20).toFixed(1)} MiB)...`);
      const bytes = new Uint8Array(await weights.arrayBuffer());
      const loaded = modelFromSafetensors(bytes, weights.name, config ? await config.text() : undefined);
      state.setModel(loaded.model, `${weights.name} (${loaded.layout === 'ours' ? 'our layout' : 'Hugging Face layout'})`);
      showInfo(message, `loaded ${weights.name}`);
    } catch (e) {
      showError(message, e);
    } finally {
      files.value = '';
    }
  });

  byId('model-download').addEventListener('click', async () => {
    try {
      const bytes = await modelToSafetensors(state.model);
      const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = 'playground-model.safetensors';
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      showInfo(message, `saved ${(bytes.byteLength / 2 ** 20).toFixed(1)} MiB; @llm/gpt's loadModel(path) reads it in Node`);
    } catch (e) {
      showError(message, e);
    }
  });
}
