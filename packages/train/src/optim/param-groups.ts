// Weight decay belongs on the weight matrices (linear layers, embeddings), not on biases and
// the norms' scales and shifts: those are the 1-D parameters.
import type { Tensor } from '@llm/tensor';

export interface DecayGroupsOptions {
  weightDecay: number;
  /** Which parameters get no decay (default: ndim < 2, i.e. biases and layer-norm scale/shift). */
  noDecay?: (name: string, param: Tensor) => boolean;
}

/** Two parameter groups, { decay } and { no decay }, from named parameters (as Module.namedParameters()). */
export function weightDecayGroups(
  named: Iterable<readonly [string, Tensor]> | Record<string, Tensor>,
  opts: DecayGroupsOptions,
): { params: Tensor[]; weightDecay: number }[] {
  const noDecay = opts.noDecay ?? ((_n, p) => p.ndim < 2);
  const entries = Symbol.iterator in named ? [...(named as Iterable<readonly [string, Tensor]>)] : Object.entries(named);
  const decay: Tensor[] = [];
  const keep: Tensor[] = [];
  for (const [name, p] of entries) (noDecay(name, p) ? keep : decay).push(p);
  return [
    { params: decay, weightDecay: opts.weightDecay },
    { params: keep, weightDecay: 0 },
  ].filter((g) => g.params.length > 0);
}
