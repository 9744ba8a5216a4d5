// Attention heatmaps for a prompt: one small map per layer (rows) and head (columns); clicking
// one shows it large with the tokens along its axes. Recomputed when the model changes.
import { type AttentionMaps, headMap, modelAttention } from '../lib/attention.js';
import { checkTokensFit } from '../lib/tinyModel.js';
import { tokenPieces, visibleText } from '../lib/tokens.js';
import type { AppState } from '../state.js';
import { byId, h, showError, showInfo } from './dom.js';
import { drawHeatmap } from './heatmap.js';

export function mountAttention(state: AppState): void {
  const prompt = byId<HTMLInputElement>('att-prompt');
  const grid = byId('att-grid');
  const focus = byId<HTMLCanvasElement>('att-focus');
  const caption = byId('att-caption');
  const message = byId('att-message');
  let shown: { maps: AttentionMaps; labels: string[] } | null = null;
  let selected = { layer: 0, head: 0 };

  const drawFocus = () => {
    if (!shown) return;
    const { maps, labels } = shown;
    selected = { layer: Math.min(selected.layer, maps.nLayers - 1), head: Math.min(selected.head, maps.nHeads - 1) };
    drawHeatmap(focus, headMap(maps, selected.layer, selected.head), maps.T, { cell: Math.max(12, Math.floor(360 / maps.T)), labels });
    caption.textContent = `layer ${selected.layer + 1}, head ${selected.head + 1}: row = query token, column = key token it attends to`;
    for (const c of grid.querySelectorAll('canvas')) c.classList.toggle('selected', c.dataset.key === `${selected.layer}:${selected.head}`);
  };

  const render = async () => {
    const model = state.model;
    const pieces = tokenPieces(prompt.value);
    const limit = model.config.contextLength;
    const used = pieces.slice(-limit);
    if (used.length === 0) throw new Error('type a prompt first');
    checkTokensFit(used.map((p) => p.id), model.config, 'attention prompt');
    const maps = await modelAttention(model, used.map((p) => p.id));
    shown = { maps, labels: used.map((p) => visibleText(p.text)) };
    const cell = Math.max(3, Math.floor(96 / maps.T));
    const rows: HTMLElement[] = [];
    for (let layer = 0; layer < maps.nLayers; layer++) {
      const heads: HTMLElement[] = [];
      for (let head = 0; head < maps.nHeads; head++) {
        const canvas = h('canvas', { class: 'att-map', 'data-key': `${layer}:${head}`, title: `layer ${layer + 1}, head ${head + 1}` });
        drawHeatmap(canvas, headMap(maps, layer, head), maps.T, { cell });
        canvas.addEventListener('click', () => { selected = { layer, head }; drawFocus(); });
        heads.push(canvas);
      }
      rows.push(h('div', { class: 'att-row' }, h('span', { class: 'att-label' }, `layer ${layer + 1}`), ...heads));
    }
    grid.replaceChildren(...rows);
    grid.dataset.maps = String(maps.nLayers * maps.nHeads);
    drawFocus();
    showInfo(message, `${maps.T} tokens${pieces.length > limit ? ` (the last ${limit}: the model's context)` : ''}; ${maps.nLayers} layers × ${maps.nHeads} heads`);
  };

  const run = () => render().catch((e) => showError(message, e));
  byId('att-run').addEventListener('click', run);
  prompt.addEventListener('keydown', (e) => { if (e.key === 'Enter') run(); });
  state.onModelChange(() => { if (shown) run(); });
}
