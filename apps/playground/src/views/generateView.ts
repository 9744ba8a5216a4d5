// Generation with sampling controls, in the worker: the continuation streams in token by token, in
// its own colour after the prompt. temperature 0 is greedy; top-k / top-p filter before the draw;
// the seed makes it repeatable.
import type { AppState } from '../state.js';
import { byId, h, numberInput, showError, showInfo } from './dom.js';

export function mountGenerate(state: AppState): void {
  const prompt = byId<HTMLInputElement>('gen-prompt');
  const output = byId('gen-output');
  const message = byId('gen-message');
  const temperature = byId<HTMLInputElement>('gen-temperature');
  const temperatureValue = byId('gen-temperature-value');
  const runButton = byId<HTMLButtonElement>('gen-run');
  const stopButton = byId<HTMLButtonElement>('gen-stop');
  let continuation: HTMLElement | null = null;

  const showTemperature = () => { temperatureValue.textContent = Number(temperature.value).toFixed(2); };
  temperature.addEventListener('input', showTemperature);
  showTemperature();
  state.worker.on((e) => {
    if (e.event === 'token' && continuation && state.busy === 'generating') continuation.textContent += e.text;
  });

  const run = async () => {
    const request = {
      prompt: prompt.value,
      temperature: numberInput('gen-temperature', 'temperature', 0, 5),
      topK: numberInput('gen-topk', 'top-k', 0, 1_000_000, true) || undefined,
      topP: numberInput('gen-topp', 'top-p', 0.01, 1),
      seed: numberInput('gen-seed', 'seed', 0, 2 ** 31 - 1, true),
      maxNewTokens: numberInput('gen-max', 'max new tokens', 1, 1024, true),
    };
    if (request.topP >= 1) delete (request as { topP?: number }).topP;
    if (!state.model) throw new Error('no model yet: train one or load a model folder first');
    continuation = h('span', { class: 'continuation' });
    output.replaceChildren(h('span', { class: 'prompt' }, prompt.value), continuation);
    delete output.dataset.done;
    runButton.disabled = true;
    stopButton.disabled = false;
    try {
      const r = await state.exclusive('generating', () => state.worker.request({ type: 'generate', request }));
      showInfo(message, `${r.tokens} tokens in ${r.seconds.toFixed(2)} s (${(r.tokens / r.seconds).toFixed(1)} tokens/s)${r.stopped ? ', stopped' : ''}`);
      output.dataset.done = String(r.tokens);
    } finally {
      runButton.disabled = false;
      stopButton.disabled = true;
    }
  };

  runButton.addEventListener('click', () => run().catch((e) => showError(message, e)));
  stopButton.addEventListener('click', () => state.worker.control({ type: 'stop' }));
}
