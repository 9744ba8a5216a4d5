// Attention heatmaps for a prompt, from the worker's model in its own vocabulary: one small map per
// layer (rows) and head (columns); clicking one shows it large with the tokens along its axes.
// Recomputed when the model changes.
import { type AttentionMaps, headMap } from '../lib/attention.js';
import { visibleText } from '../lib/tokens.js';
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
    if (!model) throw new Error('no model yet: train one or load a model folder first');
    const maps = await state.exclusive('attention', () => state.worker.request({ type: 'attention', prompt: prompt.value }));
    shown = { maps, labels: maps.tokens.map(visibleText) };
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
    showInfo(message, `${maps.T} tokens (at most the model's context, ${model.contextLength}); ${maps.nLayers} layers × ${maps.nHeads} heads`);
  };

  const run = () => render().catch((e) => showError(message, e));
  byId('att-run').addEventListener('click', run);
  prompt.addEventListener('keydown', (e) => { if (e.key === 'Enter') run(); });
  state.onModelChange(() => { if (shown && !state.busy) run(); });
}
