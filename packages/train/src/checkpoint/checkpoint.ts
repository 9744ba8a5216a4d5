// Checkpoints: a directory holding model.safetensors, optimizer.safetensors and checkpoint.json
// (step, optimizer hyperparameters, RNG state, loader position, config). It is written into a
// temporary directory first and renamed into place, so a crash mid-write never leaves a
// half-written checkpoint where a good one was.
import type { Tensor } from '@llm/tensor';
import { nodeFs, writeFileAtomic } from '../fs.js';
import type { OptimizerStateDict, ParamState } from '../optim/optimizer.js';
import { removeStaleCheckpointFiles } from './stale.js';
import { readTensorFile, writeTensorFile } from './tensor-file.js';

export const CHECKPOINT_FORMAT = 'llm-train-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Plain JSON. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface Checkpoint {
  /** The model's state dict (parameter name → tensor). */
  model: Record<string, Tensor>;
  optimizer?: OptimizerStateDict;
  /** Anything else, as JSON: step, RNG state, loader position, configs, loss history. */
  meta: Record<string, Json>;
}

export interface SaveCheckpointOptions {
  /** Test hook: runs after everything is written to the temporary directory, before it is renamed into place. */
  beforeCommit?: (tmpDir: string) => void | Promise<void>;
}

/** Writes a checkpoint directory atomically (replacing one already at `dir`). */
export async function saveCheckpoint(dir: string, ckpt: Checkpoint, opts: SaveCheckpointOptions = {}): Promise<string> {
  const fs = await nodeFs();
  const { join } = await import('node:path');
  const tmp = `${dir}.tmp-${process.pid}-${Date.now().toString(36)}`;
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  try {
    await writeTensorFile(join(tmp, 'model.safetensors'), ckpt.model);
    let optimizerJson: Json = null;
    if (ckpt.optimizer) {
      const { tensors, json } = splitOptimizerState(ckpt.optimizer);
      await writeTensorFile(join(tmp, 'optimizer.safetensors'), tensors);
      optimizerJson = json;
    }
    const manifest = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, savedAt: new Date().toISOString(), optimizer: optimizerJson, meta: ckpt.meta };
    await fs.writeFile(join(tmp, 'checkpoint.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await opts.beforeCommit?.(tmp);
    await commitDir(tmp, dir);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

/** Renames tmp to dir. An existing dir is moved aside first and removed only after the new one is in place. */
async function commitDir(tmp: string, dir: string): Promise<void> {
  const fs = await nodeFs();
  const old = `${dir}.old-${process.pid}-${Date.now().toString(36)}`;
  let moved = false;
  try {
    await fs.rename(dir, old);
    moved = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fs.rename(tmp, dir);
  if (moved) await fs.rm(old, { recursive: true, force: true });
}

export interface LoadCheckpointOptions {
  /** Told when a damaged newer checkpoint is skipped for an older intact one (default: console.warn). */
  onWarning?: (message: string) => void;
}

/**
 * Reads a checkpoint written by saveCheckpoint, or the latest one of a CheckpointManager's root
 * directory; there a damaged newest checkpoint falls back to the newest intact one, with a
 * warning. Every error names its file. The caller owns (and disposes) the tensors.
 */
export async function loadCheckpoint(path: string, opts: LoadCheckpointOptions = {}): Promise<Checkpoint> {
  const fs = await nodeFs();
  const { join } = await import('node:path');
  if (await fs.stat(join(path, 'checkpoint.json')).then(() => true, () => false)) return readCheckpointDir(path);
  const candidates = await checkpointCandidates(path);
  if (candidates.length === 0) await resolveCheckpointDir(path); // throws, naming what is missing
  let firstError: Error | undefined;
  for (const dir of candidates) {
    try {
      const ckpt = await readCheckpointDir(dir);
      if (firstError) (opts.onWarning ?? console.warn)(`warning: ${firstError.message}; resuming from ${dir}, the newest intact checkpoint`);
      return ckpt;
    } catch (e) {
      firstError ??= e as Error;
    }
  }
  throw firstError!;
}

/** checkpoint.json of a checkpoint directory, checked; errors name the file. */
export async function readCheckpointManifest(dir: string): Promise<{ format: string; version: number; optimizer: Json; meta: Record<string, Json> }> {
  const fs = await nodeFs();
  const { join } = await import('node:path');
  const manifestPath = join(dir, 'checkpoint.json');
  let text: string;
  try {
    text = await fs.readFile(manifestPath, 'utf8');
  } catch (e) {
    throw new Error(`loadCheckpoint: cannot read ${manifestPath}: ${(e as Error).message}`);
  }
  let manifest: { format?: unknown; version?: unknown; optimizer?: Json; meta?: unknown };
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new Error(`loadCheckpoint: ${manifestPath} is not valid JSON (${(e as Error).message}); the checkpoint is damaged`);
  }
  if (typeof manifest !== 'object' || manifest === null) throw new Error(`loadCheckpoint: ${manifestPath} is not a JSON object; the checkpoint is damaged`);
  if (manifest.format !== CHECKPOINT_FORMAT) throw new Error(`loadCheckpoint: ${manifestPath} is not a ${CHECKPOINT_FORMAT} (format ${String(manifest.format)})`);
  if (manifest.version !== CHECKPOINT_VERSION) throw new Error(`loadCheckpoint: ${manifestPath} has version ${String(manifest.version)}; this @llm/train reads version ${CHECKPOINT_VERSION}`);
  if (typeof manifest.meta !== 'object' || manifest.meta === null || Array.isArray(manifest.meta)) throw new Error(`loadCheckpoint: ${manifestPath}: "meta" must be an object`);
  return manifest as { format: string; version: number; optimizer: Json; meta: Record<string, Json> };
}

async function readCheckpointDir(dir: string): Promise<Checkpoint> {
  const { join } = await import('node:path');
  const manifest = await readCheckpointManifest(dir);
  const model = await readTensorFile(join(dir, 'model.safetensors'));
  let optimizer: OptimizerStateDict | undefined;
  try {
    if (manifest.optimizer) optimizer = joinOptimizerState(manifest.optimizer as OptimizerJson, await readTensorFile(join(dir, 'optimizer.safetensors')), join(dir, 'optimizer.safetensors'));
  } catch (e) {
    for (const t of Object.values(model)) t.dispose();
    throw e;
  }
  return { model, optimizer, meta: manifest.meta };
}

type OptimizerJson = { paramGroups: OptimizerStateDict['paramGroups']; state: Record<string, Record<string, number>> };

/** Tensors go to safetensors as "state.<param index>.<name>"; numbers and hyperparameters to JSON. */
function splitOptimizerState(sd: OptimizerStateDict): { tensors: Record<string, Tensor>; json: Json } {
  const tensors: Record<string, Tensor> = {};
  const state: Record<string, Record<string, number>> = {};
  for (const [i, s] of Object.entries(sd.state)) {
    state[i] = {};
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === 'number') state[i][k] = v;
      else tensors[`state.${i}.${k}`] = v;
    }
  }
  return { tensors, json: { paramGroups: sd.paramGroups as Json, state } };
}

function joinOptimizerState(json: OptimizerJson, tensors: Record<string, Tensor>, file: string): OptimizerStateDict {
  const state: Record<number, ParamState> = {};
  for (const [i, nums] of Object.entries(json.state)) state[Number(i)] = { ...nums };
  for (const [key, t] of Object.entries(tensors)) {
    const m = /^state\.(\d+)\.(.+)$/.exec(key);
    if (!m) throw new Error(`loadCheckpoint: ${file}: unexpected tensor '${key}'`);
    (state[Number(m[1])] ??= {})[m[2]] = t;
  }
  return { state, paramGroups: json.paramGroups };
}

/**
 * The directory holding checkpoint.json for `path`: path itself; the latest of a manager's root;
 * or, when a crash fell between moving the old checkpoint aside and renaming the new one in,
 * the one moved aside.
 */
export async function resolveCheckpointDir(path: string): Promise<string> {
  const fs = await nodeFs();
  const { join } = await import('node:path');
  if (await fs.stat(join(path, 'checkpoint.json')).then(() => true, () => false)) return path;
  const [newest] = await checkpointCandidates(path);
  if (newest) return newest;
  throw new Error(`loadCheckpoint: no checkpoint at ${path} (expected checkpoint.json, or a checkpoints directory with ${LATEST_FILE})`);
}

export const LATEST_FILE = 'latest.json';

/** The checkpoint directories under a manager's root, newest first: latest.json's, then step-* by step, then any moved aside. */
async function checkpointCandidates(root: string): Promise<string[]> {
  const fs = await nodeFs();
  const { basename, dirname, join } = await import('node:path');
  const exists = (p: string) => fs.stat(p).then(() => true, () => false);
  const out: string[] = [];
  try {
    const { dir } = JSON.parse(await fs.readFile(join(root, LATEST_FILE), 'utf8')) as { dir: string };
    if (typeof dir === 'string' && /^step-\d+$/.test(dir) && await exists(join(root, dir, 'checkpoint.json'))) out.push(join(root, dir));
  } catch {
    // no pointer (or a broken one): the scan below finds the checkpoints
  }
  const steps = (await fs.readdir(root).catch(() => [] as string[])).filter((n) => /^step-\d+$/.test(n)).sort().reverse();
  for (const name of steps) if (!out.includes(join(root, name)) && await exists(join(root, name, 'checkpoint.json'))) out.push(join(root, name));
  const parent = dirname(root);
  const aside = (await fs.readdir(parent).catch(() => [] as string[])).filter((n) => n.startsWith(`${basename(root)}.old-`)).sort().reverse();
  for (const name of aside) if (await exists(join(parent, name, 'checkpoint.json'))) out.push(join(parent, name));
  return out;
}

/** The latest complete checkpoint under a manager's root: the one latest.json names, else the highest step-* directory. */
async function latestInRoot(root: string): Promise<string | null> {
  const { join } = await import('node:path');
  return (await checkpointCandidates(root)).find((d) => d.startsWith(join(root, 'step-'))) ?? null;
}

/**
 * A directory of checkpoints, one per saved step (step-00000120/), with latest.json naming the
 * newest. A save never touches the previous checkpoint until the new one is complete, and
 * only the newest `keep` are kept.
 */
export class CheckpointManager {
  constructor(readonly root: string, readonly keep = 2) {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`CheckpointManager: keep must be a positive integer, got ${keep}`);
  }

  async save(step: number, ckpt: Checkpoint, opts: SaveCheckpointOptions = {}): Promise<string> {
    const fs = await nodeFs();
    const { join } = await import('node:path');
    const name = `step-${String(step).padStart(8, '0')}`;
    const dir = await saveCheckpoint(join(this.root, name), ckpt, opts);
    await writeFileAtomic(join(this.root, LATEST_FILE), `${JSON.stringify({ dir: name, step })}\n`);
    const all = (await fs.readdir(this.root)).filter((n) => /^step-\d+$/.test(n)).sort();
    for (const old of all.slice(0, Math.max(0, all.length - this.keep))) if (old !== name) await fs.rm(join(this.root, old), { recursive: true, force: true });
    return dir;
  }

  /** Path of the newest complete checkpoint, or null. */
  latest(): Promise<string | null> {
    return latestInRoot(this.root);
  }

  /** Cleans up after interrupted saves (see stale.ts); returns one line per entry removed or restored. */
  removeStale(): Promise<string[]> {
    return removeStaleCheckpointFiles(this.root);
  }
}
