// llm classify: label texts with a classifier fine-tuned by `llm finetune classify`.
import { backendOption, type Command, flag, str } from '../command.js';
import { useBackend } from '../backend.js';
import { CliError, UsageError } from '../errors.js';
import { colours } from '../io.js';
import { resolveModelSource } from '../models.js';

export const classifyCommand: Command = {
  name: 'classify',
  summary: "label texts with a fine-tuned classifier (e.g. 'spam' or 'ham')",
  args: '[options] [TEXT...]',
  description: 'Classifies the text given as arguments, or each line of standard input. --model is the folder `llm finetune classify` wrote (or its classifier/ sub-folder).',
  options: {
    model: { type: 'string', short: 'm', value: 'DIR', description: 'the fine-tuned classifier', defaultText: 'runs/finetune-classify' },
    json: { type: 'boolean', description: 'one JSON object per text: {text, label, probability, probabilities}' },
    ...backendOption,
  },
  examples: [
    'llm classify --model runs/finetune-classify "You are a winner! Claim your free prize now."',
    'cat messages.txt | llm classify --json',
  ],
  async run({ values, positionals, io }) {
    const texts: string[] = [];
    if (positionals.length) texts.push(positionals.join(' '));
    else if (io.stdinIsTTY) throw new UsageError('no text: pass it as an argument, or lines on standard input (see: llm classify --help)');
    else {
      for await (const line of io.stdin()) if (line.trim()) texts.push(line);
    }
    if (!texts.length) throw new UsageError('no text to classify: standard input was empty');

    await useBackend(str(values, 'backend'));
    const source = await resolveModelSource(str(values, 'model') ?? 'runs/finetune-classify', ['classifier']);
    const { loadClassifier } = await import('@llm/finetune/node');
    const classifier = await loadClassifier(source).catch((e: Error) => {
      throw new CliError(e.message.replace(/^TextClassifier\.load: /, ''));
    });
    const c = colours(io.stdout, io.env);
    for (let i = 0; i < texts.length; i += 16) {
      const batch = texts.slice(i, i + 16);
      const results = await classifier.classifyBatch(batch);
      results.forEach((r, k) => {
        if (flag(values, 'json')) io.stdout.write(`${JSON.stringify({ text: batch[k], label: r.label, probability: r.probability, probabilities: r.probabilities })}\n`);
        else io.stdout.write(`${c.bold(r.label)}\t${(100 * r.probability).toFixed(1)}%\t${batch[k]}\n`);
      });
    }
    return 0;
  },
};
