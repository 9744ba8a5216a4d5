// The model panel: what the worker holds, a download of it as the folder the CLI writes
// (model.safetensors, config.json, tokenizer.json: `llm generate --model DIR` reads it), and loading
// such a folder (ours, e.g. runs/pretrain-demo, or a Hugging Face GPT-2 one) into the worker.
import type { FolderFiles } from '../lib/checkpoint.js';
import type { AppState } from '../state.js';
import { byId, showError, showInfo } from './dom.js';

/** Saves a file through the browser's download (one per file: a page cannot write a folder). */
function download(name: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function mountModel(state: AppState): void {
  const info = byId('model-info');
  const message = byId('model-message');
  const downloadButton = byId<HTMLButtonElement>('model-download');

  state.onModelChange((m) => {
    info.textContent = `${m.source} · ${m.description} · tokenizer ${m.tokenizer}`;
    downloadButton.disabled = false;
  });

  downloadButton.addEventListener('click', async () => {
    try {
      const files = await state.exclusive('saving', () => state.worker.request({ type: 'export' }));
      for (const [name, bytes] of Object.entries(files)) download(name, bytes);
      const total = Object.values(files).reduce((n, b) => n + b.byteLength, 0);
      showInfo(message, `saved ${Object.keys(files).join(', ')} (${(total / 2 ** 20).toFixed(2)} MiB): put them in one folder; \`llm generate --model DIR\` and @llm/gpt's loadModel read it`);
    } catch (e) {
      showError(message, e);
    }
  });

  const load = async (input: HTMLInputElement) => {
    const picked = [...(input.files ?? [])];
    if (picked.length === 0) return;
    // a folder pick gives "folder/name" paths: keep the base names, the folder names the model
    const folder = picked[0].webkitRelativePath.split('/')[0] || picked.find((f) => f.name.endsWith('.safetensors'))?.name || 'model';
    const files: FolderFiles = {};
    for (const f of picked) {
      if (/\.(safetensors|json)$/.test(f.name)) files[f.name] = new Uint8Array(await f.arrayBuffer());
    }
    if (!Object.keys(files).some((n) => n.endsWith('.safetensors'))) throw new Error(`pick a folder or files with a .safetensors file (got ${picked.map((f) => f.name).join(', ')})`);
    const size = Object.values(files).reduce((n, b) => n + b.byteLength, 0);
    showInfo(message, `loading ${folder} (${(size / 2 ** 20).toFixed(1)} MiB)...`);
    const summary = await state.exclusive('loading', () => state.worker.request({ type: 'load', files, name: folder }, Object.values(files).map((b) => b.buffer)));
    state.setModel(summary);
    showInfo(message, `loaded ${folder}`);
  };
  for (const id of ['model-folder', 'model-file']) {
    const input = byId<HTMLInputElement>(id);
    input.addEventListener('change', () => load(input).catch((e) => showError(message, e)).finally(() => { input.value = ''; }));
  }
}
