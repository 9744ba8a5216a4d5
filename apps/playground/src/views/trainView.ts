// Training in the worker: pick a text (the built-in story, a pasted one or a dropped file), the
// model size and the run's settings; the worker trains a BPE vocabulary, then the GPT, and streams
// each step's loss, the validation loss, tokens/s and samples back while the page stays responsive.
import { BUILTIN_PATH, BUILTIN_SOURCE, BUILTIN_TEXT } from '../lib/corpus.js';
import type { Curve } from '../lib/lossChart.js';
import { DEFAULT_RUN, type ModelPreset, type RunOptions } from '../lib/session.js';
import type { AppState } from '../state.js';
import type { WorkerEvent } from '../worker/protocol.js';
import { byId, h, numberInput, showError, showInfo } from './dom.js';
import { drawLossChart } from './lossChartView.js';

const duration = (s: number) => (Number.isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}` : '?');

export function mountTrain(state: AppState): void {
  const text = byId<HTMLTextAreaElement>('train-text');
  const source = byId<HTMLSelectElement>('train-source');
  const textInfo = byId('train-text-info');
  const chart = byId<SVGSVGElement>('loss-chart');
  const status = byId('train-status');
  const samples = byId('train-samples');
  const runButton = byId<HTMLButtonElement>('train-run');
  const pauseButton = byId<HTMLButtonElement>('train-pause');
  const stopButton = byId<HTMLButtonElement>('train-stop');
  const preset = byId<HTMLSelectElement>('train-preset');
  const defaults: Record<string, number> = { 'train-vocab': DEFAULT_RUN.vocabSize, 'train-steps': DEFAULT_RUN.steps, 'train-batch': DEFAULT_RUN.batchSize, 'train-lr': DEFAULT_RUN.peakLr, 'train-sample-every': DEFAULT_RUN.sampleEvery };
  for (const [id, v] of Object.entries(defaults)) byId<HTMLInputElement>(id).value = String(v);

  let customText = '';
  let sourceName = BUILTIN_SOURCE;
  const describeText = () => showInfo(textInfo, `${text.value.length.toLocaleString('en-US')} characters`);
  const useText = (value: string, name: string) => {
    text.value = value;
    sourceName = name;
    describeText();
  };
  if (BUILTIN_TEXT === undefined) {
    // built without ../shared/data beside the repository: only a text of the user's own
    source.querySelector('option[value="verdict"]')?.remove();
    source.value = 'custom';
    sourceName = 'your text';
    showInfo(textInfo, `no built-in text in this build (it reads ${BUILTIN_PATH} beside the repository): paste a text or drop a .txt file`);
  } else useText(BUILTIN_TEXT, BUILTIN_SOURCE);
  source.addEventListener('change', () => (source.value === 'verdict' && BUILTIN_TEXT !== undefined ? useText(BUILTIN_TEXT, BUILTIN_SOURCE) : useText(customText, 'your text')));
  text.addEventListener('input', () => {
    source.value = 'custom';
    customText = text.value;
    sourceName = 'your text';
    describeText();
  });
  const readFile = async (file: File) => {
    customText = await file.text();
    source.value = 'custom';
    useText(customText, file.name);
  };
  byId<HTMLInputElement>('train-file').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) readFile(file).catch((err) => showError(textInfo, err));
  });
  text.addEventListener('dragover', (e) => { e.preventDefault(); text.classList.add('dragging'); });
  text.addEventListener('dragleave', () => text.classList.remove('dragging'));
  text.addEventListener('drop', (e) => {
    e.preventDefault();
    text.classList.remove('dragging');
    const file = e.dataTransfer?.files[0];
    if (file) readFile(file).catch((err) => showError(textInfo, err));
  });

  let curves: { train: [number, number][]; val: [number, number][]; totalSteps: number } = { train: [], val: [], totalSteps: DEFAULT_RUN.steps };
  // at most one redraw per frame, however fast the steps come
  let drawPending = false;
  const redraw = () => {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      drawLossChart(chart, curves as { train: Curve; val: Curve; totalSteps: number });
    });
  };
  let lastVal = NaN;
  let lastTokensPerSecond = NaN;
  let prepared = '';
  const onEvent = (e: WorkerEvent) => {
    if (state.busy !== 'training') return;
    if (e.event === 'status') showInfo(status, e.text);
    else if (e.event === 'prepared') {
      state.setModel(e.model);
      prepared = `${e.sizing ? `${e.sizing} · ` : ''}vocabulary of ${e.model.vocabSize} tokens trained in ${e.bpeSeconds.toFixed(1)} s · ${e.trainTokens.toLocaleString('en-US')} training and ${e.valTokens.toLocaleString('en-US')} validation tokens`;
      showInfo(status, prepared);
    } else if (e.event === 'eval') {
      curves.val.push([e.step, e.valLoss]);
      lastVal = e.valLoss;
      redraw();
    } else if (e.event === 'step') {
      curves.train.push([e.step, e.loss]);
      lastTokensPerSecond = e.tokensPerSecond;
      redraw();
      status.textContent = `step ${e.step}/${e.totalSteps} · loss ${e.loss.toFixed(3)} · validation ${lastVal.toFixed(3)} · lr ${e.lr.toExponential(1)} · ${Math.round(e.tokensPerSecond).toLocaleString('en-US')} tokens/s · ETA ${duration(e.etaSeconds)}`;
    } else if (e.event === 'sample') {
      samples.prepend(h('li', {}, h('span', { class: 'step' }, `step ${e.step}`), e.text));
    } else if (e.event === 'paused') {
      pauseButton.textContent = e.paused ? 'Resume' : 'Pause';
      document.body.dataset.paused = String(e.paused);
    }
  };
  state.worker.on(onEvent);

  const options = (): RunOptions => ({
    ...DEFAULT_RUN,
    preset: preset.value as ModelPreset | 'auto',
    vocabSize: numberInput('train-vocab', 'vocabulary size', 260, 4096, true),
    steps: numberInput('train-steps', 'steps', 1, 100_000, true),
    batchSize: numberInput('train-batch', 'batch size', 1, 64, true),
    peakLr: numberInput('train-lr', 'learning rate', 1e-6, 1),
    sampleEvery: numberInput('train-sample-every', 'sample every', 1, 100_000, true),
  });

  const run = async () => {
    const opts = options();
    if (text.value.length < 2000) throw new Error(`the text has ${text.value.length} characters; training needs a few thousand at least (its last 10% is the validation text)`);
    curves = { train: [], val: [], totalSteps: opts.steps };
    lastVal = NaN;
    samples.replaceChildren();
    delete chart.dataset.done;
    redraw();
    runButton.disabled = true;
    pauseButton.disabled = false;
    stopButton.disabled = false;
    try {
      const r = await state.exclusive('training', async () => {
        const r = await state.worker.request({ type: 'train', text: text.value, source: sourceName, options: opts });
        const threads = state.backend.name === 'cpu' ? ` · ${r.threads} thread${r.threads > 1 ? 's' : ''} (worker chunks: ${r.workerChunks})` : '';
        showInfo(status, `${r.stopped ? 'stopped after' : 'trained'} ${r.steps} steps in ${duration(r.seconds)} · validation loss ${curves.val[0]?.[1].toFixed(3)} → ${lastVal.toFixed(3)}${threads} · ${prepared}`);
        chart.dataset.done = JSON.stringify({ steps: r.steps, workerChunks: r.workerChunks, threads: r.threads, tokensPerSecond: lastTokensPerSecond, model: r.model.description });
        return r;
      });
      state.setModel(r.model); // outside the lock: the attention view redraws for the trained weights
    } finally {
      runButton.disabled = false;
      pauseButton.disabled = true;
      pauseButton.textContent = 'Pause';
      stopButton.disabled = true;
    }
  };

  runButton.addEventListener('click', () => run().catch((e) => showError(status, e)));
  pauseButton.addEventListener('click', () => state.worker.control({ type: pauseButton.textContent === 'Pause' ? 'pause' : 'resume' }));
  stopButton.addEventListener('click', () => state.worker.control({ type: 'stop' }));
  redraw();
}
