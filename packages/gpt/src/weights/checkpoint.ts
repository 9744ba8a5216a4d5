// A Hugging Face checkpoint folder as one set of tensors: model.safetensors, or the shards that
// model.safetensors.index.json names (weight_map: tensor → shard file). Every shard is opened and
// cross-checked with the index before any tensor data is read, and every error names the shard
// and the tensor. Node only.
import { SafetensorsError } from '../io/errors.js';
import { nodeModules } from '../io/node.js';
import { openSafetensors, type SafetensorsFile } from '../io/safetensors-file.js';
import { exists, readJson } from './files.js';

export const INDEX_FILE = 'model.safetensors.index.json';

export interface Checkpoint extends SafetensorsFile {
  /** The shard files, in the order the index names them (one file when not sharded). */
  readonly files: readonly string[];
  /** The file that holds key. */
  fileOf(key: string): string;
}

/** Opens dir's weights: model.safetensors if present, else the shards of model.safetensors.index.json. */
export async function openCheckpoint(dir: string): Promise<Checkpoint> {
  const { path } = await nodeModules();
  const single = path.join(dir, 'model.safetensors');
  if ((await exists(single)) === 'file') return fromFiles(single, [await openSafetensors(single)], null);
  const indexPath = path.join(dir, INDEX_FILE);
  if ((await exists(indexPath)) !== 'file') throw new Error(`loadPretrained: ${dir} has neither model.safetensors nor ${INDEX_FILE}`);
  const weightMap = parseIndex(await readJson(indexPath), indexPath);
  const names = [...new Set(weightMap.values())];
  const shards: SafetensorsFile[] = [];
  try {
    for (const name of names) {
      const shardPath = path.join(dir, name);
      if ((await exists(shardPath)) !== 'file') throw new SafetensorsError(indexPath, `names shard "${name}", which is not in ${dir}`);
      shards.push(await openSafetensors(shardPath));
    }
    return fromFiles(indexPath, shards, weightMap);
  } catch (e) {
    await Promise.all(shards.map((s) => s.close()));
    throw e;
  }
}

function parseIndex(json: unknown, indexPath: string): Map<string, string> {
  const map = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new SafetensorsError(indexPath, 'has no "weight_map" object');
  const out = new Map<string, string>();
  for (const [key, file] of Object.entries(map)) {
    // a shard is a file beside the index: no folders, no way out of it
    if (typeof file !== 'string' || !/^[\w.-]+\.safetensors$/.test(file) || file.startsWith('.')) {
      throw new SafetensorsError(indexPath, `weight_map gives tensor "${key}" the file ${JSON.stringify(file)}; expected a .safetensors file name beside the index`);
    }
    out.set(key, file);
  }
  if (out.size === 0) throw new SafetensorsError(indexPath, 'weight_map is empty');
  return out;
}

function fromFiles(path: string, shards: SafetensorsFile[], weightMap: Map<string, string> | null): Checkpoint {
  const owner = new Map<string, SafetensorsFile>();
  const { basename } = pathTail;
  const problems: string[] = [];
  for (const shard of shards) {
    for (const key of shard.keys()) {
      const listed = weightMap?.get(key);
      if (weightMap && listed !== basename(shard.path)) {
        problems.push(listed === undefined ? `${shard.path} holds tensor "${key}", which the index does not list` : `${shard.path} holds tensor "${key}", which the index puts in ${listed}`);
        continue;
      }
      if (owner.has(key)) problems.push(`tensor "${key}" is in both ${owner.get(key)!.path} and ${shard.path}`);
      owner.set(key, shard);
    }
  }
  if (weightMap) for (const [key, file] of weightMap) if (!owner.has(key) && !problems.some((p) => p.includes(`"${key}"`))) problems.push(`the index puts tensor "${key}" in ${file}, which does not hold it`);
  if (problems.length) {
    void Promise.all(shards.map((s) => s.close()));
    throw new SafetensorsError(path, `shards and index disagree: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? `; ... (${problems.length} problems)` : ''}`);
  }
  const shardOf = (key: string) => {
    const s = owner.get(key);
    if (!s) throw new SafetensorsError(path, 'no such tensor', key);
    return s;
  };
  return {
    path,
    files: shards.map((s) => s.path),
    metadata: shards[0]?.metadata ?? {},
    keys: () => [...owner.keys()],
    has: (key) => owner.has(key),
    info: (key) => shardOf(key).info(key),
    read: (key) => shardOf(key).read(key),
    fileOf: (key) => shardOf(key).path,
    async close() {
      await Promise.all(shards.map((s) => s.close()));
    },
  };
}

const pathTail = { basename: (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1) };
