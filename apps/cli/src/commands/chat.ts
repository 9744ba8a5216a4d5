// llm chat: talk to an instruction-tuned model. Each line of input is an instruction, formatted as
// the book's Alpaca prompt; the response streams back. Works at a terminal and with piped input.
import { type Command, flag, str } from '../command.js';
import { useBackend } from '../backend.js';
import { runGeneration } from '../generation.js';
import { colours } from '../io.js';
import { DEFAULT_MODEL, loadModelAndTokenizer } from '../models.js';
import { ALPACA_STOP, alpacaPrompt, chatPrompt, type ChatMessage } from '../prompt.js';
import { modelOption, samplingFrom, samplingOptions } from '../sampling.js';

export const chatCommand: Command = {
  name: 'chat',
  summary: 'chat with an instruction-tuned model (Alpaca prompts), at a terminal or from a pipe',
  args: '[options]',
  description: [
    'Each line read is one instruction. At a terminal, type /exit (or Ctrl-D) to leave. Responses end at',
    '<|endoftext|>, at the next "###" section, or after --max-tokens. Sampling defaults to greedy (--temperature 0).',
  ].join('\n'),
  options: {
    ...modelOption,
    ...samplingOptions,
    temperature: { ...samplingOptions.temperature, defaultText: '0' },
    'max-tokens': { ...samplingOptions['max-tokens'], defaultText: '256' },
    history: { type: 'boolean', description: 'send the earlier turns with each instruction (one growing prompt)' },
    json: { type: 'boolean', description: 'print one JSON object per answer: {instruction, response, finishReason}' },
  },
  examples: [
    'llm chat --model runs/instruct',
    'printf "Rewrite the sentence in passive voice: The chef cooks the meal.\\n" | llm chat --model runs/instruct',
  ],
  async run({ values, io }) {
    const sampling = samplingFrom({ temperature: '0', ...values }, { maxTokens: 256 });
    await useBackend(str(values, 'backend'));
    const { model, tokenizer, chat } = await loadModelAndTokenizer(str(values, 'model') ?? DEFAULT_MODEL);
    // a Llama / Qwen3 model with a chat template talks in its own format (and stops at its end of turn); others in Alpaca's
    const { chatPrompt: templatePrompt } = await import('@llm/gpt');
    const interactive = io.stdinIsTTY;
    // the answers alone go to stdout; the banner, the prompt and notes to stderr (a terminal either way)
    const c = colours(io.stderr, io.env);
    const history: ChatMessage[] = [];
    const ask = () => { if (interactive) io.stderr.write(c.green('> ')); };

    if (interactive) io.stderr.write(c.dim(`Chatting with ${str(values, 'model') ?? DEFAULT_MODEL} (context ${model.config.contextLength} tokens). /exit or Ctrl-D to leave.\n`));
    ask();
    for await (const raw of io.stdin()) {
      const line = raw.trim();
      if (line === '/exit' || line === '/quit') break;
      if (!line) {
        ask();
        continue;
      }
      const turns: ChatMessage[] = flag(values, 'history') ? [...history, { role: 'user', content: line }] : [{ role: 'user', content: line }];
      const templated = chat && templatePrompt(chat, turns.map((m) => ({ role: m.role, content: m.content })), { variables: { enable_thinking: false } });
      const prompt = templated ? templated.ids : flag(values, 'history') ? chatPrompt(turns) : alpacaPrompt(line);
      const json = flag(values, 'json');
      let response = '';
      const result = await runGeneration(model, tokenizer, {
        prompt, ...sampling, stop: templated ? [] : [ALPACA_STOP],
        onText: (t) => {
          // the model's first characters are often the whitespace after "### Response:"
          const shown = response ? t : t.trimStart();
          response += shown;
          if (shown && !json) io.stdout.write(shown);
        },
      });
      if (json) io.stdout.write(`${JSON.stringify({ instruction: line, response: response.trim(), finishReason: result.finishReason })}\n`);
      else io.stdout.write(interactive ? '\n\n' : '\n');
      if (interactive && result.finishReason === 'length') io.stderr.write(c.dim('(cut off at --max-tokens)\n'));
      history.push({ role: 'user', content: line }, { role: 'assistant', content: response.trim() });
      ask();
    }
    if (interactive) io.stderr.write('\n');
    return 0;
  },
};
