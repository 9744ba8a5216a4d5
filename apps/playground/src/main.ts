// The playground's entry: pick a backend (?backend=auto|webgpu|cpu), make the tiny model, mount the views.
import { type BackendChoice, parseBackendChoice, startBackend } from './lib/backend.js';
import { createTinyModel } from './lib/tinyModel.js';
import { AppState } from './state.js';
import { mountAttention } from './views/attentionView.js';
import { byId, showError } from './views/dom.js';
import { mountGenerate } from './views/generateView.js';
import { mountModel } from './views/modelView.js';
import { mountTokenizer } from './views/tokenizerView.js';
import { mountTrain } from './views/trainView.js';
import './style.css';

const INITIAL_SEED = 123;

async function main(): Promise<void> {
  const choice: BackendChoice = parseBackendChoice(new URLSearchParams(location.search).get('backend'));
  const select = byId<HTMLSelectElement>('backend-choice');
  select.value = choice;
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('backend', select.value);
    location.href = url.toString();
  });

  mountTokenizer(); // needs no model: show tokens while the backend starts
  const backend = await startBackend(choice);
  const badge = byId('backend');
  badge.textContent = `${backend.name === 'webgpu' ? 'WebGPU' : 'CPU'} · ${backend.detail}`;
  badge.dataset.backend = backend.name;
  if (backend.fallbackReason) badge.title = `WebGPU not used: ${backend.fallbackReason}`;

  const state = new AppState(backend, createTinyModel(INITIAL_SEED), `random weights (seed ${INITIAL_SEED})`);
  mountModel(state);
  mountAttention(state);
  mountGenerate(state);
  mountTrain(state);
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  showError(byId('fatal'), e);
  console.error(e);
});
