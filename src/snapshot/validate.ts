/** Structural checks on an {@link AgentSnapshot}: every tensor present, shapes consistent, masks honoured. */
import { ToolkitError } from '@mast-toolkit/runtime/internal/util/errors';
import {
  RNN_AGENT_TENSORS,
  type AgentSnapshot,
  type ModelProvenance,
  type RnnAgentArchitecture,
  type RnnAgentTensorName,
  type SnapshotTensor,
} from '@mast-toolkit/runtime/internal/snapshot/types';

/** Length of the agent network's input vector. */
export function inputSize(arch: RnnAgentArchitecture): number {
  const { obs, lastAction, agentId } = arch.inputLayout;
  return obs + lastAction + agentId;
}

/** The shape each agent tensor must have for `arch`. */
export function expectedShapes(arch: RnnAgentArchitecture): Record<RnnAgentTensorName, number[]> {
  const h = arch.hidden;
  return {
    'fc1.weight': [inputSize(arch), h],
    'fc1.bias': [h],
    'gru.weightIh': [h, 3 * h],
    'gru.weightHh': [h, 3 * h],
    'gru.biasIh': [3 * h],
    'gru.biasHh': [3 * h],
    'fc2.weight': [h, arch.nActions],
    'fc2.bias': [arch.nActions],
  };
}

/** What is wrong with a snapshot's (agent's or mixer's) metadata, or null: the fields export reads must have their types. */
export function metadataProblem(metadata: unknown): string | null {
  const meta = metadata as Record<string, unknown> | undefined;
  if (typeof meta !== 'object' || meta === null) return 'metadata is missing';
  for (const k of ['env', 'algorithm', 'sparsityMode', 'configHash', 'toolkitVersion'])
    if (typeof meta[k] !== 'string') return `metadata.${k} must be a string, got ${JSON.stringify(meta[k])}`;
  for (const k of ['density', 'seed', 'trainedSteps'])
    if (!Number.isFinite(meta[k])) return `metadata.${k} must be a finite number, got ${JSON.stringify(meta[k])}`;
  if (meta.provenance !== undefined && provenanceProblem(meta.provenance) !== null)
    return `metadata.provenance: ${provenanceProblem(meta.provenance)}`;
  return null;
}

/** Throw a `ToolkitError('E_SNAPSHOT')` naming the first inconsistency in `snap`. */
export function validateSnapshot(snap: AgentSnapshot, what = 'snapshot'): void {
  const fail = (msg: string): never => {
    throw new ToolkitError('E_SNAPSHOT', `${what}: ${msg}`, {
      hint: 're-create the snapshot from a training run (mast train / mast export)',
    });
  };
  if (snap.format !== 'mast-agent-snapshot' || snap.version !== 1)
    fail(`unsupported format ${snap.format} v${snap.version}`);
  const arch = snap.architecture;
  if (arch?.kind !== 'rnn-agent') fail(`unsupported architecture kind '${arch?.kind}'`);
  if (typeof arch.inputLayout !== 'object' || arch.inputLayout === null) fail('architecture.inputLayout is missing');
  for (const [k, v] of Object.entries({
    hidden: arch.hidden,
    nActions: arch.nActions,
    nAgents: arch.nAgents,
    obs: arch.inputLayout.obs,
  })) {
    if (!Number.isInteger(v) || v <= 0) fail(`architecture.${k} must be a positive integer, got ${v}`);
  }
  for (const [k, v] of Object.entries({ lastAction: arch.inputLayout.lastAction, agentId: arch.inputLayout.agentId })) {
    if (!Number.isInteger(v) || v < 0) fail(`architecture.inputLayout.${k} must be a non-negative integer, got ${v}`);
  }
  if (typeof snap.tensors !== 'object' || snap.tensors === null) fail('no tensors');
  const problem = metadataProblem(snap.metadata);
  if (problem) fail(problem);
  const shapes = expectedShapes(arch);
  for (const name of RNN_AGENT_TENSORS) {
    const problem = tensorProblem(`tensor '${name}'`, snap.tensors[name], shapes[name]);
    if (problem) fail(problem);
  }
}

/**
 * What is wrong with a snapshot tensor that should have `shape` — absent, of another shape or size,
 * holding a non-finite value, or with a mask of the wrong size or a nonzero value where masked —
 * or null. `label` names it in the message (e.g. `tensor 'fc1.weight'`). Agent and mixer snapshots
 * are checked by the same rule.
 */
export function tensorProblem(label: string, t: SnapshotTensor | undefined, shape: readonly number[]): string | null {
  if (!t) return `${label} is missing`;
  if (!Array.isArray(t.shape) || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
    return `${label} has shape [${t.shape}], expected [${shape}]`;
  const size = shape.reduce((a, b) => a * b, 1);
  if (t.values.length !== size) return `${label} has ${t.values.length} values, expected ${size}`;
  for (let i = 0; i < size; i++)
    if (!Number.isFinite(t.values[i])) return `${label} has a non-finite value at flat index ${i}`;
  if (t.mask) {
    if (t.mask.length !== size) return `mask of ${label} has ${t.mask.length} entries, expected ${size}`;
    for (let i = 0; i < size; i++)
      if (t.mask[i] === 0 && t.values[i] !== 0) return `${label} has a nonzero value at masked flat index ${i}`;
  }
  return null;
}

/** What is wrong with a {@link ModelProvenance} read from a file, or null. */
export function provenanceProblem(value: unknown): string | null {
  const p = value as Partial<ModelProvenance> | null;
  if (typeof p !== 'object' || p === null) return 'must be an object';
  if (p.method !== 'online-mast' && p.method !== 'offline-distillation')
    return `method must be 'online-mast' or 'offline-distillation', got ${JSON.stringify(p.method)}`;
  const src = p.source as Partial<ModelProvenance['source']> | undefined;
  if (
    typeof src !== 'object' ||
    src === null ||
    typeof src.path !== 'string' ||
    typeof src.sha256 !== 'string' ||
    !Number.isFinite(src.density)
  )
    return 'source must hold path, sha256 and density';
  if (src.return !== null && !Number.isFinite(src.return)) return 'source.return must be a number or null';
  if (!Number.isSafeInteger(p.steps) || (p.steps as number) < 0) return 'steps must be a non-negative integer';
  if (p.data !== undefined) {
    const d = p.data as Partial<NonNullable<ModelProvenance['data']>>;
    if (
      typeof d !== 'object' ||
      d === null ||
      typeof d.path !== 'string' ||
      typeof d.sha256 !== 'string' ||
      typeof d.env !== 'string' ||
      !Number.isSafeInteger(d.episodes) ||
      !Number.isSafeInteger(d.steps) ||
      !Number.isFinite(d.epsilon)
    ) {
      return 'data must hold path, sha256, env, episodes, steps and epsilon';
    }
  }
  return null;
}
