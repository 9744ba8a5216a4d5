// The worker's request handling, driven directly in Node (train.worker.ts only wires it to
// postMessage): train, then attention, generation, logits, and a download that loads back to the
// same logits; pause holds the loop until resume, stop ends it; a second request while one runs is refused.
import { describe, expect, it } from 'vitest';
import { builtinText, hasBuiltinText } from './helpers.js';
import { DEFAULT_RUN, type SizedRunOptions } from '../src/lib/session.js';
import { PlaygroundWorker } from '../src/worker/playgroundWorker.js';
import type { Replies, WorkerEvent } from '../src/worker/protocol.js';

const QUICK: SizedRunOptions = { ...DEFAULT_RUN, vocabSize: 300, steps: 6, batchSize: 2, evalEvery: 3, evalBatches: 1, sampleEvery: 6, sampleTokens: 4 };

function makeWorker() {
  const events: WorkerEvent[] = [];
  const worker = new PlaygroundWorker((e) => events.push(e));
  return { worker, events };
}

describe.runIf(hasBuiltinText)('PlaygroundWorker', () => {
  it('trains, shows attention, generates, and round-trips its model folder to the same logits', async () => {
    const { worker, events } = makeWorker();
    const init = (await worker.handle({ type: 'init', backend: 'cpu' })) as Replies['init'];
    expect(init.name).toBe('cpu');
    const trained = (await worker.handle({ type: 'train', text: builtinText, source: 'the story', options: QUICK })) as Replies['train'];
    expect(trained.steps).toBe(6);
    expect(trained.model).toMatchObject({ source: 'trained on the story', vocabSize: 300, nLayers: 2, nHeads: 4 });
    const kinds = events.map((e) => e.event);
    expect(kinds.filter((k) => k === 'step').length).toBe(6);
    expect(kinds.filter((k) => k === 'eval').length).toBe(3); // steps 0, 3, 6
    expect(kinds).toContain('prepared');
    expect(kinds).toContain('sample');

    const att = (await worker.handle({ type: 'attention', prompt: 'I HAD always thought' })) as Replies['attention'];
    expect([att.nLayers, att.nHeads]).toEqual([2, 4]);
    expect(att.tokens.join('')).toBe('I HAD always thought');
    expect(att.weights.length).toBe(2 * 4 * att.T * att.T);

    events.length = 0;
    const gen = (await worker.handle({ type: 'generate', request: { prompt: 'I HAD', maxNewTokens: 5, temperature: 0, seed: 1 } })) as Replies['generate'];
    expect(gen.tokens).toBe(events.filter((e) => e.event === 'token').length);
    expect(gen.tokens).toBeGreaterThan(0);

    const before = (await worker.handle({ type: 'logits', prompt: 'I HAD always' })) as Replies['logits'];
    expect(before.logits.length).toBe(300);
    const files = (await worker.handle({ type: 'export' })) as Replies['export'];
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    const other = makeWorker().worker;
    await other.handle({ type: 'init', backend: 'cpu' });
    const loaded = (await other.handle({ type: 'load', files, name: 'playground-model' })) as Replies['load'];
    expect(loaded.source).toBe('playground-model (our layout)');
    const after = (await other.handle({ type: 'logits', prompt: 'I HAD always' })) as Replies['logits'];
    expect(after.ids).toEqual(before.ids);
    expect(after.logits).toEqual(before.logits);
  });

  it('pauses, resumes and stops a run, and refuses a second request meanwhile', async () => {
    const { worker, events } = makeWorker();
    await worker.handle({ type: 'init', backend: 'cpu' });
    const running = worker.handle({ type: 'train', text: builtinText, source: 'x', options: { ...QUICK, steps: 1000, evalEvery: 1000 } }) as Promise<Replies['train']>;
    const steps = () => events.filter((e) => e.event === 'step').length;
    while (steps() < 2) await new Promise((r) => setTimeout(r, 5));
    worker.control({ type: 'pause' });
    await new Promise((r) => setTimeout(r, 50));
    const held = steps();
    await new Promise((r) => setTimeout(r, 300));
    expect(steps()).toBeLessThanOrEqual(held + 1); // at most the step that was running
    await expect(worker.handle({ type: 'attention', prompt: 'x' })).rejects.toThrow(/busy training/);
    worker.control({ type: 'resume' });
    while (steps() < held + 3) await new Promise((r) => setTimeout(r, 5));
    worker.control({ type: 'stop' });
    const result = await running;
    expect(result.stopped).toBe(true);
    expect(result.steps).toBeLessThan(1000);
    expect(events.filter((e) => e.event === 'paused').map((e) => (e as { paused: boolean }).paused)).toEqual([true, false]);
  });

  it('asks for a model before there is one', async () => {
    const { worker } = makeWorker();
    await expect(worker.handle({ type: 'logits', prompt: 'x' })).rejects.toThrow(/no model yet: train one or load a model folder first/);
  });
});
