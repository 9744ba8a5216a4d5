// llm generate: continue a prompt with a trained model, printing tokens as they come.
import { type Command, flag, str } from '../command.js';
import { useBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { runGeneration } from '../generation.js';
import { colours, readAll } from '../io.js';
import { DEFAULT_MODEL, loadModelAndTokenizer } from '../models.js';
import { modelOption, samplingFrom, samplingOptions } from '../sampling.js';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'continue a prompt with a trained model, streaming the text',
  args: '[options] [PROMPT...]',
  description: 'Reads the prompt from the arguments or standard input; an empty prompt starts from <|endoftext|>. Generation stops at <|endoftext|> or after --max-tokens.',
  options: {
    ...modelOption,
    ...samplingOptions,
    'no-prompt': { type: 'boolean', description: 'print only the generated text, not the prompt before it' },
  },
  examples: [
    'llm generate "The jury said"',
    'llm generate --model gpt2 --max-tokens 40 --temperature 0.7 --top-k 40 --seed 123 "Every effort moves you"',
    'echo "Once upon a time" | llm generate -n 100 --temperature 0',
  ],
  async run({ values, positionals, io }) {
    const sampling = samplingFrom(values, { maxTokens: 50 });
    let prompt: string;
    if (positionals.length) prompt = positionals.join(' ');
    else if (!io.stdinIsTTY) prompt = await readAll(io);
    else throw new UsageError('no prompt: pass it as an argument or on standard input (see: llm generate --help)');

    await useBackend(str(values, 'backend'));
    const { model, tokenizer, prefixIds } = await loadModelAndTokenizer(str(values, 'model') ?? DEFAULT_MODEL);
    const c = colours(io.stdout, io.env);
    if (!flag(values, 'no-prompt')) io.stdout.write(c.bold(prompt));
    // a model whose tokenizer starts every text with a token (Llama 3's <|begin_of_text|>) gets it here
    const ids = prefixIds.length ? [...prefixIds, ...tokenizer.encode(prompt, { allowedSpecial: 'all' })] : prompt;
    const result = await runGeneration(model, tokenizer, { prompt: ids, ...sampling, onText: (t) => void io.stdout.write(t) });
    io.stdout.write('\n');
    if (io.stderr.isTTY) {
      const d = colours(io.stderr, io.env);
      const rate = result.completionTokens / Math.max(1e-9, result.seconds);
      io.stderr.write(d.dim(`${result.completionTokens} tokens in ${result.seconds.toFixed(2)} s (${rate.toFixed(1)} tokens/s), ${result.finishReason === 'stop' ? 'stopped at <|endoftext|>' : 'reached --max-tokens'}\n`));
    }
    return 0;
  },
};
