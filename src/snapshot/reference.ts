/**
 * A plain-JavaScript forward pass of a snapshot's agent network, in float64 arithmetic. It is the
 * framework-free oracle that tfjs, ONNX Runtime and future engines are checked against, and it
 * documents the cell's exact equations (see `types.ts`).
 */
import type { AgentSnapshot } from '@mast-toolkit/runtime/internal/snapshot/types';
import { inputSize } from './validate.js';
import { ShapeError } from '@mast-toolkit/runtime/internal/util/errors';

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * One step of the agent network for a batch of rows (agents, or agents × envs).
 * @param inputs `[B, In]` row-major agent inputs.
 * @param hidden `[B, H]` row-major hidden state.
 * @returns `qValues` `[B, A]` and `hidden` `[B, H]`, row-major.
 */
export function referenceStep(
  snap: AgentSnapshot,
  inputs: Float32Array,
  hidden: Float32Array,
  batch: number,
): { qValues: Float32Array; hidden: Float32Array } {
  const arch = snap.architecture;
  const nIn = inputSize(arch);
  const h = arch.hidden;
  const nA = arch.nActions;
  if (inputs.length !== batch * nIn)
    throw new ShapeError(`referenceStep: inputs has ${inputs.length} values, expected ${batch}×${nIn}`);
  if (hidden.length !== batch * h)
    throw new ShapeError(`referenceStep: hidden has ${hidden.length} values, expected ${batch}×${h}`);
  const t = snap.tensors;
  const w1 = t['fc1.weight'].values;
  const b1 = t['fc1.bias'].values;
  const wi = t['gru.weightIh'].values;
  const wh = t['gru.weightHh'].values;
  const bi = t['gru.biasIh'].values;
  const bh = t['gru.biasHh'].values;
  const w2 = t['fc2.weight'].values;
  const b2 = t['fc2.bias'].values;
  const qValues = new Float32Array(batch * nA);
  const hOut = new Float32Array(batch * h);
  const x = new Float64Array(h);
  const gi = new Float64Array(3 * h);
  const gh = new Float64Array(3 * h);
  for (let b = 0; b < batch; b++) {
    // fc1 + ReLU: x = relu(in · W1 + b1)            [H]
    for (let j = 0; j < h; j++) {
      let s = b1[j] as number;
      for (let i = 0; i < nIn; i++) s += (inputs[b * nIn + i] as number) * (w1[i * h + j] as number);
      x[j] = Math.max(0, s);
    }
    // gate pre-activations gi = x·Wi + bi, gh = h·Wh + bh   [3H], gates z|r|n
    for (let j = 0; j < 3 * h; j++) {
      let si = bi[j] as number;
      let sh = bh[j] as number;
      for (let i = 0; i < h; i++) {
        si += (x[i] as number) * (wi[i * 3 * h + j] as number);
        sh += (hidden[b * h + i] as number) * (wh[i * 3 * h + j] as number);
      }
      gi[j] = si;
      gh[j] = sh;
    }
    for (let j = 0; j < h; j++) {
      const z = sigmoid((gi[j] as number) + (gh[j] as number));
      const r = sigmoid((gi[h + j] as number) + (gh[h + j] as number));
      const n = Math.tanh((gi[2 * h + j] as number) + r * (gh[2 * h + j] as number));
      hOut[b * h + j] = (1 - z) * n + z * (hidden[b * h + j] as number);
    }
    // fc2: q = h' · W2 + b2                           [A]
    for (let a = 0; a < nA; a++) {
      let s = b2[a] as number;
      for (let j = 0; j < h; j++) s += (hOut[b * h + j] as number) * (w2[j * nA + a] as number);
      qValues[b * nA + a] = s;
    }
  }
  return { qValues, hidden: hOut };
}
