/** The toolkit's public API (re-exports only). */
export { TOOLKIT_VERSION } from './version.js';
export * from '@mast-toolkit/runtime/internal/util/errors';
export { Rng, type RngState } from './util/rng.js';
export * from './config/index.js';
export * from './envs/index.js';
export * from './sparse/index.js';
export type {
  AgentSnapshot,
  RnnAgentArchitecture,
  InputLayout,
  SnapshotTensor,
  SnapshotMetadata,
} from '@mast-toolkit/runtime/internal/snapshot/types';
export { readSnapshot, writeSnapshot } from './snapshot/io.js';
export { storedParameters } from './snapshot/size.js';
export { referenceStep } from './snapshot/reference.js';
export { initBackend, BACKEND_NAMES, type BackendName } from './marl/backend.js';
export { train, type TrainOptions, type TrainSummary } from './marl/training/train.js';
export {
  compressConfig,
  compressionReport,
  type CompressTarget,
  type CompressionReport,
} from './marl/compress/compress.js';
export type { MetricsRow } from './marl/training/metrics.js';
export { runPaths, type RunPaths } from './run/run-dir.js';
export {
  exportAgent,
  exportAgentBytes,
  readAgentMetadata,
  type WeightFormat,
  type AgentModelMetadata,
} from './onnx/export-agent.js';
export { exportRun } from './onnx/export-run.js';
export { readOnnxFile, writeOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
export { inspectModel, type ModelReport, type TensorReport } from '@mast-toolkit/runtime/internal/onnx/inspect';
export { validateModel, OnnxValidationError, type ValidationRule } from '@mast-toolkit/runtime/internal/onnx/validate';
export { OnnxPolicy, type PolicyStep, type PolicyOptions } from '@mast-toolkit/runtime/internal/runtime/policy';
export {
  StatelessPolicy,
  type PolicyState,
  type StatelessStep,
  type StatelessDecision,
} from '@mast-toolkit/runtime/internal/runtime/stateless-policy';
export {
  StepBatcher,
  type StepBatcherOptions,
  type StepBatcherStats,
  type SessionStepper,
} from '@mast-toolkit/runtime/internal/runtime/step-batcher';
export { ORT_OPTIMIZATION_LEVELS, type OrtSessionOptions } from '@mast-toolkit/runtime/internal/runtime/engine-types';
export { SparseAgentEngine } from '@mast-toolkit/runtime/internal/runtime/sparse-engine';
export { ENGINES, type EngineName, type AgentEngine } from '@mast-toolkit/runtime/internal/runtime/engine';
export { ENGINE_CHOICES, type EngineChoice } from '@mast-toolkit/runtime/internal/runtime/engine-types';
export { evaluateOnnxAgent, type EvalOptions, type EvalReport } from './verify/eval.js';
export { agentFlops, linearFlops, type FlopCount } from './onnx/flops.js';
export type { ParityReport } from './verify/parity.js';
export { recordReplay, type EpisodeReplay } from './verify/replay.js';
export { replaySvg, replayHtml } from './verify/replay-svg.js';
