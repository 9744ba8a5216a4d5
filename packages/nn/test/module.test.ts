// The module tree: names, state dicts and their errors, modes, freezing, tied weights.
import { Generator, memoryStats, noGrad, randn, tensor, tidy, zeros } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import {
  CausalAttention, Dropout, Embedding, FeedForward, LayerNorm, Linear, Module, ModuleList, MultiHeadAttention, Parameter, Sequential, type UnaryModule,
} from '../src/index.js';

class Tiny extends Module {
  emb = new Embedding(5, 4);
  blocks = new ModuleList([new LayerNorm(4), new LayerNorm(4)]);
  drop = new Dropout(0.5);
  head = new Linear(4, 5, { bias: false });
  mask = zeros([2, 2]); // a buffer: a plain tensor, not a parameter
}

describe('Module', () => {
  it('names parameters by their path, children in property order, lists by index', () => {
    const m = new Tiny();
    expect(m.namedParameters().map(([n]) => n)).toEqual([
      'emb.weight', 'blocks.0.scale', 'blocks.0.shift', 'blocks.1.scale', 'blocks.1.shift', 'head.weight',
    ]);
    expect(Object.keys(m.stateDict())).toEqual(m.namedParameters().map(([n]) => n));
    expect(m.numParameters()).toBe(5 * 4 + 4 * 4 + 4 * 5);
    expect(m.namedModules().map(([n]) => n)).toEqual(['', 'emb', 'blocks', 'blocks.0', 'blocks.1', 'drop', 'head']);
  });

  it('sees a submodule replaced by assignment and counts a tied weight once', () => {
    const m = new Tiny();
    m.head = new Linear(4, 2);
    expect(Object.keys(m.stateDict())).toContain('head.bias');
    expect(m.stateDict()['head.weight'].shape).toEqual([2, 4]);

    const tied = new Tiny();
    tied.head.weight = tied.emb.weight; // (5, 4) both
    expect(tied.parameters().filter((p) => p === tied.emb.weight)).toHaveLength(1);
    expect(tied.numParameters()).toBe(5 * 4 + 4 * 4);
    // the state dict lists both names, as PyTorch's
    expect(tied.stateDict()['head.weight']).toBe(tied.stateDict()['emb.weight']);
  });

  it('loadStateDict copies values in place, keeping the parameter objects', async () => {
    const a = new FeedForward({ embDim: 3 }), b = new FeedForward({ embDim: 3 });
    const before = b.parameters();
    b.loadStateDict(a.stateDict());
    expect(b.parameters()).toEqual(before);
    for (const [name, p] of Object.entries(a.stateDict())) {
      expect(Array.from(await b.stateDict()[name].data())).toEqual(Array.from(await p.data()));
    }
  });

  it('loadStateDict names every missing, unexpected and mis-shaped key and changes nothing', async () => {
    const m = new FeedForward({ embDim: 2 });
    const sd = { ...m.stateDict() };
    const old = Array.from(await sd['layers.0.bias'].data());
    delete (sd as Record<string, unknown>)['layers.2.bias'];
    sd['layers.0.bias'] = zeros([8]);
    sd['layers.9.weight'] = zeros([1]);
    sd['layers.0.weight'] = zeros([2, 8]);
    let message = '';
    try { m.loadStateDict(sd); } catch (e) { message = (e as Error).message; }
    expect(message).toContain('missing key "layers.2.bias"');
    expect(message).toContain('unexpected key "layers.9.weight"');
    expect(message).toContain('key "layers.0.weight": shape [2, 8] in the state dict, [8, 2] in the model');
    expect(Array.from(await m.stateDict()['layers.0.bias'].data())).toEqual(old);

    const r = new FeedForward({ embDim: 2 }).loadStateDict({ 'layers.0.bias': zeros([8]) }, { strict: false });
    expect(r.missingKeys).toEqual(['layers.0.weight', 'layers.2.weight', 'layers.2.bias']);
  });

  it('train() and eval() reach every submodule; dropout follows', async () => {
    const m = new Tiny();
    m.eval();
    expect(m.modules().every((x) => !x.training)).toBe(true);
    const x = randn([4, 4]);
    expect(Array.from(await m.drop.forward(x).data())).toEqual(Array.from(await x.data()));
    m.train();
    expect(m.blocks[1].training && m.drop.training).toBe(true);
  });

  it('a frozen subtree gets no gradients; the rest does', () => {
    const m = new Sequential(new Linear(3, 4), new Linear(4, 2));
    m[0].freeze();
    expect(m.numParameters({ trainableOnly: true })).toBe(4 * 2 + 2);
    expect(m.trainableParameters()).toEqual([m[1].weight, m[1].bias]);
    m.forward(randn([5, 3])).sum().backward();
    expect(m[0].weight.grad).toBeNull();
    expect(m[1].weight.grad).not.toBeNull();
    m.zeroGrad();
    expect(m[1].weight.grad).toBeNull();
    m.unfreeze();
    expect(m.numParameters({ trainableOnly: true })).toBe(m.numParameters());
  });

  it('Parameter accepts float32 only', () => {
    expect(() => Parameter(tensor([1, 2], { dtype: 'int32' }))).toThrow(/float32/);
  });

  it('a seeded generator makes the same weights', async () => {
    const a = new MultiHeadAttention({ dIn: 4, dOut: 4, contextLength: 3, numHeads: 2, generator: new Generator(9) });
    const b = new MultiHeadAttention({ dIn: 4, dOut: 4, contextLength: 3, numHeads: 2, generator: new Generator(9) });
    const c = new MultiHeadAttention({ dIn: 4, dOut: 4, contextLength: 3, numHeads: 2, generator: new Generator(10) });
    expect(Array.from(await a.outProj.weight.data())).toEqual(Array.from(await b.outProj.weight.data()));
    expect(Array.from(await a.outProj.weight.data())).not.toEqual(Array.from(await c.outProj.weight.data()));
  });

  it('a forward leaves behind only its output, outside tidy: without a graph at once, with one after backward()', () => {
    const net = new Sequential<UnaryModule>(new Linear(4, 8), new FeedForward({ embDim: 8 }), new LayerNorm(8), new Linear(8, 3));
    const x = randn([2, 5, 4]);
    const base = memoryStats();
    noGrad(() => net.forward(x)).dispose();
    expect(memoryStats()).toEqual(base);
    const out = net.forward(x);
    expect(memoryStats().tensors).toBeGreaterThan(base.tensors + 1); // the activations backward() needs
    const loss = out.sum();
    loss.backward();
    loss.dispose();
    out.dispose();
    net.zeroGrad();
    expect(memoryStats()).toEqual(base);
    net.forward(x).dispose(); // no backward: the output takes its graph with it
    expect(memoryStats()).toEqual(base);
  });

  it('dispose() frees parameters, buffers, KV caches and the causal mask of every module below', () => {
    const base = memoryStats();
    const tiny = new Tiny();
    const causal = new CausalAttention({ dIn: 4, dOut: 4, contextLength: 6 });
    const mha = new MultiHeadAttention({ dIn: 4, dOut: 4, contextLength: 6, numHeads: 2 });
    const net = new ModuleList<Module>([tiny, causal, mha]);
    tidy(() => {
      causal.forward(randn([1, 3, 4])); // takes a hold on the shared (6, 6) mask
      noGrad(() => mha.forward(randn([1, 3, 4]), { useCache: true })); // fills its KV cache
    });
    expect(memoryStats().tensors).toBeGreaterThan(base.tensors);
    net.dispose();
    expect(memoryStats()).toEqual(base);
  });
});
