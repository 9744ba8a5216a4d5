// Every attention class and layer against its PyTorch twin (the book's code run by
// scripts/fixtures/nn_layers.py): same weights, same input → same output, input gradient and
// weight gradients.
import { describe, expect, it } from 'vitest';
import {
  CausalAttention, FeedForward, GELU, LayerNorm, type Module, MultiHeadAttention, MultiHeadAttentionWrapper, SelfAttentionV2,
} from '../src/index.js';
import { expectMatchesFixture, type FixtureCase, ourName, readFixture, toTensor } from './helpers/fixtures.js';

type Forward = Module & { forward(x: ReturnType<typeof toTensor>): ReturnType<typeof toTensor> };

function build(c: FixtureCase): Forward {
  const cfg = c.config as Record<string, never>;
  const attn = { dIn: cfg.dIn, dOut: cfg.dOut, contextLength: cfg.contextLength, dropout: cfg.dropout, qkvBias: cfg.qkvBias };
  switch (c.class) {
    case 'SelfAttentionV2': return new SelfAttentionV2(cfg.dIn, cfg.dOut, { qkvBias: cfg.qkvBias });
    case 'CausalAttention': return new CausalAttention(attn);
    case 'MultiHeadAttention': return new MultiHeadAttention({ ...attn, numHeads: cfg.nHeads });
    case 'MultiHeadAttentionWrapper': return new MultiHeadAttentionWrapper({ ...attn, nHeads: cfg.nHeads });
    case 'LayerNorm': return new LayerNorm(cfg.embDim, cfg.eps);
    case 'GELU': return new GELU();
    case 'FeedForward': return new FeedForward({ embDim: cfg.embDim });
    default: throw new Error(`no module for fixture class ${c.class}`);
  }
}

const cases = [...readFixture('attention.json'), ...readFixture('layers.json')];

describe('modules match their PyTorch twins', () => {
  it('covers every class the fixtures hold', () => {
    expect(new Set(cases.map((c) => c.class))).toEqual(
      new Set(['SelfAttentionV2', 'CausalAttention', 'MultiHeadAttention', 'MultiHeadAttentionWrapper', 'LayerNorm', 'GELU', 'FeedForward']),
    );
  });

  for (const c of cases) {
    it(`${c.name}: forward, input gradient and weight gradients`, async () => {
      // strict: the names and shapes of our parameters are exactly PyTorch's (camelCased)
      await expectMatchesFixture(build(c), c, ourName);
    });
  }
});
