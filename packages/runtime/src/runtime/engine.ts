/**
 * The engine registry: the two engines a policy can run on, ONNX Runtime (dense compute; sparse
 * initializers are densified on load) and the toolkit's sparse engine (work proportional to the
 * nonzeros). Both step the same `.onnx` agent graph with the same contract (`engine-types.ts`).
 * ONNX Runtime is loaded only when asked for (`load-ort.ts`): it is an optional dependency.
 */
import type { ModelProto } from '../onnx/types.js';
import { UnknownNameError } from '../util/errors.js';
import { loadOrt } from './load-ort.js';
import { SparseAgentEngine } from './sparse-engine.js';
import { ENGINES, type AgentDims, type AgentEngine, type EngineName, type OrtSessionOptions } from './engine-types.js';

export { ENGINES, type AgentEngine, type EngineName } from './engine-types.js';

/** Starts an engine on a model given as bytes and as its decoded, validated proto (`ort`: ONNX Runtime's session options). */
type EngineFactory = (
  bytes: Uint8Array,
  proto: ModelProto,
  dims: AgentDims,
  what: string,
  ort: OrtSessionOptions,
) => Promise<AgentEngine> | AgentEngine;

/** Every engine by name. */
const REGISTRY: Record<EngineName, EngineFactory> = {
  ort: async (bytes, _proto, dims, what, ort) =>
    (await loadOrt()).AgentSession.create(bytes, dims, what, undefined, ort),
  sparse: (_bytes, proto, dims, what) => SparseAgentEngine.fromModel(proto, dims, what),
};

/**
 * Start `engine` on a model given as bytes and as its decoded, validated proto.
 * @param ort ONNX Runtime session options (threads, graph optimisation level); the sparse engine ignores them.
 */
export async function createEngine(
  engine: string,
  bytes: Uint8Array,
  proto: ModelProto,
  dims: AgentDims,
  what: string,
  ort: OrtSessionOptions = {},
): Promise<AgentEngine> {
  if (!Object.hasOwn(REGISTRY, engine)) throw new UnknownNameError('engine', engine, ENGINES);
  return REGISTRY[engine as EngineName](bytes, proto, dims, what, ort);
}
