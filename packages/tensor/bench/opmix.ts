// A GPT-2-sized, training-like op mix, forward and backward: one transformer block's worth of
// work at GPT-2 small width (batch 2 x 256 tokens, 768 channels, 12 heads):
//   h = layerNorm(x); q, k = h Wq, h Wk; att = softmax(q kᵀ / √d) per head; y = att v
//   f = gelu(h W1) W2 (768 → 3072 → 768); loss = Σ (y + f)² / N
// Peers run the same graph with their own autograd, in the same process.
import { measurePeer, timeIt, writeBenchResult } from '../../../bench/report.js';
import { formatProfile, fromTypedArray, Generator, getBackend, layerNorm, softmax, tidy, withProfile, type Tensor } from '../src/index.js';

const B = 2, T = 256, C = 768, H = 12, D = C / H, F = 4 * C;

function randoms(n: number, g: Generator, std: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = g.normal() * std;
  return a;
}

function inputs() {
  const g = new Generator(1);
  return {
    x: randoms(B * T * C, g, 1), wq: randoms(C * C, g, 0.02), wk: randoms(C * C, g, 0.02), wv: randoms(C * C, g, 0.02),
    w1: randoms(C * F, g, 0.02), w2: randoms(F * C, g, 0.02),
  };
}

// matmuls: q, k, v, W1, W2 (forward 2·BT·C·(3C + 2F)) + attention 2·2·B·H·T²·D; backward ≈ 2× forward
const FLOPS = 3 * (2 * B * T * C * (3 * C + 2 * F) + 4 * B * H * T * T * D);

async function ours(): Promise<number> {
  const d = inputs();
  const p = (data: Float32Array, shape: number[]) => fromTypedArray(data, shape, { requiresGrad: true });
  const x = fromTypedArray(d.x, [B, T, C]);
  const [wq, wk, wv, w1, w2] = [p(d.wq, [C, C]), p(d.wk, [C, C]), p(d.wv, [C, C]), p(d.w1, [C, F]), p(d.w2, [F, C])];
  const step = () => tidy(() => {
    const h = layerNorm(x, null, null);
    const heads = (w: Tensor) => h.matmul(w).reshape(B, T, H, D).transpose(1, 2); // (B, H, T, D)
    const q = heads(wq), k = heads(wk), v = heads(wv);
    const att = softmax(q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(D)), -1); // (B, H, T, T)
    const y = att.matmul(v).transpose(1, 2).reshape(B, T, C);
    const f = h.matmul(w1).gelu().matmul(w2);
    const out = y.add(f);
    const loss = out.mul(out).mean();
    loss.backward();
    for (const w of [wq, wk, wv, w1, w2]) w.zeroGrad();
  });
  const ms = await timeIt(step, { warmup: 1, minRuns: 3, minMs: 2000 });
  if (process.env.LLM_BENCH_PROFILE !== '0') {
    const steps = 2, t0 = performance.now();
    const { profile } = await withProfile(getBackend(), () => { for (let i = 0; i < steps; i++) step(); });
    console.log(`\nop mix, ours (${steps} profiled steps):\n${formatProfile(profile, performance.now() - t0, steps)}`);
  }
  return ms;
}

/** The same graph in tfjs (backend 'wasm' or 'cpu'). */
async function tfjs(backend: 'wasm' | 'cpu', runs: { warmup: number; minRuns: number; minMs: number }): Promise<number> {
  const tf: any = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  const d = inputs();
  const x = tf.tensor3d(d.x, [B, T, C]);
  const vars = { wq: tf.variable(tf.tensor2d(d.wq, [C, C])), wk: tf.variable(tf.tensor2d(d.wk, [C, C])), wv: tf.variable(tf.tensor2d(d.wv, [C, C])),
    w1: tf.variable(tf.tensor2d(d.w1, [C, F])), w2: tf.variable(tf.tensor2d(d.w2, [F, C])) };
  const gelu = (z: unknown) => tf.tidy(() => {
    const c = Math.sqrt(2 / Math.PI);
    return tf.mul(tf.mul(z, 0.5), tf.add(1, tf.tanh(tf.mul(c, tf.add(z, tf.mul(0.044715, tf.pow(z, 3)))))));
  });
  const lossFn = () => {
    const { mean, variance } = tf.moments(x, -1, true);
    const h = tf.reshape(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), [B * T, C]);
    const heads = (w: unknown) => tf.transpose(tf.reshape(tf.matMul(h, w), [B, T, H, D]), [0, 2, 1, 3]);
    const q = heads(vars.wq), k = heads(vars.wk), v = heads(vars.wv);
    const att = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)), -1);
    const y = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B * T, C]);
    const f = tf.matMul(gelu(tf.matMul(h, vars.w1)), vars.w2);
    const out = tf.add(y, f);
    return tf.mean(tf.mul(out, out));
  };
  try {
    return await timeIt(async () => {
      const { value, grads } = tf.variableGrads(lossFn);
      await value.data();
      value.dispose();
      tf.dispose(grads);
    }, runs);
  } finally {
    tf.dispose([x, ...Object.values(vars)]);
  }
}


