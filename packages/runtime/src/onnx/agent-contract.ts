/**
 * The agent model's contract, owned by neither side: what an exported agent graph is called on the
 * outside (input and output tensor names, the batch-agents graph's names), the `mast.*` metadata keys
 * it carries, the graph-kind marker, and the readers that check a model against all of it. The
 * exporters (`export-agent.ts`, `export-batch.ts`) write this contract; the runtime (`src/runtime/`)
 * and `src/verify/` read it, and never import an exporter.
 */
import { ToolkitError } from '../util/errors.js';
import type { InputLayout } from '../snapshot/types.js';
import { DataType, type ModelProto } from './types.js';
import { parseCount, parseInputLayout, parseNumber } from './metadata-values.js';
import { MAX_AGENT_WIDTH, MAX_AGENTS, MAX_TENSOR_ELEMENTS } from './limits.js';
import { inspectModel } from './inspect.js';

/** The agent graph's tensors on the outside, in graph order: its inputs, then its outputs. */
export const AGENT_TENSORS = [
  { key: 'inputs', name: 'inputs', role: 'input' },
  { key: 'hIn', name: 'h_in', role: 'input' },
  { key: 'qValues', name: 'q_values', role: 'output' },
  { key: 'hOut', name: 'h_out', role: 'output' },
] as const;

type AgentTensor = (typeof AGENT_TENSORS)[number];

/** A role-named agent tensor: `inputs`, `hIn`, `qValues` or `hOut`. */
export type AgentIoKey = AgentTensor['key'];

/** Input and output names of the exported agent graph, by role (from {@link AGENT_TENSORS}). */
export const AGENT_IO = Object.fromEntries(AGENT_TENSORS.map((t) => [t.key, t.name])) as {
  readonly [T in AgentTensor as T['key']]: T['name'];
};

/** Graph input/output names of an agent network (this toolkit's exports use {@link AGENT_IO}; PyTorch's differ). */
export type AgentIoNames = Record<AgentIoKey, string>;

/** The agent graph's input names, in order (from {@link AGENT_TENSORS}). */
export const AGENT_INPUT_NAMES: readonly string[] = AGENT_TENSORS.filter((t) => t.role === 'input').map((t) => t.name);

/** The agent graph's output names, in order (from {@link AGENT_TENSORS}). */
export const AGENT_OUTPUT_NAMES: readonly string[] = AGENT_TENSORS.filter((t) => t.role === 'output').map(
  (t) => t.name,
);

/**
 * Names of the batch-agents graph's inputs and outputs (`mast export --batch-agents`); the hidden
 * state and Q-values keep the agent graph's names.
 */
export const BATCH_IO = {
  obs: 'obs',
  lastAction: 'last_action',
  avail: 'avail',
  hIn: AGENT_IO.hIn,
  actions: 'actions',
  qValues: AGENT_IO.qValues,
  hOut: AGENT_IO.hOut,
} as const;

/** The metadata key that marks a graph other than the plain agent graph, and its values. */
export const GRAPH_KIND_KEY = 'mast.graph';

/** Values of {@link GRAPH_KIND_KEY}: the batch-agents graph and the mixing network. */
export const GRAPH_KINDS = { batchAgents: 'batch-agents', mixer: 'mixer' } as const;

/** The `mast.*` metadata keys of an exported agent (without the `mast.` prefix). */
export const AGENT_METADATA_KEYS = [
  'format_version',
  'env',
  'algorithm',
  'input_layout',
  'hidden',
  'n_actions',
  'n_agents',
  'sparsity_mode',
  'density',
  'run_density',
  'per_layer_density',
  'seed',
  'trained_steps',
  'config_hash',
  'config',
  'toolkit_version',
  'weight_format',
  'sparse_encoding',
  'train_flops_ratio',
  'provenance',
  'flops_dense',
  'flops_sparse',
] as const;

/** A `mast.*` metadata key of an exported agent, without its prefix. */
export type AgentMetadataKey = (typeof AGENT_METADATA_KEYS)[number];

/** The agent metadata as written: `mast.<key>` → value. */
export type AgentMetadataProps = { [K in AgentMetadataKey as `mast.${K}`]?: string };

/** The graph kind a model's metadata declares (`mast.graph`), or undefined for the plain agent graph. */
export function graphKind(model: ModelProto): string | undefined {
  return model.metadataProps.find((p) => p.key === GRAPH_KIND_KEY)?.value;
}

/** Whether a model is the batch-agents graph (`mast export --batch-agents`). */
export function isBatchAgentsGraph(model: ModelProto): boolean {
  return model.metadataProps.some((p) => p.key === GRAPH_KIND_KEY && p.value === GRAPH_KINDS.batchAgents);
}

/** What a MAST agent model records about itself. */
export interface AgentModelMetadata {
  env: string;
  algorithm: string;
  inputLayout: InputLayout;
  hidden: number;
  nActions: number;
  nAgents: number;
  sparsityMode: string;
  density: number;
  seed: number;
  trainedSteps: number;
  configHash: string;
  toolkitVersion: string;
  /** Training FLOPs of the run that produced the agent over the same run dense; null when not recorded. */
  trainFlopsRatio: number | null;
}

