// Putting LoRA adapters on a model's Linear layers (the book's replace_linear_with_lora) and folding
// them back into plain Linear weights for export (saving the adapters alone: lora-file.ts, Node).
import { Linear, type Module } from '@llm/nn';
import { LinearWithLoRA, type LoRAOptions } from './lora-layer.js';

export interface ReplaceLoRAOptions extends LoRAOptions {
  /** Which Linear layers get an adapter, by dotted name ('trfBlocks.0.att.wQuery', 'outHead'); default all. */
  include?: (name: string) => boolean;
  /** Freeze every parameter of the model first, so only the adapters train (default true, as the book). */
  freeze?: boolean;
}

type Slot<M> = { parent: Module; key: string; name: string; layer: M };

/** Properties of the model's modules holding an M, with dotted names; the inside of a LinearWithLoRA is not searched. */
function slots<M>(model: Module, is: (v: unknown) => v is M): Slot<M>[] {
  const out: Slot<M>[] = [];
  for (const [prefix, parent] of model.namedModules()) {
    if (parent instanceof LinearWithLoRA) continue;
    for (const [key, value] of Object.entries(parent)) {
      if (is(value)) out.push({ parent, key, name: prefix ? `${prefix}.${key}` : key, layer: value });
    }
  }
  return out;
}

const isLinear = (v: unknown): v is Linear => v instanceof Linear;
const isLoRA = (v: unknown): v is LinearWithLoRA => v instanceof LinearWithLoRA;

/**
 * Wraps each (included) Linear in a LinearWithLoRA(linear, rank, alpha), in place; returns the
 * names of the wrapped layers. Layers that already have an adapter are left alone.
 */
export function replaceLinearWithLoRA(model: Module, rank: number, alpha: number, opts: ReplaceLoRAOptions = {}): string[] {
  if (opts.freeze ?? true) model.freeze();
  const targets = slots(model, isLinear).filter((s) => opts.include?.(s.name) ?? true);
  for (const s of targets) (s.parent as unknown as Record<string, Module>)[s.key] = new LinearWithLoRA(s.layer, rank, alpha, opts);
  return targets.map((s) => s.name);
}

/** The adapted layers of a model, by dotted name. */
export function loraLayers(model: Module): [string, LinearWithLoRA][] {
  return slots(model, isLoRA).map((s) => [s.name, s.layer]);
}

/**
 * Replaces every LinearWithLoRA by a plain Linear with W + alpha·(A B)ᵀ, in place, so the model
 * has its original structure (and state-dict names) again and saves like any other. Returns the
 * names of the merged layers.
 */
export function mergeLoRA(model: Module): string[] {
  const targets = slots(model, isLoRA);
  for (const s of targets) (s.parent as unknown as Record<string, Module>)[s.key] = s.layer.merged();
  const live = new Set(model.parameters());
  for (const s of targets) {
    s.layer.lora.dispose();
    // a base weight still used elsewhere (a head tied to the token embedding) stays
    for (const p of s.layer.linear.parameters()) if (!live.has(p)) p.dispose();
  }
  return targets.map((s) => s.name);
}

