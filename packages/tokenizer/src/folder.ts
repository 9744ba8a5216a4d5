// A model folder's tokenizer (Node only): tokenizer.json (this package's format or Hugging Face's), else a
// tiktoken-format tokenizer.model (Llama 3's, also under original/), plus tokenizer_config.json's chat template and
// special tokens, chat_template.jinja, and generation_config.json's stop ids. The folder is untrusted: only regular
// files are read (a FIFO would hang the reader), each under a size limit, and every error names the file.
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Encoding } from './encoding';
import { parseJson } from './hf';
import { parseTokenizerConfig } from './hfConfig';
import { type HFAddedToken, loadHFTokenizerJson } from './hfTokenizerJson';
import { encodingFormat, loadEncoding } from './serialize';
import { loadTiktokenEncoding } from './tiktokenFile';

const MAX_TOKENIZER_BYTES = 64 * 2 ** 20;
const MAX_CONFIG_BYTES = 4 * 2 ** 20;

export interface ModelTokenizer {
  encoding: Encoding;
  /** 'llm-tokenizer' (saveEncoding's JSON), 'huggingface' (tokenizer.json) or 'tiktoken' (tokenizer.model). */
  format: 'llm-tokenizer' | 'huggingface' | 'tiktoken';
  /** The file the encoding came from. */
  file: string;
  /** Hugging Face added tokens (all special tokens of `encoding`); empty for the other formats. */
  addedTokens: HFAddedToken[];
  /** Ids to put around a plain text (the post-processor's, e.g. Llama 3's BOS); [] for chat, whose template has them. */
  prefixIds: number[];
  suffixIds: number[];
  /** From tokenizer_config.json (and chat_template.jinja, which wins). */
  chatTemplate?: string;
  bosToken?: string;
  eosToken?: string;
  /** Ids that end generation: eos_token's, generation_config.json's eos_token_id(s) and, without either, the
   *  encoding's <|endoftext|>. */
  stopIds: number[];
}

/** The file's text if it exists; undefined if it does not; an error if it is not a regular file or too large. */
async function readRegularFile(path: string, limit: number): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  if (!info.isFile()) throw new Error(`${path}: not a regular file (a ${info.isDirectory() ? 'directory' : info.isFIFO() ? 'FIFO' : 'special file'}); refusing to read it`);
  if (info.size > limit) throw new Error(`${path}: ${info.size} bytes, more than the ${limit} a tokenizer file may have`);
  const handle = await open(path, 'r');
  try {
    const text = await handle.readFile({ encoding: 'utf8' });
    if (text.length > limit) throw new Error(`${path}: grew past ${limit} bytes while being read`);
    return text;
  } finally {
    await handle.close();
  }
}

function parseFile(text: string, path: string): Record<string, unknown> {
  return parseJson(text, path);
}

/** Whether a tokenizer.model is tiktoken's text format (Llama 3) rather than a SentencePiece protobuf (Llama 2). */
function looksLikeTiktoken(text: string): boolean {
  return /^[A-Za-z0-9+/]+=* \d+\r?\n/.test(text.slice(0, 200));
}

/** The tokenizer of the model folder `dir`, or undefined when it has no tokenizer file at all (the caller may then
 *  fall back to GPT-2's). A tokenizer file that is present but malformed is an error naming it, never a fallback. */
