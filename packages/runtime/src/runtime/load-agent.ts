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
import { chooseEngine } from './choose-engine.js';
import type {
  AgentDims,
  AgentEngine,
  BatchAgentsRunner,
  EngineChoice,
  EngineName,
  OrtSessionOptions,
  StepperLayout,
} from './engine-types.js';
import { loadOrt } from './load-ort.js';

/** Options of `OnnxPolicy.create` and `StatelessPolicy.create`. */
export interface PolicyOptions {
  /**
   * `ort` (ONNX Runtime, default), `sparse` (the toolkit's sparse engine: work ∝ nonzeros), or `auto`:
   * both timed on this model at load, the faster kept (`choose-engine.ts`; the sparse engine when
   * onnxruntime-node is not installed, ONNX Runtime for a batch-agents graph).
   */
  engine?: EngineChoice;
  /** ONNX Runtime session options (threads, graph optimisation level); ignored by the sparse engine. */
  ort?: OrtSessionOptions;
}

/** What steps a loaded agent: an engine over the row graph, or ONNX Runtime over the batch-agents graph. */
export type AgentRunner = { kind: 'rows'; engine: AgentEngine } | { kind: 'batch-agents'; session: BatchAgentsRunner };

/** An agent model loaded on an engine. */
export interface LoadedAgent {
  runner: AgentRunner;
  metadata: AgentModelMetadata;
  /** The engine it runs on (for `auto`, the one chosen). */
  engine: EngineName;
  /** For `auto`: µs per decision of every agent measured for each engine at load (null: not timed). */
  engineTimes: Record<EngineName, number> | null;
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
  const choice = options.engine ?? 'ort';
  const dims = { inputSize: obs + lastAction + agentId, hidden: metadata.hidden, nActions: metadata.nActions };
  const layout = { inputLayout: metadata.inputLayout, nAgents: metadata.nAgents, nActions: metadata.nActions };
  if (isBatchAgentsGraph(proto)) {
    if (choice === 'sparse')
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
    return {
      runner: { kind: 'batch-agents', session },
      metadata,
      engine: 'ort',
      engineTimes: null,
      dims,
      layout,
      what,
    };
  }
  checkAgentSignature(proto, metadata, what);
  if (choice === 'auto') {
    const chosen = await chooseEngine(bytes, proto, dims, metadata.nAgents, what, options.ort);
    const runner = { kind: 'rows' as const, engine: chosen.engine };
    return { runner, metadata, engine: chosen.name, engineTimes: chosen.microseconds, dims, layout, what };
  }
  return {
    runner: { kind: 'rows', engine: await createEngine(choice, bytes, proto, dims, what, options.ort) },
    metadata,
    engine: choice,
    engineTimes: null,
    dims,
    layout,
    what,
  };
}
