/**
 * The framework-neutral snapshot: weights + masks + architecture + metadata. It is the ONLY hand-off
 * between training (tfjs, `src/marl/`) and export (`src/onnx/`), so neither side imports the other.
 *
 * Conventions (all row-major Float32Array):
 * - Linear weights are stored `[in, out]` (y = x·W + b, as tfjs matMul computes it); PyTorch's
 *   `[out, in]` is the transpose.
 * - GRU gates are stacked in ONNX order z (update), r (reset), n (candidate) along the output axis:
 *   `gru.weightIh` is `[H_in, 3H]`, `gru.weightHh` is `[H, 3H]`, biases `[3H]`. The cell is PyTorch's
 *   (sigmoid gates, reset applied after the recurrent matmul, ONNX `linear_before_reset=1`):
 *     z  = σ(x·Wz + bz_i + h·Uz + bz_h)
 *     r  = σ(x·Wr + br_i + h·Ur + br_h)
 *     n  = tanh(x·Wn + bn_i + r ⊙ (h·Un + bn_h))
 *     h' = (1 − z) ⊙ n + z ⊙ h
 * - A mask, when present, has the tensor's shape with 1 = active, 0 = pruned; values at pruned
 *   positions are exactly 0.
 */

/** How the agent network's input vector is laid out: [obs | last action one-hot | agent id one-hot]. */
export interface InputLayout {
  /** Length of the observation part. */
  obs: number;
  /** Length of the last-action one-hot part (nActions, or 0 when not used). */
  lastAction: number;
  /** Length of the agent-id one-hot part (nAgents, or 0 when not used). */
  agentId: number;
}

/** The recurrent agent network: Linear → ReLU → GRUCell → Linear, shared across agents. */
export interface RnnAgentArchitecture {
  kind: 'rnn-agent';
  inputLayout: InputLayout;
  /** GRU hidden size (and fc1 output size). */
  hidden: number;
  nActions: number;
  nAgents: number;
}

/** Names of the agent network's tensors, in a fixed order. */
export const RNN_AGENT_TENSORS = [
  'fc1.weight', // [In, H]
  'fc1.bias', // [H]
  'gru.weightIh', // [H, 3H] gates z|r|n
  'gru.weightHh', // [H, 3H] gates z|r|n
  'gru.biasIh', // [3H]
  'gru.biasHh', // [3H]
  'fc2.weight', // [H, A]
  'fc2.bias', // [A]
] as const;

/** One of {@link RNN_AGENT_TENSORS}. */
export type RnnAgentTensorName = (typeof RNN_AGENT_TENSORS)[number];

/** The weight matrices, which may carry masks; biases stay dense. */
export const MASKED_AGENT_TENSORS: readonly RnnAgentTensorName[] = [
  'fc1.weight',
  'gru.weightIh',
  'gru.weightHh',
  'fc2.weight',
];

/** A tensor in a snapshot. */
export interface SnapshotTensor {
  shape: number[];
  values: Float32Array;
  /** 1 = active weight, 0 = pruned; absent means dense (all active). Biases carry no mask. */
  mask?: Uint8Array;
}

/** Provenance recorded with a snapshot and copied into exported models' metadata. */
export interface SnapshotMetadata {
  /** Environment id the agent was trained on. */
  env: string;
  /** Learner, e.g. 'qmix'. */
  algorithm: string;
  /** Sparsity mode, e.g. 'dense' | 'static' | 'mast'. */
  sparsityMode: string;
  /** Target global density of the masked weights (1 for dense). */
  density: number;
  /** Training seed. */
  seed: number;
  /** Environment steps trained. */
  trainedSteps: number;
  /** Short hash of the full training config. */
  configHash: string;
  /** The full training config. */
  config: unknown;
  /** Toolkit version that wrote the snapshot. */
  toolkitVersion: string;
  /** Training FLOPs of the whole run over the same run dense (absent for snapshots made outside training). */
  trainFlopsRatio?: number;
  /** Where a compressed agent came from and how it was compressed (absent for agents trained from scratch). */
  provenance?: ModelProvenance;
}

/** How a compressed agent was made from another (`mast compress`), kept in its metadata and exported models. */
export interface ModelProvenance {
  /** `online-mast`: trained on in its environment while pruned; `offline-distillation`: distilled over recorded episodes. */
  method: 'online-mast' | 'offline-distillation';
  /** The agent compressed: the file read (an .onnx model, or a run directory's agent.snapshot), its SHA-256 and density. */
  source: {
    path: string;
    sha256: string;
    density: number;
    /** its last greedy test return, where measured */ return: number | null;
  };
  /** Offline: the recorded episodes distilled over. */
  data?: { path: string; sha256: string; env: string; episodes: number; steps: number; epsilon: number };
  /** Online: environment steps of the compression; offline: gradient updates. */
  steps: number;
}

/** A trained agent network, independent of any ML framework. */
export interface AgentSnapshot {
  format: 'mast-agent-snapshot';
  version: 1;
  architecture: RnnAgentArchitecture;
  tensors: Record<RnnAgentTensorName, SnapshotTensor>;
  metadata: SnapshotMetadata;
}
