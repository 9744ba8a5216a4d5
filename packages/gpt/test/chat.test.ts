// Chat templates of real models (test/fixtures/chat-templates, copied from the models' tokenizer_config.json),
// rendered by @huggingface/jinja through ChatTemplate, against renderings published in the models' documentation
// (see fixtures/chat-templates/SOURCES.md); then chatPrompt's ids and the errors.
import { readFileSync } from 'node:fs';
import { getEncoding } from '@llm/tokenizer';
import { describe, expect, it } from 'vitest';
import { ChatTemplate, chatPrompt, strftime } from '../src/chat/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/chat-templates/${name}.jinja`, import.meta.url), 'utf8');

describe('Llama 3.2', () => {
  const llama = new ChatTemplate(fixture('llama-3.2'), { bosToken: '<|begin_of_text|>', eosToken: '<|eot_id|>' });

  it("renders Meta's prompt format: the dated system header, then one header per turn", () => {
    const text = llama.render(
      [
        { role: 'system', content: 'You are a helpful assistant' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      { variables: { date_string: '23 July 2024' } },
    );
    expect(text).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n' +
        'Cutting Knowledge Date: December 2023\nToday Date: 23 July 2024\n\n' +
        'You are a helpful assistant<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n' +
        'What is the capital of France?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it("renders the smol-course's multi-turn example, with today's date from strftime_now", () => {
    const text = llama.render(
      [
        { role: 'user', content: 'I need help with my order' },
        { role: 'assistant', content: "I'd be happy to help. Could you provide your order number?" },
        { role: 'user', content: "It's ORDER-123" },
      ],
      { now: new Date(2025, 1, 10) },
    );
    expect(text).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 10 Feb 2025\n\n' +
        '<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nI need help with my order<|eot_id|>' +
        "<|start_header_id|>assistant<|end_header_id|>\n\nI'd be happy to help. Could you provide your order number?<|eot_id|>" +
        "<|start_header_id|>user<|end_header_id|>\n\nIt's ORDER-123<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
    );
  });
});

describe('Qwen3', () => {
  const qwen = new ChatTemplate(fixture('qwen3'), { eosToken: '<|im_end|>' });
  const shoes = [
    { role: 'user', content: 'Hi there!' },
    { role: 'assistant', content: 'Hi there, how can I help you today?' },
    { role: 'user', content: "I'm looking for a new pair of shoes." },
  ];

  it('renders ChatML, with the empty think block when thinking is off (the Qwen3 model card, the HF blog post)', () => {
    const chatml =
      '<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\nHi there, how can I help you today?<|im_end|>\n' +
      "<|im_start|>user\nI'm looking for a new pair of shoes.<|im_end|>\n<|im_start|>assistant\n";
    expect(qwen.render(shoes)).toBe(chatml);
    expect(qwen.render(shoes, { variables: { enable_thinking: false } })).toBe(`${chatml}<think>\n\n</think>\n\n`);
    expect(qwen.render([{ role: 'system', content: 'You are a helpful assistant.' }, shoes[0]], { addGenerationPrompt: false })).toBe(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi there!<|im_end|>\n',
    );
  });

  it('drops the thinking of earlier turns from the history (the model card: "no thinking content in history")', () => {
    const text = qwen.render([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: '<think>\nThe user greets me.\n</think>\n\nHello!' },
      { role: 'user', content: 'Bye' },
    ]);
    expect(text).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n');
  });
});

describe('SmolLM2', () => {
  const smol = new ChatTemplate(fixture('smollm2'), { bosToken: '<|im_start|>', eosToken: '<|im_end|>' });

  it("adds its default system prompt, as in the smol-course's example", () => {
    const text = smol.render([
      { role: 'user', content: 'I need help with my order' },
      { role: 'assistant', content: "I'd be happy to help. Could you provide your order number?" },
      { role: 'user', content: "It's ORDER-123" },
    ]);
    expect(text).toBe(
      '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' +
        '<|im_start|>user\nI need help with my order<|im_end|>\n' +
        "<|im_start|>assistant\nI'd be happy to help. Could you provide your order number?<|im_end|>\n" +
        "<|im_start|>user\nIt's ORDER-123<|im_end|>\n<|im_start|>assistant\n",
    );
  });
});

describe('chatPrompt', () => {
  it("renders the tokenizer's template and encodes it with its special tokens", () => {
    const encoding = getEncoding('gpt2');
    const template = '{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}';
    const prompt = chatPrompt({ encoding, chatTemplate: template, eosToken: '<|endoftext|>' }, [{ role: 'user', content: 'hello world' }])!;
    expect(prompt.text).toBe('hello world<|endoftext|>');
    expect(prompt.ids).toEqual([31373, 995, 50256]);
    expect(chatPrompt({ encoding }, [{ role: 'user', content: 'x' }])).toBeUndefined();
  });

  it('names the template in errors', () => {
    expect(() => new ChatTemplate('{% for %}', {}, 'models/x/tokenizer_config.json chat_template')).toThrow(
      /^models\/x\/tokenizer_config.json chat_template: the chat template does not parse: /,
    );
    expect(() => new ChatTemplate('')).toThrow(/chat_template: the chat template is empty or not a string/);
    const t = new ChatTemplate("{{ raise_exception('Only user and assistant roles are supported!') }}");
    expect(() => t.render([{ role: 'user', content: 'x' }])).toThrow(/chat_template: the chat template refused the messages: Only user and assistant roles are supported!/);
    expect(() => t.render([])).toThrow(/messages must be a non-empty array/);
    expect(() => t.render([{ content: 'x' } as never])).toThrow(/messages\[0\] needs a string "role"/);
  });

  it('prints dates with strftime as Python does', () => {
    const d = new Date(2024, 6, 5, 9, 3, 7);
    expect(strftime(d, '%d %b %Y')).toBe('05 Jul 2024');
    expect(strftime(d, '%A %B %e, %H:%M:%S %j %% %Q')).toBe('Friday July  5, 09:03:07 187 % %Q');
  });
});
