/** Small agent snapshots and models for ONNX tests. */
import { Rng } from '../../src/util/rng.js';
import { randomSnapshot } from '../../src/snapshot/random.js';
import type { AgentSnapshot, RnnAgentArchitecture } from '@mast-toolkit/runtime/internal/snapshot/types';
import { exportAgent } from '../../src/onnx/export-agent.js';
import type { ModelProto } from '@mast-toolkit/runtime/internal/onnx/types';
import { int64Bytes, readInts } from '@mast-toolkit/runtime/internal/onnx/tensor-data';

/** A small architecture: In = 6 + 5 + 3 = 14, H = 16, A = 5, N = 3. */
export const SMALL_ARCH: RnnAgentArchitecture = {
  kind: 'rnn-agent',
  inputLayout: { obs: 6, lastAction: 5, agentId: 3 },
  hidden: 16,
  nActions: 5,
  nAgents: 3,
};

/** A random snapshot of {@link SMALL_ARCH} (or `arch`) at `density`. */
export function snapshot(density: number, seed = 1, arch: RnnAgentArchitecture = SMALL_ARCH): AgentSnapshot {
  return randomSnapshot(arch, new Rng(seed), density);
}

/** A valid exported model, deep-copied so a test can break it. */
export function validModel(density = 0.3): ModelProto {
  return structuredClone(exportAgent(snapshot(density), { format: 'sparse' }));
}

/** Rewrite every sparse initializer's linear indices `[NNZ]` as coordinates `[NNZ, rank]` (same positions). */
export function toCoordinateIndices(model: ModelProto): ModelProto {
  for (const s of model.graph.sparseInitializer) {
    const linear = readInts(s.indices);
    const coords = linear.flatMap((index) => {
      const out: number[] = [];
      for (let d = s.dims.length - 1; d >= 0; d--) {
        out.unshift(index % s.dims[d]!);
        index = Math.floor(index / s.dims[d]!);
      }
      return out;
    });
    s.indices = { ...s.indices, dims: [linear.length, s.dims.length], rawData: int64Bytes(coords) };
    delete s.indices.int64Data;
  }
  return model;
}
