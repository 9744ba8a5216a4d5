// llm serve: a model over HTTP with OpenAI's and Ollama's APIs, on localhost.
import { useBackend } from '../backend.js';
import { backendOption, type Command, noPositionals, num, oneOf, str } from '../command.js';
import { colours } from '../io.js';
import { DEFAULT_MODEL, loadModelAndTokenizer, modelNameOf } from '../models.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: "serve a model over HTTP with OpenAI's and Ollama's APIs",
  args: '[options]',
  description: [
    'Endpoints: GET /v1/models, POST /v1/completions, POST /v1/chat/completions (stream: true for server-sent events),',
    'POST /api/generate, POST /api/chat (streamed as JSON lines unless stream: false), GET /api/tags, GET /api/version.',
    'Chat endpoints format the conversation as the Alpaca prompt of instruction-tuned models. Requests run one at a time.',
  ].join('\n'),
  options: {
    model: { type: 'string', short: 'm', value: 'DIR|NAME', description: 'a model folder or file, or a GPT-2 name from the cache', defaultText: DEFAULT_MODEL },
    name: { type: 'string', value: 'NAME', description: 'the model name clients use', defaultText: "the model folder's name" },
    host: { type: 'string', value: 'HOST', description: 'address to listen on', defaultText: '127.0.0.1' },
    port: { type: 'string', short: 'p', value: 'PORT', description: 'port (0: any free one)', defaultText: '8080' },
    'max-tokens': { type: 'string', value: 'N', description: 'most new tokens a request may ask for', defaultText: "the model's context length" },
    'max-body': { type: 'string', value: 'BYTES', description: 'largest request body', defaultText: '1048576' },
    'max-queue': { type: 'string', value: 'N', description: 'requests waiting at most before 503', defaultText: '64' },
    template: { type: 'string', value: 'none|alpaca', description: 'how /api/generate wraps prompts that are not raw', defaultText: 'none' },
    ...backendOption,
  },
  examples: [
    'llm serve --model runs/instruct --port 8080',
    "curl -s localhost:8080/v1/completions -d '{\"prompt\": \"The jury said\", \"max_tokens\": 20}'",
  ],
  async run({ values, positionals, io }) {
    noPositionals(serveCommand, positionals);
    const port = num(values, 'port', { integer: true, min: 0, max: 65535 }) ?? 8080;
    const host = str(values, 'host') ?? '127.0.0.1';
    const template = oneOf(values, 'template', ['none', 'alpaca'] as const, 'none');
    const maxTokens = num(values, 'max-tokens', { integer: true, min: 1 });
    const maxBodyBytes = num(values, 'max-body', { integer: true, min: 1 });
    const maxQueue = num(values, 'max-queue', { integer: true, min: 1 });
    await useBackend(str(values, 'backend'));
    const source = str(values, 'model') ?? DEFAULT_MODEL;
    const { model, tokenizer } = await loadModelAndTokenizer(source);
    const modelName = str(values, 'name') ?? modelNameOf(source);
    const { createServer } = await import('../server/index.js');
    const c = colours(io.stderr, io.env);
    const server = createServer({
      model, tokenizer, modelName, maxTokens, maxBodyBytes, maxQueue, promptTemplate: template,
      log: (line) => io.stderr.write(`${c.dim(new Date().toISOString())} ${line}\n`),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    const where = typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : String(address);
    io.stdout.write(`Serving ${modelName} (${model.config.nLayers} layers, embDim ${model.config.embDim}, context ${model.config.contextLength}) at ${where}\n`);
    io.stdout.write(`  OpenAI: ${where}/v1/completions, ${where}/v1/chat/completions   Ollama: ${where}/api/generate, ${where}/api/chat\n`);
    io.stdout.write('Ctrl-C to stop.\n');
    await new Promise<void>((resolve) => {
      const stop = () => {
        io.stderr.write('Stopping.\n');
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
