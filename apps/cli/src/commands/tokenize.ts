// llm tokenize: GPT-2's token ids for a text, and which piece of text each token is.
import { type Command, flag, parseNumber, str } from '../command.js';
import { UsageError } from '../errors.js';
import { colours, readAll } from '../io.js';
import { gpt2Tokenizer, tokenizerFor } from '../models.js';

// background colours for neighbouring tokens (as the book's figures and tiktokenizer show them)
const BACKGROUNDS = [44, 42, 45, 43, 46, 41];
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A token's text; a token that is only part of a character shows its bytes, as \xf0\x9f. */
function pieceText(bytes: Uint8Array): { text: string; complete: boolean } {
  try {
    return { text: utf8.decode(bytes), complete: true };
  } catch {
    return { text: Array.from(bytes, (b) => `\\x${b.toString(16).padStart(2, '0')}`).join(''), complete: false };
  }
}

export const tokenizeCommand: Command = {
  name: 'tokenize',
  summary: "show the token ids and pieces of a text (GPT-2's tokenizer, or a model's)",
  args: '[options] [TEXT...]',
  description: 'Reads the text from the arguments, --file, or standard input. On a terminal the pieces are coloured.',
  options: {
    file: { type: 'string', short: 'f', value: 'FILE', description: 'tokenize this file' },
    json: { type: 'boolean', description: 'print {"ids": [...], "tokens": [{id, text, start, end}]} as JSON' },
    ids: { type: 'boolean', description: 'print only the ids, space-separated' },
    decode: { type: 'boolean', short: 'd', description: 'the arguments are ids: print their text' },
    model: { type: 'string', short: 'm', value: 'DIR', description: "use this model's vocabulary (its tokenizer.json), e.g. the demo's trained BPE", defaultText: "GPT-2's" },
    ordinary: { type: 'boolean', description: 'treat <|endoftext|> in the text as ordinary text, not the special token' },
  },
  examples: ['llm tokenize "Hello, world!"', 'echo "Akwirw ier" | llm tokenize --json', 'llm tokenize --decode 15496 11 995 0'],
  async run({ values, positionals, io }) {
    const model = str(values, 'model');
    const enc = model ? await tokenizerFor(model) : await gpt2Tokenizer();
    const file = str(values, 'file');
    if (file && positionals.length) throw new UsageError('give the text as arguments or --file, not both');

    if (flag(values, 'decode')) {
      const raw = positionals.length ? positionals.join(' ') : await readAll(io);
      const ids = raw.split(/[\s,[\]]+/).filter(Boolean).map((s) => parseNumber(s, 'a token id', { integer: true, min: 0, max: enc.nVocab - 1 }));
      io.stdout.write(`${enc.decode(ids)}\n`);
      return 0;
    }

    let text: string;
    if (file) text = await (await import('node:fs/promises')).readFile(file, 'utf8');
    else if (positionals.length) text = positionals.join(' ');
    else if (!io.stdinIsTTY) text = await readAll(io);
    else throw new UsageError('no text: pass it as an argument, with --file, or on standard input (see: llm tokenize --help)');

    const options = flag(values, 'ordinary') ? { disallowedSpecial: [] as string[] } : { allowedSpecial: 'all' as const };
    const { ids, offsets } = enc.encodeWithOffsets(text, options);
    const pieces = ids.map((id) => pieceText(enc.decodeTokenBytes(id)));

    if (flag(values, 'json')) {
      const tokens = ids.map((id, i) => ({ id, text: pieces[i].text, start: offsets[i][0], end: offsets[i][1], ...(pieces[i].complete ? {} : { partial: true }) }));
      io.stdout.write(`${JSON.stringify({ ids, tokens })}\n`);
    } else if (flag(values, 'ids')) {
      io.stdout.write(`${ids.join(' ')}\n`);
    } else {
      const c = colours(io.stdout, io.env);
      const shown = c.enabled
        ? pieces.map((p, i) => `\x1b[${BACKGROUNDS[i % BACKGROUNDS.length]};30m${p.text.replace(/\n/g, '↵').replace(/\t/g, '→')}\x1b[0m`).join('')
        : JSON.stringify(pieces.map((p) => p.text));
      io.stdout.write(`ids:    [${ids.join(', ')}]\ntokens: ${shown}\n${c.dim(`${ids.length} tokens, ${text.length} characters`)}\n`);
    }
    return 0;
  },
};
