"""Golden attention weights for the playground's attention view, made by PyTorch in float64.

Reads @llm/gpt's tiny random GPT-2 fixture (Hugging Face layout, packages/gpt/test/fixtures/tiny-gpt2)
and writes apps/playground/test/fixtures/tiny-gpt2-attention.json: softmax(mask(Q Kᵀ) / √headDim) of
every layer and head for the fixture's 16-token input, plus the logits of that input.
Run from the repository root: /usr/bin/python3 apps/playground/scripts/attention_fixture.py
"""
import json
import math
import struct
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "scripts" / "fixtures"))
from fixture_io import TORCH_VERSION, to_json, write_json  # noqa: E402

SOURCE = REPO / "packages/gpt/test/fixtures/tiny-gpt2"
OUT = "apps/playground/test/fixtures/tiny-gpt2-attention.json"


def read_safetensors(path):
    """F32 tensors of a safetensors file, as float64."""
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", f"{name}: {info['dtype']}"
        a, b = info["data_offsets"]
        data = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=torch.float32)
        out[name] = data.reshape(info["shape"]).double()
    return out


def attention_maps(w, ids, cfg):
    """(L, H, T, T) attention weights and (T, vocab) logits of one row of ids."""
    t = ids.shape[0]
    c, nh, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
    hd = c // nh
    ln = lambda x, name: F.layer_norm(x, (c,), w[name + ".weight"], w[name + ".bias"], eps)
    conv1d = lambda x, name: x @ w[name + ".weight"] + w[name + ".bias"]
    causal = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
    heads = lambda z: z.view(t, nh, hd).transpose(0, 1)  # (H, T, hd)
    x = w["wte.weight"][ids] + w["wpe.weight"][:t]  # (T, C)
    maps = []
    for i in range(cfg["n_layer"]):
        h = f"h.{i}."
        q, k, v = conv1d(ln(x, h + "ln_1"), h + "attn.c_attn").split(c, dim=-1)
        weights = torch.softmax((heads(q) @ heads(k).transpose(-2, -1) / math.sqrt(hd)).masked_fill(causal, -math.inf), dim=-1)
        maps.append(weights)
        x = x + conv1d((weights @ heads(v)).transpose(0, 1).reshape(t, c), h + "attn.c_proj")
        x = x + conv1d(F.gelu(conv1d(ln(x, h + "ln_2"), h + "mlp.c_fc"), approximate="tanh"), h + "mlp.c_proj")
    return torch.stack(maps), ln(x, "ln_f") @ w["wte.weight"].T


def main():
    torch.set_num_threads(2)
    cfg = json.loads((SOURCE / "config.json").read_text())
    expected = json.loads((SOURCE / "expected.json").read_text())
    ids = torch.tensor(expected["ids16"]["data"], dtype=torch.long)
    with torch.no_grad():
        maps, logits = attention_maps(read_safetensors(SOURCE / "model.safetensors"), ids, cfg)
    write_json(OUT, {
        "generator": "apps/playground/scripts/attention_fixture.py", "torch": TORCH_VERSION,
        "ids": to_json(ids, "int32"), "attention": to_json(maps), "logits": to_json(logits),
    })


if __name__ == "__main__":
    main()
