// @llm/tokenizer/node: Node-only helpers (file I/O). Everything else is in the main entry, which runs in browsers.
export { loadTokenizerFolder, type ModelTokenizer } from './folder';
