/**
 * The two engines a policy can run on: ONNX Runtime (dense compute; sparse initializers are
 * densified on load) and the toolkit's sparse engine (work proportional to the nonzeros). Both
 * step the same `.onnx` agent graph with the same contract.
 */
import type { ModelProto } from '../onnx/types.js';
import { UnknownNameError } from '../util/errors.js';
import { AgentSession, type AgentDims } from './ort.js';
import { SparseAgentEngine } from './sparse-engine.js';

/** Engine names. */
export const ENGINES = ['ort', 'sparse'] as const;
/** An engine name. */
export type EngineName = (typeof ENGINES)[number];

/** What a policy needs from an engine. */
export interface AgentEngine {
  readonly dims: AgentDims;
  /** One step for `batch` rows: inputs `[batch, In]`, hidden `[batch, H]` → Q `[batch, A]`, hidden `[batch, H]`. */
  run(inputs: Float32Array, hidden: Float32Array, batch: number): Promise<{ qValues: Float32Array; hidden: Float32Array }>;
  /**
   * {@link run} into caller-owned arrays, `qOut` `[batch, A]` and `hOut` `[batch, H]` (`hOut` may be
   * `hidden`), with no allocation on an engine that can avoid it. Returns nothing on an engine that
   * computes synchronously (the sparse engine), so a caller can skip the await.
   */
  runInto(inputs: Float32Array, hidden: Float32Array, batch: number, qOut: Float32Array, hOut: Float32Array): Promise<void> | void;
  close(): Promise<void>;
}

/** Start `engine` on a model given as bytes and as its decoded, validated proto. */
export async function createEngine(engine: string, bytes: Uint8Array, proto: ModelProto, dims: AgentDims, what: string): Promise<AgentEngine> {
  if (engine === 'ort') return AgentSession.create(bytes, dims, what);
  if (engine === 'sparse') return SparseAgentEngine.fromModel(proto, dims, what);
  throw new UnknownNameError('engine', engine, ENGINES);
}
