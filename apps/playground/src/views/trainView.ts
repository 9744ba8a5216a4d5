// Training the model in the page on a short text, a step at a time, with the loss drawn live and
// a greedy sample after each run. The optimizer state carries over between runs until the model,
// the text or the settings change.
import { generateText } from '@llm/gpt';
import { BUILTIN_SOURCE, BUILTIN_TEXT } from '../lib/corpus.js';
import { checkTokensFit } from '../lib/tinyModel.js';
import { gpt2Encoding } from '../lib/tokens.js';
import { DEFAULT_TRAINING, PageTrainer } from '../lib/trainer.js';
import type { AppState } from '../state.js';
import { byId, nextFrame, numberInput, showError, showInfo } from './dom.js';
import { drawLossChart } from './lossChartView.js';

export function mountTrain(state: AppState): void {
  const text = byId<HTMLTextAreaElement>('train-text');
  const chart = byId<SVGSVGElement>('loss-chart');
  const status = byId('train-status');
  const sample = byId('train-sample');
  const runButton = byId<HTMLButtonElement>('train-run');
  const stopButton = byId<HTMLButtonElement>('train-stop');
  byId('train-source').textContent = BUILTIN_SOURCE;
  text.value = BUILTIN_TEXT;
  byId<HTMLInputElement>('train-lr').value = String(DEFAULT_TRAINING.lr);
  byId<HTMLInputElement>('train-batch').value = String(DEFAULT_TRAINING.batchSize);

  let trainer: PageTrainer | null = null;
  let trainerKey = '';
  let losses: number[] = [];
  let stop = false;

  const reset = () => {
    trainer?.dispose();
    trainer = null;
    losses = [];
    drawLossChart(chart, losses);
  };

  const run = async () => {
    const steps = numberInput('train-steps', 'steps', 1, 10_000, true);
    const lr = numberInput('train-lr', 'learning rate', 0, 1);
    const batchSize = numberInput('train-batch', 'batch size', 1, 64, true);
    const key = JSON.stringify([text.value, lr, batchSize]);
    if (!trainer || trainer.model !== state.model || key !== trainerKey) {
      reset();
      const ids = Int32Array.from(gpt2Encoding().encode(text.value, { allowedSpecial: 'all' }));
      checkTokensFit(ids, state.model.config, 'training text');
      trainer = new PageTrainer(state.model, ids, { ...DEFAULT_TRAINING, lr, batchSize });
      trainerKey = key;
    }
    const t = trainer;
    stop = false;
    runButton.disabled = true;
    stopButton.disabled = false;
    try {
      await state.exclusive('training', async () => {
        const started = performance.now();
        let tokens = 0;
        for (let i = 0; i < steps && !stop; i++) {
          const r = await t.step();
          tokens += r.tokens;
          losses.push(r.loss);
          drawLossChart(chart, losses);
          const seconds = (performance.now() - started) / 1000;
          showInfo(status, `step ${r.step}: loss ${r.loss.toFixed(3)} · ${(tokens / seconds).toFixed(0)} tokens/s · ${t.loader.length} batches per epoch`);
          await nextFrame();
        }
        const start = text.value.split(/\s+/).slice(0, 3).join(' ');
        sample.textContent = await generateText(state.model, gpt2Encoding(), start, { maxNewTokens: 24 });
      });
    } finally {
      runButton.disabled = false;
      stopButton.disabled = true;
    }
    state.notifyWeightsChanged();
  };

  runButton.addEventListener('click', () => run().catch((e) => showError(status, e)));
  stopButton.addEventListener('click', () => { stop = true; });
  byId('train-reset-text').addEventListener('click', () => { text.value = BUILTIN_TEXT; });
  state.onModelChange((model) => { if (trainer && trainer.model !== model) reset(); });
  drawLossChart(chart, losses);
}