/**
 * The same graph in jax-js (wasm backend), differentiated by its valueAndGrad. jax-js arrays are
 * owned: every op consumes its inputs, so an array used twice is passed as `.ref` the first time.
 */
async function jaxjs(runs: { warmup: number; minRuns: number; minMs: number }): Promise<number> {
  const jax = await import('@jax-js/jax');
  await jax.init('wasm');
  jax.defaultDevice('wasm');
  const { numpy: np, nn } = jax;
  const d = inputs();
  const x = np.array(d.x).reshape([B * T, C]);
  const params = {
    wq: np.array(d.wq).reshape([C, C]), wk: np.array(d.wk).reshape([C, C]), wv: np.array(d.wv).reshape([C, C]),
    w1: np.array(d.w1).reshape([C, F]), w2: np.array(d.w2).reshape([F, C]),
  };
  type P = typeof params;
  const lossFn = (p: P) => {
    const h = nn.standardize(x.ref, -1); // layer norm without scale and shift, eps 1e-5: (B·T, C)
    const heads = (w: typeof x) => np.matmul(h.ref, w).reshape([B, T, H, D]).transpose([0, 2, 1, 3]); // (B, H, T, D)
    const q = heads(p.wq), k = heads(p.wk), v = heads(p.wv);
    const att = nn.softmax(np.matmul(q, k.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(D)), -1); // (B, H, T, T)
    const y = np.matmul(att, v).transpose([0, 2, 1, 3]).reshape([B * T, C]);
    const f = np.matmul(nn.gelu(np.matmul(h, p.w1)), p.w2);
    const out = y.add(f);
    return np.mean(out.ref.mul(out));
  };
  const step = jax.valueAndGrad(lossFn);
  try {
    return await timeIt(async () => {
      const [value, grads] = step({ wq: params.wq.ref, wk: params.wk.ref, wv: params.wv.ref, w1: params.w1.ref, w2: params.w2.ref });
      await value.blockUntilReady();
      value.dispose();
      for (const g of Object.values(grads as P)) g.dispose();
    }, runs);
  } finally {
    x.dispose();
    for (const w of Object.values(params)) w.dispose();
  }
}

export async function run(): Promise<void> {
  const toGflops = (ms: number) => FLOPS / ms / 1e6;
  const peers: Record<string, number> = {};
  const ms = await ours();
  const tfWasm = await measurePeer('tfjs wasm', () => tfjs('wasm', { warmup: 1, minRuns: 2, minMs: 0 }));
  if (tfWasm !== undefined) peers['@tensorflow/tfjs-backend-wasm@4.22.0'] = toGflops(tfWasm);
  const tfCpu = await measurePeer('tfjs cpu', () => tfjs('cpu', { warmup: 0, minRuns: 1, minMs: 0 }));
  if (tfCpu !== undefined) peers['@tensorflow/tfjs@4.22.0 (cpu)'] = toGflops(tfCpu);
  const jax = await measurePeer('jax-js', () => jaxjs({ warmup: 1, minRuns: 2, minMs: 0 }));
  if (jax !== undefined) peers['@jax-js/jax@0.1.25 (wasm)'] = toGflops(jax);
  writeBenchResult({
    name: 'opmix-gpt2-block-train-step',
    unit: 'GFLOPS (effective, forward + backward)',
    higherIsBetter: true,
    ours: toGflops(ms),
    peers,
    config: { batch: B, seq: T, channels: C, heads: H, hidden: F, flopsPerStep: FLOPS, oursMsPerStep: ms },
  });
}
