// @llm/tokenizer: the book's simple tokenizers, GPT-2's byte-level BPE (identical to tiktoken's gpt2),
// BPE training, and loaders for Hugging Face vocabularies. No dependencies; Node and browsers.
export { Encoding } from './encoding';
export type { EncodingSpec } from './vocab';
export type { EncodeOptions, SpecialSet } from './specials';
export { StreamDecoder } from './streamDecoder';
export { getEncoding, type EncodingName } from './gpt2';
export { gpt2Pattern, gpt2Pretokenize } from './pretokenize';
export { SimpleTokenizerV1, SimpleTokenizerV2, buildVocab, simpleSplit, unkToken, endOfTextToken, type Vocab } from './simple';
export { trainBPE, type TrainBPEOptions } from './train';
export { saveEncoding, loadEncoding, encodingFormat, type EncodingJSON } from './serialize';
export { bytesToUnicode, fromHFVocabMerges, type HFLoadOptions } from './hf';
export { fromHFTokenizerJson, loadHFTokenizerJson, type HFAddedToken, type HFTokenizer, type HFTokenizerOptions } from './hfTokenizerJson';
export { knownPatterns, findPattern, gpt2DigitsPattern, type KnownPattern, type PatternName } from './patterns';
export { cl100kPattern, qwen2Pattern } from './pretokenizeCl100k';
export { o200kPattern } from './pretokenizeO200k';
export { pretokenize } from './pretokenizeAny';
export { loadTiktokenEncoding, fromTiktokenRanks, parseTiktokenRanks, tiktokenEncodings, type TiktokenEncodingName, type TiktokenOptions } from './tiktokenFile';
export { parseTokenizerConfig, type HFTokenizerConfig } from './hfConfig';
