// llm download: OpenAI's GPT-2 weights from the Hugging Face Hub into the cache, with a progress bar.
import { type Command, num, str } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { suggesting } from '../suggest.js';

export const downloadCommand: Command = {
  name: 'download',
  summary: 'download GPT-2 weights (gpt2, gpt2-medium, gpt2-large, gpt2-xl) into the cache',
  args: '[options] NAME...',
  description: [
    'Fetches config.json and model.safetensors from the Hugging Face Hub into $LLM_CACHE_DIR (default ~/.cache/llm)/<name>/.',
    'An interrupted download resumes; size and sha256 are checked before the file is put in place. Names: gpt2, gpt2-medium,',
    "gpt2-large, gpt2-xl, or 124M, 355M, 774M, 1558M. Afterwards 'llm generate --model gpt2' uses it.",
  ].join('\n'),
  options: {
    'cache-dir': { type: 'string', value: 'DIR', description: 'where models are kept', defaultText: '$LLM_CACHE_DIR or ~/.cache/llm' },
    'base-url': { type: 'string', value: 'URL', description: 'a mirror with the Hub\'s /<repo>/resolve/main/<file> layout', defaultText: 'https://huggingface.co' },
    sha256: { type: 'string', value: 'HEX', description: 'expected sha256 of model.safetensors (default: the one the Hub states)' },
    retries: { type: 'string', value: 'N', description: 'retries after network errors, each resuming', defaultText: '3' },
    list: { type: 'boolean', description: 'list the models and whether each is in the cache' },
  },
  examples: ['llm download gpt2', 'llm download --list', 'LLM_CACHE_DIR=/data/models llm download gpt2-medium'],
  async run({ values, positionals, io }) {
    const gpt = await import('@llm/gpt');
    const { defaultCacheDir, downloadPretrained } = await import('@llm/gpt/node');
    const cacheDir = str(values, 'cache-dir') ?? (await defaultCacheDir());
    if (values.list) {
      const { existsSync } = await import('node:fs');
      const { join } = await import('node:path');
      for (const m of gpt.PRETRAINED_MODELS) {
        const have = existsSync(join(cacheDir, m.name, 'model.safetensors')) && existsSync(join(cacheDir, m.name, 'config.json'));
        io.stdout.write(`${m.name.padEnd(21)} ${(m.size === m.name ? '' : m.size).padStart(5)}  ${m.nLayers} layers, embDim ${m.embDim}  ${have ? `in ${join(cacheDir, m.name)}` : 'not downloaded'}\n`);
      }
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('name a model to download: gpt2, gpt2-medium, gpt2-large, gpt2-xl, smollm2-135m, smollm2-360m, llama-3.2-1b (each also -instruct) or qwen3-0.6b (see: llm download --help)');
    const models = positionals.map((name) => {
      try {
        return gpt.resolvePretrainedModel(name);
      } catch (e) {
        // a name outside the fixed list is a mistake on the command line
        if (e instanceof gpt.UnknownModelError) throw new UsageError(suggesting(`unknown model '${name}'`, name, e.validNames, { otherwise: `; the names are ${e.validNames.join(', ')}` }));
        throw new CliError((e as Error).message);
      }
    });
    for (const m of models) {
      const files = await downloadPretrained(m.name, {
        cacheDir, baseUrl: str(values, 'base-url'), sha256: str(values, 'sha256'),
        retries: num(values, 'retries', { integer: true, min: 0 }), onProgress: gpt.terminalProgress(io.stderr),
      });
      const c = files.config;
      io.stdout.write(`${m.name}: ${files.dir} (${c.nLayers} layers, embDim ${c.embDim}, ${c.nHeads} heads, context ${c.contextLength})\n`);
    }
    return 0;
  },
};
