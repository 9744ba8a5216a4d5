"""The peer for @llm/gpt's Llama benchmark: the same weights (a Hugging Face folder written by our
exportHuggingFace) in plain PyTorch (scripts/fixtures/llama_modules.py, the twin of transformers'
LlamaForCausalLM) on the CPU with --threads threads, greedy generation with a KV cache. Prints one JSON line:
{"tokensPerSec": new tokens per second, "prefillMs": ...}.

Run: /usr/bin/python3 packages/gpt/bench/torch_llama.py --dir DIR --prompt 16 --new 64
"""
import argparse
import json
import statistics
import struct
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts" / "fixtures"))
from llama_modules import CausalLM  # noqa: E402


def read_safetensors(path):
    """F32 tensors of a safetensors file, as torch tensors (no copy beyond the file read)."""
    data = Path(path).read_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        assert info["dtype"] == "F32", f"{name}: {info['dtype']}"
        out[name] = torch.from_numpy(np.frombuffer(data, dtype="<f4", count=(end - begin) // 4, offset=8 + n + begin).reshape(info["shape"]).copy())
    return out


def step(model, ids, offset):
    x = model.model.embed_tokens(ids)
    for layer in model.model.layers:
        x = x + layer.self_attn(layer.input_layernorm(x), offset)
        x = x + layer.mlp(layer.post_attention_layernorm(x))
    return model.lm_head(model.model.norm(x[:, -1:]))


def generate(model, prompt, new):
    for layer in model.model.layers:
        layer.self_attn.cache = []  # the fixture model's KV cache: keys and values of the KV heads
    t0 = time.perf_counter()
    logits = step(model, prompt, 0)
    prefill = time.perf_counter() - t0
    offset, out = prompt.shape[1], []
    for _ in range(new):
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        out.append(int(nxt))
        logits = step(model, nxt, offset)
        offset += 1
    return out, prefill


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--prompt", type=int, default=16)
    ap.add_argument("--new", type=int, default=64)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg = json.loads((Path(a.dir) / "config.json").read_text())
    model = CausalLM(cfg).eval()
    sd = read_safetensors(Path(a.dir) / "model.safetensors")
    if cfg.get("tie_word_embeddings"):
        sd["lm_head.weight"] = sd["model.embed_tokens.weight"]
    model.load_state_dict(sd)
    prompt = torch.tensor([[(i * 7919) % cfg["vocab_size"] for i in range(a.prompt)]])
    with torch.no_grad():
        generate(model, prompt, 2)  # warmup
        runs = []
        for _ in range(a.runs):
            t0 = time.perf_counter()
            ids, prefill = generate(model, prompt, a.new)
            runs.append((time.perf_counter() - t0, prefill))
    total, prefill = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    print(json.dumps({"tokensPerSec": a.new / total, "prefillMs": prefill * 1000, "ids": ids}))


if __name__ == "__main__":
    main()
