// llm serve: a model over HTTP with OpenAI's and Ollama's APIs, on localhost, safe by default
// (no cross-origin access, loopback Host names only, JSON bodies only), requests decoded together.
import { useBackend } from '../backend.js';
import { backendOption, type Command, noPositionals, num, oneOf, str } from '../command.js';
import { UsageError } from '../errors.js';
import { colours } from '../io.js';
import { DEFAULT_MODEL, loadModelAndTokenizer, modelNameOf } from '../models.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: "serve a model over HTTP with OpenAI's and Ollama's APIs",
  args: '[options]',
  description: [
    'Endpoints: GET /v1/models[/ID], POST /v1/completions, /v1/chat/completions (stream: true for server-sent events), /v1/embeddings;',
    'POST /api/generate, /api/chat (streamed as JSON lines unless stream: false), /api/embed, /api/show; GET /api/tags, /api/ps, /api/version.',
    'Chat endpoints format the conversation as the Alpaca prompt of instruction-tuned models. Concurrent requests are decoded',
    'together (continuous batching, up to --max-batch). Web pages get no access unless their origin is given with --cors-origin;',
    "requests must name the bound address or localhost as their Host (--allow-host for others) and send 'Content-Type: application/json'.",
    'The API key may also come from the LLM_API_KEY environment variable (it is then not visible in the process list).',
  ].join('\n'),
  options: {
    model: { type: 'string', short: 'm', value: 'DIR|NAME', description: 'a model folder or file, or a GPT-2 name from the cache', defaultText: DEFAULT_MODEL },
    name: { type: 'string', value: 'NAME', description: 'the model name clients use', defaultText: "the model folder's name" },
    host: { type: 'string', value: 'HOST', description: 'address to listen on', defaultText: '127.0.0.1' },
    port: { type: 'string', short: 'p', value: 'PORT', description: 'port (0: any free one)', defaultText: '8080' },
    'max-tokens': { type: 'string', value: 'N', description: 'most new tokens a request may ask for', defaultText: "the model's context length" },
    'max-body': { type: 'string', value: 'BYTES', description: 'largest request body', defaultText: '1048576' },
    'max-queue': { type: 'string', value: 'N', description: 'requests under way or waiting at most before 503', defaultText: '64' },
    'max-batch': { type: 'string', value: 'N', description: 'requests decoded together at most (1: one at a time)', defaultText: '16' },
    'cors-origin': { type: 'string', multiple: true, value: 'ORIGIN', description: "a web origin allowed to call the server, e.g. http://localhost:3000 (repeatable; '*' for any)" },
    'allow-host': { type: 'string', multiple: true, value: 'NAME', description: "a Host name to answer besides the bound address and localhost (repeatable; '*' for any)" },
    'api-key': { type: 'string', value: 'KEY', description: "require 'Authorization: Bearer KEY'", defaultText: '$LLM_API_KEY, else none' },
    'request-timeout': { type: 'string', value: 'SECONDS', description: 'time to receive a whole request (headers: a third of it, at most 10 s)', defaultText: '30' },
    template: { type: 'string', value: 'none|alpaca', description: 'how /api/generate wraps prompts that are not raw', defaultText: 'none' },
    ...backendOption,
  },
  examples: [
    'llm serve --model runs/instruct --port 8080',
    "curl -s localhost:8080/v1/completions -H 'Content-Type: application/json' -d '{\"prompt\": \"The jury said\", \"max_tokens\": 20}'",
    'llm serve --model runs/instruct --cors-origin http://localhost:5173   # a web app on that origin may call it',
  ],
  async run({ values, positionals, io }) {
    noPositionals(serveCommand, positionals);
    const port = num(values, 'port', { integer: true, min: 0, max: 65535 }) ?? 8080;
    const host = str(values, 'host') ?? '127.0.0.1';
    const template = oneOf(values, 'template', ['none', 'alpaca'] as const, 'none');
    const maxTokens = num(values, 'max-tokens', { integer: true, min: 1 });
    const maxBodyBytes = num(values, 'max-body', { integer: true, min: 1 });
    const maxQueue = num(values, 'max-queue', { integer: true, min: 1 });
    const maxBatch = num(values, 'max-batch', { integer: true, min: 1 });
    const requestTimeout = num(values, 'request-timeout', { min: 0.1 }) ?? 30;
    const list = (name: string) => (values[name] as string[] | undefined ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    const corsOrigins = list('cors-origin');
    const { normalizeOrigin } = await import('../server/security.js');
    for (const o of corsOrigins) if (o !== '*') try { normalizeOrigin(o); } catch (e) { throw new UsageError(`--cors-origin: ${(e as Error).message}`); }
    const apiKey = str(values, 'api-key') ?? (io.env.LLM_API_KEY || undefined);
    await useBackend(str(values, 'backend'));
    const source = str(values, 'model') ?? DEFAULT_MODEL;
    const loaded = await loadModelAndTokenizer(source);
    const { model, tokenizer } = loaded;
    const chatTemplate = await ownChatTemplate(loaded);
    const modelName = str(values, 'name') ?? modelNameOf(source);
    const { createServer } = await import('../server/index.js');
    const c = colours(io.stderr, io.env);
    const server = createServer({
      model, tokenizer, modelName, maxTokens, maxBodyBytes, maxQueue, maxBatch, promptTemplate: template, chatTemplate,
      corsOrigins, allowedHosts: list('allow-host'), apiKey,
      requestTimeoutMs: requestTimeout * 1000, headersTimeoutMs: Math.min(10_000, (requestTimeout * 1000) / 3),
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
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
      io.stderr.write(`${c.dim('note:')} listening on ${host}: other machines can reach this server${apiKey ? '' : ' without an API key (--api-key)'}; requests must name an allowed Host (--allow-host)\n`);
    }
    io.stdout.write(`  Batching up to ${maxBatch ?? 16} requests; CORS: ${corsOrigins.length ? corsOrigins.join(', ') : 'off'}; API key: ${apiKey ? 'required' : 'off'}\n`);
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

type Messages = { role: string; content: string }[];

/**
 * The chat endpoints' prompt for a model with its own chat template (a Llama / Qwen3 folder's
 * tokenizer_config.json, as `llm chat` uses it, thinking off); undefined for the others (Alpaca).
 */
async function ownChatTemplate(loaded: object): Promise<((messages: Messages) => number[] | undefined) | undefined> {
  const chat = (loaded as { chat?: unknown }).chat;
  if (!chat) return undefined;
  const { chatPrompt } = (await import('@llm/gpt')) as unknown as { chatPrompt?: (chat: unknown, messages: Messages, o: object) => { ids: number[] } | undefined };
  if (!chatPrompt) return undefined;
  return (messages) => chatPrompt(chat, messages, { variables: { enable_thinking: false } })?.ids;
}
