#!/usr/bin/env bash
# The WebGPU device run: one command on a fresh machine with a GPU, Node 20+ and apt. It installs what
# it needs (PyTorch for the CPU peer, Vulkan's loader, the workspace), builds, runs the WebGPU
# benchmarks beside tfjs-webgpu and PyTorch on the CPU (2 threads) and writes
# results/webgpu-<adapter>.json:
#   matmul 1024³ / 2048³ / 4096³ (tensor bench), training and forward tokens/s for the small config and
#   GPT-2 124M with dispatches per step (train bench), GPT-2 124M forward b1/b8, greedy generation with
#   and without the KV cache and the cache's speed-up (gpt bench, LLM_BENCH_BACKEND=webgpu).
# --quick: small sizes only, for a software adapter (Mesa's lavapipe), where the figures say only that
# everything runs. Without a GPU, run scripts/install-webgpu-driver.sh first (or pass --lavapipe).
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 LLM_BENCH_PROFILE=0
quick=0 lavapipe=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --lavapipe) lavapipe=1 quick=1 ;;
    *) echo "bench-gpu.sh: unknown option $arg (use --quick or --lavapipe)" >&2; exit 2 ;;
  esac
done
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
apt() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
t0=$(date +%s)

if [ "$lavapipe" = 1 ]; then bash scripts/install-webgpu-driver.sh; fi
missing=()
/usr/bin/python3 -c 'import torch' 2>/dev/null || missing+=(python3-torch libopenblas0-openmp)
ldconfig -p | grep -q libvulkan.so.1 || missing+=(libvulkan1)
if [ ${#missing[@]} -gt 0 ]; then
  apt update -q && apt install -y -q --no-install-recommends "${missing[@]}" || echo "bench-gpu.sh: could not install ${missing[*]}; going on without" >&2
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true

npx -y pnpm@12.4.2 install --frozen-lockfile
npx -y pnpm@12.4.2 build --output-logs=errors-only
mkdir -p bench-results && rm -f bench-results/*webgpu*.json
echo "bench-gpu.sh: installed and built in $(( $(date +%s) - t0 )) s"

if [ "$quick" = 1 ]; then sizes=256,512,1024; train_only=small; gpt_only=generate-124m-kv-cache; else sizes=1024,2048,4096; train_only=; gpt_only=; fi
(cd packages/tensor && LLM_BENCH_MATMUL_SIZES=$sizes npx tsx bench/webgpu.ts)
(cd packages/train && LLM_BENCH_CPU=0 npx tsx bench/index.ts $train_only)
(cd packages/gpt && LLM_BENCH_BACKEND=webgpu npx tsx bench/index.ts $gpt_only)
LLM_BENCH_COMMAND="bash scripts/bench-gpu.sh $*" npx tsx bench/collect-webgpu.ts
echo "bench-gpu.sh: done in $(( $(date +%s) - t0 )) s"
