// Text in, tokens out: each token a coloured chip (hover: its id and the characters it covers),
// and the list of ids, updated as you type. GPT-2's vocabulary, or the one the model was trained
// with (sent by the worker as saveEncoding's JSON, small enough to load on the page).
import { type Encoding, encodingFormat, loadEncoding } from '@llm/tokenizer';
import { gpt2Encoding, tokenColour, tokenPieces, visibleText } from '../lib/tokens.js';
import { byId, h, showError } from './dom.js';

export interface TokenizerView {
  /** Offers the model's vocabulary (saveEncoding's JSON; other formats are not offered). */
  setModelVocabulary(json: string | undefined, name: string): void;
}

export function mountTokenizer(): TokenizerView {
  const input = byId<HTMLTextAreaElement>('tok-input');
  const chips = byId('tok-chips');
  const ids = byId('tok-ids');
  const count = byId('tok-count');
  const choice = byId<HTMLSelectElement>('tok-choice');
  const modelOption = choice.querySelector<HTMLOptionElement>('option[value="model"]')!;
  const title = byId('tok-name');
  let modelEncoding: Encoding | null = null;

  const encoding = () => (choice.value === 'model' && modelEncoding ? modelEncoding : gpt2Encoding());
  const render = () => {
    try {
      const enc = encoding();
      title.textContent = enc === modelEncoding ? `the model's byte-level BPE (${enc.nVocab} tokens)` : 'GPT-2 byte-level BPE';
      const pieces = tokenPieces(input.value, enc);
      chips.replaceChildren(...pieces.map((p, i) => h('span', {
        class: p.partial ? 'token partial' : 'token',
        style: `background:${tokenColour(i)}`,
        title: `id ${p.id}, characters [${p.start}, ${p.end})${p.partial ? ', part of a character' : ''}`,
        'data-id': String(p.id),
      }, visibleText(p.text))));
      ids.textContent = `[${pieces.map((p) => p.id).join(', ')}]`;
      ids.dataset.ids = JSON.stringify(pieces.map((p) => p.id));
      count.textContent = `${pieces.length} token${pieces.length === 1 ? '' : 's'}, ${input.value.length} characters`;
      count.classList.remove('error');
    } catch (e) {
      showError(count, e);
    }
  };
  input.addEventListener('input', render);
  choice.addEventListener('change', render);
  render();

  return {
    setModelVocabulary(json, name) {
      const ours = json !== undefined && json.includes(`"format":"${encodingFormat}"`);
      modelEncoding = ours ? loadEncoding(json) : null;
      modelOption.disabled = !ours;
      modelOption.textContent = ours ? `the model's (${name})` : "the model's (not a vocabulary of ours)";
      if (!ours && choice.value === 'model') choice.value = 'gpt2';
      render();
    },
  };
}
