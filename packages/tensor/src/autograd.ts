// Reverse-mode autograd. Every op records, next to its forward, a closure that maps the
// output's gradient to its inputs' gradients (micrograd-style); backward() walks the graph in
// reverse topological order and accumulates.
import { collectTemporaries, keep } from './memory.js';
import type { Tensor } from './tensor.js';

export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly backward: (grad: Tensor) => readonly (Tensor | null)[];
  /** Tensors the op made on the way (opScope): freed once backward() has used the graph, or with the output. */
  owned?: Tensor[];
}

/**
 * Gives an op's temporaries to the graph of its first result that has one; with no graph among the
 * results nothing can reach them, and they are freed now.
 */
export function ownTemporaries(results: readonly Tensor[], temporaries: Tensor[]): void {
  if (temporaries.length === 0) return;
  const owner = results.find((t) => t.gradNode);
  if (!owner) {
    for (const t of temporaries) t.dispose();
    return;
  }
  const node = owner.gradNode!;
  node.owned = node.owned ? node.owned.concat(temporaries) : temporaries;
}

/**
 * Runs fn, a piece of code that chains ops (a layer's forward, a loss), so that it leaves behind
 * only what it returns, in or outside tidy(): the tensors it makes on the way are freed before it
 * returns when its results record no graph; otherwise they belong to the graph of the first result
 * fn made that records one, and are freed when backward() has used that graph or when that result
 * is disposed. Every Module's forward runs in one. Synchronous, as tidy.
 */
export function graphScope<T>(fn: () => T): T {
  const { result, temporaries, made } = collectTemporaries(fn, true);
  ownTemporaries(made, temporaries);
  return result;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs fn without recording a graph (evaluation, generation, optimizer updates). Synchronous, as
 * tidy: the switch is global, so across an await it would also turn gradients off for whatever
 * else runs meanwhile. Await outside, or call noGrad in each synchronous piece.
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    const r = fn();
    if (r && typeof (r as { then?: unknown }).then === 'function') {
      throw new Error('noGrad: fn returned a Promise; noGrad cannot span an await (gradients would stay off for everything that runs meanwhile). Call noGrad around the synchronous parts');
    }
    return r;
  } finally {
    gradEnabled = prev;
  }
}

/** Makes `out` remember how to send gradients to `inputs`, when any of them needs one. */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], backward: GradNode['backward']): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.gradNode = { op, inputs, backward };
  }
  return out;
}

function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.gradNode?.inputs ?? [];
    if (i === 0) {
      if (seen.has(t)) { stack.pop(); continue; }
      seen.add(t);
    }
    if (i < inputs.length) {
      top[1]++;
      if (!seen.has(inputs[i]) && inputs[i].requiresGrad) stack.push([inputs[i], 0]);
    } else {
      order.push(t);
      stack.pop();
    }
  }
  return order;
}

/** Tensors whose graph a backward() has used and freed, with the op that made them. */
const usedGraphs = new WeakMap<Tensor, string>();
/** Disposed tensors that were made by an op, with that op (for backward's error message). */
const disposedOps = new WeakMap<Tensor, string>();

/** Called by dispose(): drops the link into the graph (so the graph's memory can go) but remembers the op. */
export function releaseGraph(t: Tensor): void {
  const node = t.gradNode;
  if (!node) return;
  disposedOps.set(t, node.op);
  t.gradNode = null;
  if (node.owned) for (const o of node.owned) o.dispose();
}

export function backward(root: Tensor, grad?: Tensor): void {
  if (!root.requiresGrad) {
    throw new Error('backward: the tensor does not require grad (no input had requiresGrad, or it was made under noGrad / detach)');
  }
  if (!grad && root.size !== 1) {
    throw new Error(`backward: grad can be implicitly created only for a single-element tensor, got shape [${root.shape.join(', ')}]; pass a gradient`);
  }
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    const order = topoSort(root);
    for (const t of order) {
      const op = t.gradNode ? undefined : usedGraphs.get(t);
      if (op) {
        throw new Error(`backward: the graph through a tensor made by '${op}' was already used by an earlier backward() (graphs are used once, as in PyTorch); recompute the forward pass, or detach() what should be a constant`);
      }
    }
    const grads = new Map<Tensor, Tensor>([[root, grad ?? root.onesLike()]]);
    // the ops' temporaries, freed once the whole graph is used (later nodes may still need them)
    const owned: Tensor[] = [];
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      const node = t.gradNode;
      if (!g) {
        // no gradient reached it (a rule returned null), but its graph is used all the same
        if (node?.owned) owned.push(...node.owned);
        t.gradNode = null;
        continue;
      }
      grads.delete(t);
      if (t.isDisposed) {
        const op = node?.op ?? disposedOps.get(t);
        const what = op ? `a tensor made by '${op}'` : `a leaf tensor [${t.shape.join(', ')}]`;
        throw new Error(`backward: ${what} was disposed before backward (was it freed by tidy or dispose?)`);
      }
      if (!node) {
        // a leaf: accumulate into .grad, which outlives any tidy scope
        if (t.grad) {
          const sum = t.grad.add(g);
          t.grad.dispose();
          t.grad = keep(sum);
          if (g !== grad) g.dispose();
        } else {
          // .grad is owned and dense, so optimizers can update from it in place
          const dense = g.isContiguous && g.offset === 0 && g.storage.size === g.size;
          const own = g === grad || !dense ? g.clone() : g;
          if (own !== g && g !== grad) g.dispose();
          t.grad = keep(own);
        }
        continue;
      }
      // what the rule makes on the way to its gradients is freed as soon as it returns them
      const rule = collectTemporaries(() => [...node.backward(g)]);
      for (const tmp of rule.temporaries) tmp.dispose();
      const inputGrads = distinct(rule.result);
      const consumed = new Set<Tensor>();
      node.inputs.forEach((x, j) => {
        const gx = inputGrads[j];
        if (!gx || !x.requiresGrad) return;
        consumed.add(gx);
        const acc = grads.get(x);
        if (acc) {
          grads.set(x, acc.add(gx));
          acc.dispose();
          gx.dispose();
        } else grads.set(x, gx);
      });
      for (const r of inputGrads) if (r && !consumed.has(r) && r !== g) r.dispose();
      if (!consumed.has(g) && g !== grad) g.dispose();
      usedGraphs.set(t, node.op);
      if (node.owned) owned.push(...node.owned);
      t.gradNode = null; // the graph is used once, as in PyTorch
    }
    for (const o of owned) o.dispose();
  } finally {
    gradEnabled = prev;
  }
}

/** The same tensor returned for two inputs (e.g. add's [g, g]) is cloned, so each gradient is owned once. */
function distinct(grads: readonly (Tensor | null)[]): (Tensor | null)[] {
  const seen = new Set<Tensor>();
  return grads.map((g) => {
    if (!g) return g;
    if (seen.has(g)) return g.clone();
    seen.add(g);
    return g;
  });
}
