// The messages between the page and its training worker. Requests carry an id; the worker answers
// each with { id, ok, value | error }. Progress (steps, losses, samples, streamed tokens) comes as
// events without an id. Everything is structured-clone data: no tensors cross.
import type { AttentionMaps } from '../lib/attention.js';
import type { BackendInfo, BackendChoice } from '../lib/backend.js';
import type { FolderFiles } from '../lib/checkpoint.js';
import type { DataEvent, EvalEvent, RunOptions, SampleEvent, StepEvent } from '../lib/session.js';

export interface ModelSummary {
  /** Where it came from: "trained on …", a loaded folder's name. */
  source: string;
  description: string;
  nLayers: number;
  nHeads: number;
  vocabSize: number;
  contextLength: number;
  /** The tokenizer's name and size. */
  tokenizer: string;
  /** The tokenizer as saveEncoding's JSON, for the page's tokenizer view (absent for Hugging Face ones). */
  tokenizerJson?: string;
}

export interface GenerateRequest {
  prompt: string;
  maxNewTokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
}

export type Request =
  | { type: 'init'; backend: BackendChoice }
  | { type: 'train'; text: string; source: string; options: RunOptions }
  | { type: 'attention'; prompt: string }
  | { type: 'generate'; request: GenerateRequest }
  | { type: 'logits'; prompt: string }
  | { type: 'export' }
  | { type: 'load'; files: FolderFiles; name: string };

/** What each request resolves to. */
export interface Replies {
  init: BackendInfo & { threads: number; crossOriginIsolated: boolean };
  train: { steps: number; stopped: boolean; seconds: number; model: ModelSummary; workerChunks: number; threads: number };
  attention: AttentionMaps & { tokens: string[] };
  generate: { tokens: number; seconds: number; stopped: boolean };
  logits: { ids: number[]; logits: number[] };
  export: FolderFiles;
  load: ModelSummary;
}

/** Control messages: no answer. */
export type Control = { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

export type WorkerEvent =
  | { event: 'status'; text: string }
  | ({ event: 'prepared'; model: ModelSummary; bpeSeconds: number; /** How the size was picked ('' when chosen). */ sizing: string } & DataEvent)
  | ({ event: 'step' } & StepEvent)
  | ({ event: 'eval' } & EvalEvent)
  | ({ event: 'sample' } & SampleEvent)
  | { event: 'paused'; paused: boolean }
  | { event: 'token'; text: string };

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export type ToWorker = ({ id: number } & Request) | Control;
export type FromWorker = Reply | WorkerEvent;
