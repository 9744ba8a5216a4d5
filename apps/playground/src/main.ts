// The playground's entry: start the training worker on a backend (?backend=auto|webgpu|cpu), then
// mount the views. The page itself holds no tensors: the worker owns the model.
import { type BackendChoice, parseBackendChoice } from './lib/backend.js';
import { WorkerClient } from './lib/workerClient.js';
import { AppState } from './state.js';
import { mountAttention } from './views/attentionView.js';
import { byId, showError } from './views/dom.js';
import { mountGenerate } from './views/generateView.js';
import { mountModel } from './views/modelView.js';
import { mountTokenizer } from './views/tokenizerView.js';
import { mountTrain } from './views/trainView.js';
import './style.css';

async function main(): Promise<void> {
  const choice: BackendChoice = parseBackendChoice(new URLSearchParams(location.search).get('backend'));
  const select = byId<HTMLSelectElement>('backend-choice');
  select.value = choice;
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('backend', select.value);
    location.href = url.toString();
  });

  const tokenizer = mountTokenizer(); // needs no model: show tokens while the worker starts
  const worker = new WorkerClient();
  const backend = await worker.request({ type: 'init', backend: choice });
  const badge = byId('backend');
  const threads = backend.name === 'cpu' ? ` · ${backend.threads} thread${backend.threads > 1 ? 's' : ''}` : '';
  badge.textContent = `${backend.name === 'webgpu' ? 'WebGPU' : 'CPU'} · ${backend.detail}${threads} · in a worker`;
  badge.dataset.backend = backend.name;
  badge.dataset.threads = String(backend.threads);
  const notes = [
    backend.fallbackReason && `WebGPU not used: ${backend.fallbackReason}`,
    !backend.crossOriginIsolated && 'not cross-origin isolated (no COOP/COEP headers): the CPU backend runs on one thread',
  ].filter(Boolean);
  if (notes.length) badge.title = notes.join('; ');

  const state = new AppState(worker, backend);
  state.onModelChange((m) => tokenizer.setModelVocabulary(m.tokenizerJson, m.tokenizer));
  mountTrain(state);
  mountModel(state);
  mountAttention(state);
  mountGenerate(state);
  // for the browser test: the current model's last-token logits for a prompt
  (globalThis as { playground?: unknown }).playground = { logits: (prompt: string) => worker.request({ type: 'logits', prompt }) };
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  showError(byId('fatal'), e);
  console.error(e);
});
