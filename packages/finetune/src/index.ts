// @llm/finetune: the book's chapters 6 and 7 and appendix E: a GPT fine-tuned into a text
// classifier (spam detection) and into an instruction follower, with LoRA adapters for both.
// Browser-safe; the run pipelines, datasets on disk and saved models are Node's: '@llm/finetune/node'.

// classification (chapter 6)
export type { LabeledText } from './classification/types.js';
export { emailToText, parseEmail, htmlToText, decodeQuotedPrintable, decodeEncodedWords, type ParsedEmail } from './classification/email.js';
export { parseLabeledTsv } from './classification/sms.js';
export { toCsv, parseCsv, type CsvRow } from './classification/csv.js';
export { createBalancedDataset, randomSplit, labelNames, SPLIT_FILES, type Splits } from './classification/splits.js';
export { SpamDataset, IGNORE_INDEX, type SpamDatasetOptions } from './classification/spam-dataset.js';
export { prepareClassifier, parameterCounts, type ClassifierOptions } from './classification/classifier.js';
export {
  calcAccuracyLoader, evaluateClassifierLoader, calcClassificationLossBatch, calcClassificationLossLoader, lastTokenLogits, type ClassifierModel,
} from './classification/accuracy.js';
export { TextClassifier, type Classification, type TextClassifierOptions } from './classification/text-classifier.js';
export type { ClassificationFinetuneOptions, ClassificationFinetuneResult, ClassificationMetrics } from './classification/run.js';

// instruction fine-tuning (chapter 7)
export { formatInput, formatResponse, formatExample, type InstructionEntry } from './instruction/format.js';
export { parseInstructionData, splitInstructionData, type InstructionSplits } from './instruction/data.js';
export { customCollateFn, type CollateOptions, type CollatedBatch } from './instruction/collate.js';
export { InstructionDataset, InstructionDataLoader, type InstructionLoaderOptions } from './instruction/dataset.js';
export { extractResponse, generateResponses, type EntryWithResponse, type GenerateResponsesOptions } from './instruction/responses.js';
export { rougeL, rougeTokens, lcsLength, exactMatch, normalizeAnswer, scoreResponses, type RougeScore, type OfflineScores } from './instruction/metrics.js';
export {
  queryModel, judgePrompt, parseScore, judgeResponses, resolveJudgeEndpoint, JudgeError,
  type JudgeApi, type JudgeOptions, type JudgeResult, type JudgeErrorKind,
} from './instruction/judge.js';
export { PLURALS } from './instruction/plurals.js';
export { numberToWords } from './instruction/number-words.js';
export type { InstructionFinetuneOptions, InstructionFinetuneResult } from './instruction/run.js';

// LoRA (appendix E)
export { LoRALayer, LinearWithLoRA, type LoRAOptions } from './lora/lora-layer.js';
export { replaceLinearWithLoRA, mergeLoRA, loraLayers, type ReplaceLoRAOptions } from './lora/replace.js';

// shared
export type { ModelSource } from './common/base-model.js';
export { encodeOrdinary, encodeTruncated, endOfTextId, checkVocabulary, PAD_TOKEN_ID, type FinetuneTokenizer } from './common/tokenizer.js';
export type { StartingPoint, TrainingSettings } from './common/run.js';
