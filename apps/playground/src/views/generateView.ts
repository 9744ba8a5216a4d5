// Generation with sampling controls: the continuation streams in token by token, in its own colour
// after the prompt. temperature 0 is greedy; top-k / top-p filter before the draw; the seed makes it repeatable.
import { generateStream } from '@llm/gpt';
import { checkTokensFit } from '../lib/tinyModel.js';
import { gpt2Encoding } from '../lib/tokens.js';
import type { AppState } from '../state.js';
import { byId, h, nextFrame, numberInput, showError, showInfo } from './dom.js';

const END_OF_TEXT = 50256;

export function mountGenerate(state: AppState): void {
  const prompt = byId<HTMLInputElement>('gen-prompt');
  const output = byId('gen-output');
  const message = byId('gen-message');
  const temperature = byId<HTMLInputElement>('gen-temperature');
  const temperatureValue = byId('gen-temperature-value');
  const runButton = byId<HTMLButtonElement>('gen-run');
  const stopButton = byId<HTMLButtonElement>('gen-stop');
  let stop = false;

  const showTemperature = () => { temperatureValue.textContent = Number(temperature.value).toFixed(2); };
  temperature.addEventListener('input', showTemperature);
  showTemperature();

  const run = async () => {
    const temp = numberInput('gen-temperature', 'temperature', 0, 5);
    const topK = numberInput('gen-topk', 'top-k', 0, 50257, true);
    const topP = numberInput('gen-topp', 'top-p', 0.01, 1);
    const seed = numberInput('gen-seed', 'seed', 0, 2 ** 31 - 1, true);
    const maxNewTokens = numberInput('gen-max', 'max new tokens', 1, 512, true);
    if (prompt.value.length === 0) throw new Error('type a prompt first');
    checkTokensFit(gpt2Encoding().encode(prompt.value, { allowedSpecial: 'all' }), state.model.config, 'prompt');
    const continuation = h('span', { class: 'continuation' });
    output.replaceChildren(h('span', { class: 'prompt' }, prompt.value), continuation);
    delete output.dataset.done;
    stop = false;
    runButton.disabled = true;
    stopButton.disabled = false;
    const started = performance.now();
    let count = 0;
    try {
      await state.exclusive('generating', async () => {
        const opts = { maxNewTokens, temperature: temp, topK: topK || undefined, topP: topP < 1 ? topP : undefined, seed, eosId: END_OF_TEXT < state.model.config.vocabSize ? END_OF_TEXT : undefined };
        for await (const { text } of generateStream(state.model, gpt2Encoding(), prompt.value, opts)) {
          continuation.textContent += text;
          count++;
          await nextFrame();
          if (stop) break;
        }
      });
      const seconds = (performance.now() - started) / 1000;
      showInfo(message, `${count} tokens in ${seconds.toFixed(2)} s (${(count / seconds).toFixed(1)} tokens/s)${stop ? ', stopped' : ''}`);
      output.dataset.done = String(count);
    } finally {
      runButton.disabled = false;
      stopButton.disabled = true;
    }
  };

  runButton.addEventListener('click', () => run().catch((e) => showError(message, e)));
  stopButton.addEventListener('click', () => { stop = true; });
}