export async function loadTokenizerFolder(dir: string): Promise<ModelTokenizer | undefined> {
  let loaded: Pick<ModelTokenizer, 'encoding' | 'format' | 'file' | 'addedTokens' | 'prefixIds' | 'suffixIds'> | undefined;
  const jsonPath = join(dir, 'tokenizer.json');
  const jsonText = await readRegularFile(jsonPath, MAX_TOKENIZER_BYTES);
  if (jsonText !== undefined) {
    const data = parseFile(jsonText, jsonPath);
    if (data.format === encodingFormat) {
      let encoding: Encoding;
      try {
        encoding = loadEncoding(data as never);
      } catch (e) {
        throw new Error(`${jsonPath}: ${(e as Error).message.replace(/^loadEncoding: /, '')}`);
      }
      loaded = { encoding, format: 'llm-tokenizer', file: jsonPath, addedTokens: [], prefixIds: [], suffixIds: [] };
    } else {
      const hf = loadHFTokenizerJson(data, { where: jsonPath, name: 'hf-bpe' });
      loaded = { encoding: hf.encoding, format: 'huggingface', file: jsonPath, addedTokens: hf.addedTokens, prefixIds: hf.prefixIds, suffixIds: hf.suffixIds };
    }
  } else {
    for (const path of [join(dir, 'tokenizer.model'), join(dir, 'original', 'tokenizer.model')]) {
      const text = await readRegularFile(path, MAX_TOKENIZER_BYTES);
      if (text === undefined) continue;
      if (!looksLikeTiktoken(text)) throw new Error(`${path}: not a tiktoken rank file (a SentencePiece model? only tiktoken-format tokenizer.model files, as Llama 3's, load)`);
      const encoding = loadTiktokenEncoding('llama3', text);
      loaded = { encoding, format: 'tiktoken', file: path, addedTokens: [], prefixIds: [encoding.specialTokens.get('<|begin_of_text|>')!], suffixIds: [] };
      break;
    }
  }
  if (!loaded) return undefined;
  const { encoding } = loaded;

  const configPath = join(dir, 'tokenizer_config.json');
  const configText = await readRegularFile(configPath, MAX_CONFIG_BYTES);
  const config = configText === undefined ? undefined : parseTokenizerConfig(parseFile(configText, configPath), configPath);
  const jinja = await readRegularFile(join(dir, 'chat_template.jinja'), MAX_CONFIG_BYTES);
  const idOf = (token: string | undefined, field: string): number | undefined => {
    if (token === undefined) return undefined;
    const id = encoding.specialTokens.get(token) ?? encodeWhole(encoding, token);
    if (id === undefined) throw new Error(`${configPath}: ${field} ${JSON.stringify(token)} is not a token of ${loaded!.file}`);
    return id;
  };
  const stopIds = new Set<number>();
  const eos = idOf(config?.eosToken, 'eos_token');
  if (eos !== undefined) stopIds.add(eos);
  const genPath = join(dir, 'generation_config.json');
  const genText = await readRegularFile(genPath, MAX_CONFIG_BYTES);
  if (genText !== undefined) {
    const gen = parseFile(genText, genPath).eos_token_id;
    const ids = gen === undefined || gen === null ? [] : Array.isArray(gen) ? gen : [gen];
    for (const [i, id] of ids.entries()) {
      if (!Number.isInteger(id) || id < 0 || id >= encoding.nVocab) throw new Error(`${genPath}: eos_token_id${Array.isArray(gen) ? `[${i}]` : ''} must be a token id below ${encoding.nVocab}, got ${JSON.stringify(id)}`);
      stopIds.add(id);
    }
  }
  if (stopIds.size === 0 && encoding.eotToken !== undefined) stopIds.add(encoding.eotToken);
  idOf(config?.bosToken, 'bos_token');
  // add_bos_token: false (Qwen) or a post-processor without BOS leaves prefixIds as the tokenizer.json says
  const prefixIds = config?.addBosToken === false ? [] : loaded.prefixIds;
  return {
    ...loaded,
    prefixIds,
    chatTemplate: jinja ?? config?.chatTemplate,
    bosToken: config?.bosToken,
    eosToken: config?.eosToken,
    stopIds: [...stopIds],
  };
}

/** The id of a token given by its text when that text is exactly one ordinary token. */
function encodeWhole(encoding: Encoding, text: string): number | undefined {
  const ids = encoding.encode(text, { disallowedSpecial: [] });
  return ids.length === 1 ? ids[0] : undefined;
}
