"""The peer for @llm/train's training benchmark: the book's GPT model in plain PyTorch, trained
with AdamW on random tokens, on the CPU with 2 threads. Prints one JSON line:
{"secondsPerStep": ..., "tokensPerSec": ...} (median over the timed steps).

Run: /usr/bin/python3 packages/train/bench/torch_train.py --emb 256 --layers 4 --heads 4 --ctx 128 --batch 8
"""
import argparse
import json
import math
import statistics
import time

import torch
from torch import nn


class MultiHeadAttention(nn.Module):
    def __init__(self, d, ctx, heads, drop, qkv_bias):
        super().__init__()
        self.heads, self.head_dim = heads, d // heads
        self.w_query = nn.Linear(d, d, bias=qkv_bias)
        self.w_key = nn.Linear(d, d, bias=qkv_bias)
        self.w_value = nn.Linear(d, d, bias=qkv_bias)
        self.out_proj = nn.Linear(d, d)
        self.dropout = nn.Dropout(drop)
        self.register_buffer("mask", torch.triu(torch.ones(ctx, ctx), diagonal=1))

    def forward(self, x):
        b, t, d = x.shape
        split = lambda z: z.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        q, k, v = split(self.w_query(x)), split(self.w_key(x)), split(self.w_value(x))
        scores = q @ k.transpose(2, 3)
        scores.masked_fill_(self.mask.bool()[:t, :t], -torch.inf)
        weights = self.dropout(torch.softmax(scores / math.sqrt(self.head_dim), dim=-1))
        return self.out_proj((weights @ v).transpose(1, 2).reshape(b, t, d))


class Block(nn.Module):
    def __init__(self, d, ctx, heads, drop, qkv_bias):
        super().__init__()
        self.att = MultiHeadAttention(d, ctx, heads, drop, qkv_bias)
        self.ff = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(approximate="tanh"), nn.Linear(4 * d, d))
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.drop = nn.Dropout(drop)

    def forward(self, x):
        x = x + self.drop(self.att(self.norm1(x)))
        return x + self.drop(self.ff(self.norm2(x)))


class GPT(nn.Module):
    def __init__(self, vocab, ctx, d, layers, heads, drop, qkv_bias):
        super().__init__()
        self.tok_emb, self.pos_emb = nn.Embedding(vocab, d), nn.Embedding(ctx, d)
        self.drop = nn.Dropout(drop)
        self.blocks = nn.Sequential(*[Block(d, ctx, heads, drop, qkv_bias) for _ in range(layers)])
        self.final_norm = nn.LayerNorm(d)
        self.out_head = nn.Linear(d, vocab, bias=False)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.drop(self.tok_emb(idx) + self.pos_emb(torch.arange(t)))
        return self.out_head(self.final_norm(self.blocks(x)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocab", type=int, default=50257)
    ap.add_argument("--emb", type=int, default=768)
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--ctx", type=int, default=256)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--drop", type=float, default=0.1)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(123)
    model = GPT(a.vocab, a.ctx, a.emb, a.layers, a.heads, a.drop, False)
    opt = torch.optim.AdamW(model.parameters(), lr=4e-4, weight_decay=0.1)
    x = torch.randint(0, a.vocab, (a.batch, a.ctx))
    y = torch.randint(0, a.vocab, (a.batch, a.ctx))
    model.train()

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten())
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    s = statistics.median(times)
    print(json.dumps({"secondsPerStep": s, "tokensPerSec": a.batch * a.ctx / s, "torch": torch.__version__, "threads": a.threads}))


if __name__ == "__main__":
    main()
