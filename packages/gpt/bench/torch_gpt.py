"""The peer for @llm/gpt's benchmark: the book's GPT-2 124M (random weights) in plain PyTorch on
the CPU with 2 threads, with a KV cache as the book's chapter 4 bonus code. Prints one JSON line.

  --mode forward  --batch 1 --seq 256         {"tokensPerSec": ...}  (median forward, no grad)
  --mode generate --prompt 16 --new 64 --cache 1   {"tokensPerSec": ...}  (greedy, new tokens per second)
  --mode kvstep   --seq 256                    {"cachedMs": ..., "uncachedMs": ...}  (one new token at that context)

Run: /usr/bin/python3 packages/gpt/bench/torch_gpt.py --mode forward --batch 1 --seq 256
"""
import argparse
import json
import math
import statistics
import time

import torch
from torch import nn


class MultiHeadAttention(nn.Module):
    def __init__(self, d, ctx, heads):
        super().__init__()
        self.heads, self.head_dim = heads, d // heads
        self.w_query, self.w_key, self.w_value = (nn.Linear(d, d, bias=False) for _ in range(3))
        self.out_proj = nn.Linear(d, d)
        self.register_buffer("mask", torch.triu(torch.ones(ctx, ctx), diagonal=1).bool())
        self.cache_k = self.cache_v = None

    def forward(self, x, use_cache=False):
        b, t, d = x.shape
        split = lambda z: z.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        q, k, v = split(self.w_query(x)), split(self.w_key(x)), split(self.w_value(x))
        offset = 0
        if use_cache:
            if self.cache_k is not None:
                offset = self.cache_k.shape[2]
                k, v = torch.cat([self.cache_k, k], 2), torch.cat([self.cache_v, v], 2)
            self.cache_k, self.cache_v = k, v
        scores = q @ k.transpose(2, 3)
        scores.masked_fill_(self.mask[offset:offset + t, :offset + t], -torch.inf)
        weights = torch.softmax(scores / math.sqrt(self.head_dim), dim=-1)
        return self.out_proj((weights @ v).transpose(1, 2).reshape(b, t, d))


class Block(nn.Module):
    def __init__(self, d, ctx, heads):
        super().__init__()
        self.att = MultiHeadAttention(d, ctx, heads)
        self.ff = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(approximate="tanh"), nn.Linear(4 * d, d))
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)

    def forward(self, x, use_cache):
        x = x + self.att(self.norm1(x), use_cache)
        return x + self.ff(self.norm2(x))


class GPT(nn.Module):
    def __init__(self, vocab=50257, ctx=1024, d=768, layers=12, heads=12):
        super().__init__()
        self.tok_emb, self.pos_emb = nn.Embedding(vocab, d), nn.Embedding(ctx, d)
        self.blocks = nn.ModuleList(Block(d, ctx, heads) for _ in range(layers))
        self.final_norm = nn.LayerNorm(d)
        self.out_head = nn.Linear(d, vocab, bias=False)
        self.pos = 0

    def reset(self):
        self.pos = 0
        for b in self.blocks:
            b.att.cache_k = b.att.cache_v = None

    def forward(self, idx, use_cache=False, last_only=False):
        t = idx.shape[1]
        start = self.pos if use_cache else 0
        x = self.tok_emb(idx) + self.pos_emb(torch.arange(start, start + t))
        for b in self.blocks:
            x = b(x, use_cache)
        if use_cache:
            self.pos += t
        if last_only:
            x = x[:, -1:]
        return self.out_head(self.final_norm(x))


def generate(model, idx, new, use_cache, ctx=1024):
    model.reset()
    logits = model(idx[:, -ctx:], use_cache, last_only=True)
    for _ in range(new):
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        idx = torch.cat([idx, nxt], 1)
        logits = model(nxt, True, True) if use_cache else model(idx[:, -ctx:], False, True)
    return idx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["forward", "generate", "kvstep"], required=True)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--prompt", type=int, default=16)
    ap.add_argument("--new", type=int, default=64)
    ap.add_argument("--cache", type=int, default=1)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(123)
    model = GPT().eval()
    timed = lambda fn: [(lambda t0: (fn(), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(a.runs)]
    with torch.no_grad():
        if a.mode == "forward":
            idx = torch.randint(0, 50257, (a.batch, a.seq))
            model(idx)  # warmup
            out = {"tokensPerSec": a.batch * a.seq / statistics.median(timed(lambda: model(idx)))}
        elif a.mode == "generate":
            idx = torch.randint(0, 50257, (1, a.prompt))
            generate(model, idx, 2, bool(a.cache))  # warmup
            out = {"tokensPerSec": a.new / statistics.median(timed(lambda: generate(model, idx, a.new, bool(a.cache))))}
        else:
            idx = torch.randint(0, 50257, (1, a.seq))

            def cached_step():
                model.reset()
                model(idx[:, :-1], True, True)
                t0 = time.perf_counter()
                model(idx[:, -1:], True, True)
                return time.perf_counter() - t0

            cached_step()
            cached = statistics.median(cached_step() for _ in range(max(a.runs, 3)))
            uncached = statistics.median(timed(lambda: model(idx, False, True)))
            out = {"cachedMs": cached * 1000, "uncachedMs": uncached * 1000}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
