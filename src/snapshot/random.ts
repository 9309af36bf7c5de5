/**
 * Random agent snapshots: PyTorch-style uniform initialisation with optional random masks. Used by
 * tests and benchmarks that need a realistic agent network without training one.
 */
import type { Rng } from '../util/rng.js';
import {
  MASKED_AGENT_TENSORS,
  RNN_AGENT_TENSORS,
  type AgentSnapshot,
  type RnnAgentArchitecture,
  type RnnAgentTensorName,
  type SnapshotTensor,
} from '@mast-toolkit/runtime/internal/snapshot/types';
import { expectedShapes } from './validate.js';

/**
 * A snapshot with weights ~ U(−1/√fanIn, 1/√fanIn) and, when `density < 1`, a random mask keeping
 * exactly round(density·size) entries (at least one) of every weight matrix.
 */
export function randomSnapshot(arch: RnnAgentArchitecture, rng: Rng, density = 1): AgentSnapshot {
  if (!(density > 0 && density <= 1)) throw new RangeError(`randomSnapshot: density must be in (0, 1], got ${density}`);
  const shapes = expectedShapes(arch);
  const tensors = {} as Record<RnnAgentTensorName, SnapshotTensor>;
  for (const name of RNN_AGENT_TENSORS) {
    const shape = shapes[name];
    const size = shape.reduce((a, b) => a * b, 1);
    const fanIn = name.startsWith('gru') ? arch.hidden : shape.length === 2 ? (shape[0] as number) : size;
    const bound = 1 / Math.sqrt(fanIn);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = rng.uniform(-bound, bound);
    const t: SnapshotTensor = { shape, values };
    if (density < 1 && MASKED_AGENT_TENSORS.includes(name)) {
      const mask = new Uint8Array(size);
      for (const i of rng.sampleIndices(size, Math.max(1, Math.round(density * size)))) mask[i] = 1;
      for (let i = 0; i < size; i++) if (mask[i] === 0) values[i] = 0;
      t.mask = mask;
    }
    tensors[name] = t;
  }
  return {
    format: 'mast-agent-snapshot',
    version: 1,
    architecture: arch,
    tensors,
    metadata: {
      env: 'none',
      algorithm: 'none',
      sparsityMode: density < 1 ? 'static' : 'dense',
      density,
      seed: 0,
      trainedSteps: 0,
      configHash: '0',
      config: {},
      toolkitVersion: '0.1.0',
    },
  };
}
