// Rotary position embeddings (Su et al. 2021, RoFormer) in Hugging Face's "rotate-half" layout, as
// Llama and Qwen use them: a head vector's first and second halves are the two coordinates of
// headDim/2 planes, each rotated by position · θᵢ, so q·k depends on the distance between tokens.
//   x' = x · cos + rotateHalf(x) · sin,  rotateHalf([x₁, x₂]) = [−x₂, x₁],  θᵢ = base^(−2i/headDim)
// Llama 3.1+ rescales the frequencies for long contexts ("llama3" rope_scaling): wavelengths longer
// than originalMaxPositionEmbeddings / lowFreqFactor are slowed by `factor`, those shorter than
// ... / highFreqFactor are kept, and the band between is interpolated smoothly.
import { type Backend, cat, keep, type Tensor, tensor } from '@llm/tensor';
import { checkPositive } from '../check.js';

/** Hugging Face's rope_scaling with rope_type "llama3", in camelCase. */
export interface Llama3RopeScaling {
  ropeType: 'llama3';
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositionEmbeddings: number;
}

export interface RopeOptions {
  /** Size of each head vector (even). */
  headDim: number;
  /** Longest position the tables are ever asked for. */
  contextLength: number;
  /** The frequency base (Hugging Face's rope_theta; default 10,000). */
  theta?: number;
  scaling?: Llama3RopeScaling | null;
}

/** θᵢ for i < headDim/2, rounded to float32 as Hugging Face computes them. */
export function ropeInverseFrequencies(headDim: number, theta = 10000, scaling: Llama3RopeScaling | null = null): Float32Array {
  const half = headDim / 2;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / theta ** ((2 * i) / headDim);
  if (!scaling) return inv;
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: oldContext } = scaling;
  const lowFreqWavelen = oldContext / lowFreqFactor;
  const highFreqWavelen = oldContext / highFreqFactor;
  for (let i = 0; i < half; i++) {
    const wavelen = (2 * Math.PI) / inv[i];
    if (wavelen > lowFreqWavelen) inv[i] = inv[i] / factor; // low frequencies: interpolated
    else if (wavelen >= highFreqWavelen) {
      // the band between: a blend of the two
      const smooth = (oldContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
      inv[i] = (1 - smooth) * (inv[i] / factor) + smooth * inv[i];
    } // high frequencies stay
  }
  return inv;
}

export function checkRopeScaling(op: string, s: Llama3RopeScaling): void {
  if (s.ropeType !== 'llama3') throw new RangeError(`${op}: rope scaling type must be "llama3", got ${JSON.stringify(s.ropeType)}`);
  for (const f of ['factor', 'lowFreqFactor', 'highFreqFactor', 'originalMaxPositionEmbeddings'] as const) {
    if (!(typeof s[f] === 'number' && s[f] > 0)) throw new RangeError(`${op}: rope scaling ${f} must be a positive number, got ${JSON.stringify(s[f])}`);
  }
  if (!(s.highFreqFactor > s.lowFreqFactor)) throw new RangeError(`${op}: rope scaling highFreqFactor (${s.highFreqFactor}) must exceed lowFreqFactor (${s.lowFreqFactor})`);
}

interface Tables {
  cos: Tensor; // (length, headDim)
  sin: Tensor;
}

/**
 * The cos/sin tables of one head size and frequency set, shared by every layer of a model. They
 * grow on demand (doubling) up to contextLength, so a 128k-token Llama does not hold 128k rows
 * for a 50-token prompt.
 */
export class RotaryEmbedding {
  readonly headDim: number;
  readonly contextLength: number;
  readonly inverseFrequencies: Float32Array;
  #tables = new Map<Backend, Tables>();

  constructor(opts: RopeOptions) {
    checkPositive('RotaryEmbedding', { headDim: opts.headDim, contextLength: opts.contextLength });
    if (opts.headDim % 2 !== 0) throw new RangeError(`RotaryEmbedding: headDim must be even, got ${opts.headDim}`);
    const theta = opts.theta ?? 10000;
    if (!(theta > 1)) throw new RangeError(`RotaryEmbedding: theta must be > 1, got ${theta}`);
    if (opts.scaling) checkRopeScaling('RotaryEmbedding', opts.scaling);
    this.headDim = opts.headDim;
    this.contextLength = opts.contextLength;
    this.inverseFrequencies = ropeInverseFrequencies(opts.headDim, theta, opts.scaling ?? null);
  }

  /** cos and sin for positions [offset, offset + length): views (length, headDim) of the shared tables. */
  angles(backend: Backend, offset: number, length: number): Tables {
    const end = offset + length;
    if (offset < 0 || end > this.contextLength) throw new RangeError(`RotaryEmbedding: positions [${offset}, ${end}) exceed the context length ${this.contextLength}`);
    let t = this.#tables.get(backend);
    if (!t || t.cos.shape[0] < end) {
      const rows = Math.min(this.contextLength, Math.max(end, 2 * (t?.cos.shape[0] ?? 0), 256));
      // views of the old tables in a pending graph keep their storage alive (reference counted)
      t?.cos.dispose();
      t?.sin.dispose();
      t = this.#build(backend, rows);
      this.#tables.set(backend, t);
    }
    return { cos: t.cos.narrow(0, offset, length), sin: t.sin.narrow(0, offset, length) };
  }

  /** Rotates x (B, H, T, headDim), whose tokens sit at positions offset, offset + 1, ... */
  apply(x: Tensor, offset = 0): Tensor {
    const D = x.shape[x.ndim - 1];
    if (D !== this.headDim) throw new Error(`RotaryEmbedding: expected head vectors of ${this.headDim}, got [${x.shape.join(', ')}]`);
    const { cos, sin } = this.angles(x.backend, offset, x.shape[x.ndim - 2]);
    return x.mul(cos).add(rotateHalf(x).mul(sin));
  }

  /** Frees the tables. */
  dispose(): void {
    for (const t of this.#tables.values()) {
      t.cos.dispose();
      t.sin.dispose();
    }
    this.#tables.clear();
  }

  #build(backend: Backend, rows: number): Tables {
    const D = this.headDim, half = D / 2;
    const cos = new Float32Array(rows * D), sin = new Float32Array(rows * D);
    for (let p = 0; p < rows; p++) {
      for (let i = 0; i < half; i++) {
        // the angle in float32, as Hugging Face's float32 matmul of positions and frequencies
        const angle = Math.fround(p * this.inverseFrequencies[i]);
        cos[p * D + i] = cos[p * D + half + i] = Math.cos(angle);
        sin[p * D + i] = sin[p * D + half + i] = Math.sin(angle);
      }
    }
    return {
      cos: keep(tensor(cos, { shape: [rows, D], backend })),
      sin: keep(tensor(sin, { shape: [rows, D], backend })),
    };
  }
}

/** [x₁, x₂] → [−x₂, x₁] over the last dim. */
export function rotateHalf(x: Tensor): Tensor {
  const last = x.ndim - 1, half = x.shape[last] / 2;
  return cat([x.narrow(last, half, half).neg(), x.narrow(last, 0, half)], last);
}
