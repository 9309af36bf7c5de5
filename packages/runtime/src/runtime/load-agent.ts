/**
 * Loading an exported agent for deployment, shared by the stateful `OnnxPolicy` and the stateless
 * `StatelessPolicy`: read the bytes, decode, validate, read the `mast.*` metadata, refuse non-finite
 * weights, then start what steps it — an engine over the row graph (`[batch, In]` rows, any batch),
 * or ONNX Runtime over the batch-agents graph (one environment's agents per call).
 */
import { ToolkitError } from '../util/errors.js';
import { decodeModel } from '../onnx/schema.js';
import { readModelBytes } from '../onnx/read.js';
import { MAX_MODEL_BYTES } from '../onnx/limits.js';
import { checkFiniteConstants } from '../onnx/constants.js';
import { validateModel } from '../onnx/validate.js';
import {
  checkAgentSignature,
  isBatchAgentsGraph,
  readAgentMetadata,
  type AgentModelMetadata,
} from '../onnx/agent-contract.js';
import { createEngine } from './engine.js';
import type {
  AgentDims,
  AgentEngine,
  BatchAgentsRunner,
  EngineName,
  OrtSessionOptions,
  StepperLayout,
} from './engine-types.js';
import { loadOrt } from './load-ort.js';

/** Options of `OnnxPolicy.create` and `StatelessPolicy.create`. */
export interface PolicyOptions {
  /** `ort` (ONNX Runtime, default) or `sparse` (the toolkit's sparse engine: work ∝ nonzeros). */
  engine?: EngineName;
  /** ONNX Runtime session options (threads, graph optimisation level); ignored by the sparse engine. */
  ort?: OrtSessionOptions;
}

/** What steps a loaded agent: an engine over the row graph, or ONNX Runtime over the batch-agents graph. */
export type AgentRunner = { kind: 'rows'; engine: AgentEngine } | { kind: 'batch-agents'; session: BatchAgentsRunner };

/** An agent model loaded on an engine. */
export interface LoadedAgent {
  runner: AgentRunner;
  metadata: AgentModelMetadata;
  engine: EngineName;
  /** Sizes of one row of the agent network. */
  dims: AgentDims;
  layout: StepperLayout;
  /** Names the model in errors (its path, or `model bytes`). */
  what: string;
}

/**
 * Load a model exported by `mast export` (a path or its bytes) on the chosen engine. Both engines
 * refuse the same models here: invalid ONNX, sizes beyond the documented limits, NaN/±Inf weights.
 */
export async function loadAgent(model: string | Uint8Array, options: PolicyOptions = {}): Promise<LoadedAgent> {
  const what = typeof model === 'string' ? model : 'model bytes';
  const bytes = typeof model === 'string' ? readModelBytes(model) : model;
  if (bytes.length > MAX_MODEL_BYTES)
    throw new ToolkitError(
      'E_ONNX_LOAD',
      `${what} is ${bytes.length} bytes; the limit for a model is ${MAX_MODEL_BYTES} bytes`,
      { hint: 'the toolkit runs agent networks of at most a few megabytes; check that these are the right bytes' },
    );
  const proto = decodeModel(bytes, what);
  validateModel(proto);
  const metadata = readAgentMetadata(proto, what);
  checkFiniteConstants(proto, what);
  const { obs, lastAction, agentId } = metadata.inputLayout;
  const engine = options.engine ?? 'ort';
  const dims = { inputSize: obs + lastAction + agentId, hidden: metadata.hidden, nActions: metadata.nActions };
  const layout = { inputLayout: metadata.inputLayout, nAgents: metadata.nAgents, nActions: metadata.nActions };
  if (isBatchAgentsGraph(proto)) {
    if (engine !== 'ort')
      throw new ToolkitError(
        'E_ONNX_LOAD',
        `${what} is a batch-agents graph (Concat, ArgMax), which only ONNX Runtime runs`,
        { hint: 'use --engine ort, or export without --batch-agents for the sparse engine' },
      );
    const session = await (
      await loadOrt()
    ).BatchAgentsSession.create(
      bytes,
      { ...dims, nAgents: metadata.nAgents, obs, lastAction: lastAction > 0 },
      what,
      options.ort,
    );
    return { runner: { kind: 'batch-agents', session }, metadata, engine, dims, layout, what };
  }
  checkAgentSignature(proto, metadata, what);
  return {
    runner: { kind: 'rows', engine: await createEngine(engine, bytes, proto, dims, what, options.ort) },
    metadata,
    engine,
    dims,
    layout,
    what,
  };
}
