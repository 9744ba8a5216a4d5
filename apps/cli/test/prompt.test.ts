// The prompt formats and stop sequences the CLI and the server use.
import { formatInput, formatResponse } from '@llm/finetune';
import { describe, expect, it } from 'vitest';
import { alpacaPrompt, chatPrompt } from '../src/prompt.js';
import { StopMatcher } from '../src/stop.js';

describe('Alpaca prompts', () => {
  it('match the format @llm/finetune trains on', () => {
    for (const entry of [{ instruction: 'Name a colour.', input: '' }, { instruction: 'Rewrite in passive voice.', input: 'The chef cooks the meal.' }]) {
      expect(alpacaPrompt(entry.instruction, entry.input)).toBe(formatInput(entry) + formatResponse({ output: '' }));
    }
  });

  it('one user message is the plain prompt; a conversation keeps its turns', () => {
    expect(chatPrompt([{ role: 'user', content: 'Name a colour.' }])).toBe(alpacaPrompt('Name a colour.'));
    expect(chatPrompt([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Name a colour.' },
      { role: 'assistant', content: 'Blue.' },
      { role: 'user', content: 'Another?' },
    ])).toBe('Be brief.\n\n### Instruction:\nName a colour.\n\n### Response:\nBlue.\n\n### Instruction:\nAnother?\n\n### Response:\n');
  });
});

describe('StopMatcher', () => {
  const run = (stops: string[], pieces: string[]) => {
    const m = new StopMatcher(stops);
    let text = '';
    for (const p of pieces) {
      const r = m.push(p);
      text += r.text;
      if (r.stopped) return { text, stopped: true };
    }
    return { text: text + m.flush(), stopped: false };
  };

  it('cuts at a stop sequence split across pieces and holds back possible starts', () => {
    expect(run(['\n\n###'], ['Blue', '.\n', '\n#', '## Instruction'])).toEqual({ text: 'Blue.', stopped: true });
    const m = new StopMatcher(['END']);
    expect(m.push('hello E')).toEqual({ text: 'hello ', stopped: false });
    expect(m.push('N')).toEqual({ text: '', stopped: false });
    expect(m.push('D and more')).toEqual({ text: '', stopped: true });
  });

  it('lets through text that only looked like a start, and the earliest of several stops wins', () => {
    expect(run(['END'], ['hello E', 'ND'.toLowerCase(), '!'])).toEqual({ text: 'hello End!', stopped: false });
    expect(run(['b', 'xyz'], ['a xy', 'z b'])).toEqual({ text: 'a ', stopped: true });
    expect(run([], ['as', 'is'])).toEqual({ text: 'asis', stopped: false });
  });
});
