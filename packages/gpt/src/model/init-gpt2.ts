// GPT-2's initialisation (Hugging Face's GPT2PreTrainedModel._init_weights): every linear and
// embedding weight from N(0, 0.02), biases zero, LayerNorm ones/zeros, and the projections that
// write into the residual stream (attention outProj, the feed-forward's second layer) from
// N(0, 0.02/√(2·nLayers)) so the stream's variance does not grow with depth.
import { Embedding, Linear, type Module } from '@llm/nn';
import { assign, defaultGenerator, fill, type Generator, noGrad, randn, type Tensor } from '@llm/tensor';
import type { TransformerBlock } from './transformer-block.js';

const STD = 0.02;

export function initGPT2Weights(model: Module & { config: { nLayers: number }; trfBlocks: Iterable<TransformerBlock> }, generator: Generator = defaultGenerator): void {
  const residualStd = STD / Math.sqrt(2 * model.config.nLayers);
  const residual = new Set<Tensor>();
  for (const block of model.trfBlocks) {
    residual.add(block.att.outProj.weight);
    residual.add((block.ff.layers[2] as Linear).weight);
  }
  const done = new Set<Tensor>();
  const normal = (w: Tensor, std: number) => {
    if (done.has(w)) return; // a tied weight is drawn once
    done.add(w);
    const draw = randn([...w.shape], { std, generator });
    assign(w, draw);
    draw.dispose();
  };
  noGrad(() => {
    for (const m of model.modules()) {
      if (m instanceof Linear) {
        normal(m.weight, residual.has(m.weight) ? residualStd : STD);
        if (m.bias) fill(m.bias, 0);
      } else if (m instanceof Embedding) normal(m.weight, STD);
    }
  });
}
