// Text in, GPT-2 tokens out: each token a coloured chip (hover: its id and the characters it
// covers), and the list of ids, updated as you type.
import { tokenColour, tokenPieces, visibleText } from '../lib/tokens.js';
import { byId, h, showError } from './dom.js';

export function mountTokenizer(): void {
  const input = byId<HTMLTextAreaElement>('tok-input');
  const chips = byId('tok-chips');
  const ids = byId('tok-ids');
  const count = byId('tok-count');

  const render = () => {
    try {
      const pieces = tokenPieces(input.value);
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
  render();
}
