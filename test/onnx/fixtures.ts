/** Small agent snapshots and models for ONNX tests. */
import { Rng } from '../../src/util/rng.js';
import { randomSnapshot } from '../../src/snapshot/random.js';
import type { AgentSnapshot, RnnAgentArchitecture } from '../../src/snapshot/types.js';
import { exportAgent } from '../../src/onnx/export-agent.js';
import type { ModelProto } from '../../src/onnx/types.js';

/** A small architecture: In = 6 + 5 + 3 = 14, H = 16, A = 5, N = 3. */
export const SMALL_ARCH: RnnAgentArchitecture = { kind: 'rnn-agent', inputLayout: { obs: 6, lastAction: 5, agentId: 3 }, hidden: 16, nActions: 5, nAgents: 3 };

/** A random snapshot of {@link SMALL_ARCH} (or `arch`) at `density`. */
export function snapshot(density: number, seed = 1, arch: RnnAgentArchitecture = SMALL_ARCH): AgentSnapshot {
  return randomSnapshot(arch, new Rng(seed), density);
}

/** A valid exported model, deep-copied so a test can break it. */
export function validModel(density = 0.3): ModelProto {
  return structuredClone(exportAgent(snapshot(density), { format: 'sparse' }));
}
