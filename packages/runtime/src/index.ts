/**
 * `@mast-toolkit/runtime`'s public API (re-exports only): run agents exported by `mast export` in
 * Node, without TensorFlow.js. `OnnxPolicy` steps every agent of an environment on the sparse engine
 * (WebAssembly SIMD, no native dependency) or on ONNX Runtime (`engine: 'ort'`, when the optional
 * peer onnxruntime-node is installed); the ONNX reader, validator and agent-model contract check a
 * model before either engine sees it. The `internal/*` subpaths are the toolkit's own and may change
 * in any release.
 */
export * from './util/errors.js';
export { OnnxPolicy, type PolicyStep, type PolicyOptions } from './runtime/policy.js';
export {
  StatelessPolicy,
  type PolicyState,
  type StatelessStep,
  type StatelessDecision,
} from './runtime/stateless-policy.js';
export {
  StepBatcher,
  type StepBatcherOptions,
  type StepBatcherStats,
  type SessionStepper,
} from './runtime/step-batcher.js';
export { SparseAgentEngine, SPARSE_ENGINE_OPS } from './runtime/sparse-engine.js';
export {
  ENGINES,
  ENGINE_CHOICES,
  ORT_OPTIMIZATION_LEVELS,
  type EngineName,
  type EngineChoice,
  type AgentEngine,
  type AgentDims,
  type OrtSessionOptions,
} from './runtime/engine-types.js';
export { readModelBytes, readOnnxFile } from './onnx/read.js';
export { decodeModel } from './onnx/schema.js';
export { validateModel, OnnxValidationError, type ValidationRule } from './onnx/validate.js';
export { inspectModel, type ModelReport, type TensorReport } from './onnx/inspect.js';
export {
  readAgentMetadata,
  checkAgentSignature,
  isBatchAgentsGraph,
  AGENT_IO,
  BATCH_IO,
  AGENT_METADATA_KEYS,
  type AgentModelMetadata,
} from './onnx/agent-contract.js';
export {
  MAX_MODEL_BYTES,
  MAX_TENSOR_ELEMENTS,
  MAX_MODEL_ELEMENTS,
  MAX_TENSOR_RANK,
  MAX_GRAPH_NODES,
  MAX_AGENT_WIDTH,
  MAX_AGENTS,
} from './onnx/limits.js';
export type { ModelProto } from './onnx/types.js';
export type { InputLayout } from './snapshot/types.js';