/** Parse the `mast.*` metadata of an exported agent; a model without it is not a MAST agent. */
export function readAgentMetadata(model: ModelProto, what = 'model'): AgentModelMetadata {
  const props = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  const get = (key: AgentMetadataKey): string => {
    const v = props[`mast.${key}`];
    if (v === undefined) {
      if (props[GRAPH_KIND_KEY] === GRAPH_KINDS.mixer) {
        throw new ToolkitError(
          'E_ONNX_LOAD',
          `${what} is a mixing network exported by \`mast export --with-mixer\` (agent Qs + state → Q_tot), not an agent`,
          {
            hint: 'evaluate, replay or inspect the agent file exported next to it (the same name without .mixer); the mixer only scores joint actions during training',
          },
        );
      }
      throw new ToolkitError(
        'E_ONNX_LOAD',
        `${what} has no 'mast.${key}' metadata, so it is not an agent exported by this toolkit`,
        {
          hint: 'for an agent exported from PyTorch (pymarl/EPyMARL), run `mast import <model.onnx> --env <id> --out <run>` then `mast export <run> -o agent.onnx`; for a run of this toolkit, `mast export <run> -o agent.onnx`',
        },
      );
    }
    return v;
  };
  const num = (key: AgentMetadataKey): number => parseNumber(what, `mast.${key}`, get(key));
  const count = (key: AgentMetadataKey, max = MAX_AGENT_WIDTH): number =>
    parseCount(what, `mast.${key}`, get(key), max);
  const inputLayout = parseInputLayout(what, get('input_layout'));
  const hidden = count('hidden');
  const nAgents = count('n_agents', MAX_AGENTS);
  if (
    nAgents * Math.max(hidden, inputLayout.obs + inputLayout.lastAction + inputLayout.agentId) >
    MAX_TENSOR_ELEMENTS
  ) {
    throw new ToolkitError(
      'E_ONNX_LOAD',
      `${what}: metadata declares ${nAgents} agents of width ${hidden}, beyond the limit of ${MAX_TENSOR_ELEMENTS} values per step`,
      { hint: 'export it again with `mast export`' },
    );
  }
  return {
    env: get('env'),
    algorithm: get('algorithm'),
    inputLayout,
    hidden,
    nActions: count('n_actions'),
    nAgents,
    sparsityMode: get('sparsity_mode'),
    // files from before mast.run_density existed recorded the run's budget (agent and mixer) as
    // mast.density: count the agent's weight matrices instead, so every file reports one definition
    density: props['mast.run_density'] !== undefined ? num('density') : inspectModel(model).totals.density,
    seed: num('seed'),
    trainedSteps: num('trained_steps'),
    configHash: get('config_hash'),
    toolkitVersion: get('toolkit_version'),
    trainFlopsRatio: props['mast.train_flops_ratio'] === undefined ? null : num('train_flops_ratio'),
  };
}

/**
 * Check that a model's graph has the agent signature its metadata promises: `inputs` [batch, In],
 * `h_in` [batch, H], outputs `q_values` [batch, A] and `h_out` [batch, H].
 * @throws ToolkitError (E_ONNX_LOAD) naming the mismatch.
 */
export function checkAgentSignature(model: ModelProto, meta: AgentModelMetadata, what = 'model'): void {
  const { obs, lastAction, agentId } = meta.inputLayout;
  const want: Record<string, number> = {
    [AGENT_IO.inputs]: obs + lastAction + agentId,
    [AGENT_IO.hIn]: meta.hidden,
    [AGENT_IO.qValues]: meta.nActions,
    [AGENT_IO.hOut]: meta.hidden,
  };
  const io = [...model.graph.input, ...model.graph.output];
  for (const [name, size] of Object.entries(want)) {
    const v = io.find((x) => x.name === name);
    if (!v)
      throw new ToolkitError(
        'E_ONNX_LOAD',
        `${what} has no '${name}' input or output, so it is not an agent network exported by this toolkit`,
        { hint: 'export the agent with `mast export`' },
      );
    if (v.type.tensorType.elemType !== DataType.FLOAT)
      throw new ToolkitError(
        'E_ONNX_LOAD',
        `${what}: '${name}' is of element type ${v.type.tensorType.elemType}; an agent network reads and writes FLOAT (1)`,
        { hint: 'export the agent with `mast export`' },
      );
    const dims = v.type.tensorType.shape?.dim ?? [];
    const last = dims[dims.length - 1]?.dimValue;
    if (dims.length !== 2 || (last !== undefined && Number(last) !== size)) {
      throw new ToolkitError(
        'E_ONNX_LOAD',
        `${what}: '${name}' has shape [${dims.map((d) => d.dimParam ?? d.dimValue ?? '?').join(', ')}] but its metadata implies [batch, ${size}]`,
        {
          hint: 'the model and its mast.* metadata disagree; export it again with `mast export`',
        },
      );
    }
  }
}
