/**
 * The runtime's interfaces, types only (as onnxruntime's `inference-session.ts` sits beneath every
 * backend): the engine names, the sizes of the agent network an engine runs, what a policy needs
 * from an engine, and what it needs from whatever steps every agent at once. The engines
 * (`ort.ts`, `sparse-engine.ts`) implement these; the registry (`engine.ts`) picks one by name.
 */
import type { InputLayout } from '../snapshot/types.js';

/** Engine names. */
export const ENGINES = ['ort', 'sparse'] as const;
/** An engine name. */
export type EngineName = (typeof ENGINES)[number];
/** What a policy can ask for: an engine by name, or `auto`, the faster of the two on this model and machine. */
export const ENGINE_CHOICES = [...ENGINES, 'auto'] as const;
/** An engine name or `auto`. */
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** ONNX Runtime's graph optimisation levels, as its session options name them. */
export const ORT_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;

/**
 * ONNX Runtime session options a policy passes through to `InferenceSession.create` (the sparse
 * engine ignores them). Defaults: one intra-op and one inter-op thread (per-decision batches are
 * tiny, and one thread keeps results reproducible) and every graph optimisation (`all`).
 */
export interface OrtSessionOptions {
  /** Threads ONNX Runtime uses inside one operator; 0 lets it choose (one per core). */
  intraOpNumThreads?: number;
  /** Threads ONNX Runtime uses across operators; 0 lets it choose. */
  interOpNumThreads?: number;
  /** Graph optimisation level. */
  graphOptimizationLevel?: (typeof ORT_OPTIMIZATION_LEVELS)[number];
}

/** Sizes of the agent network an engine runs. */
export interface AgentDims {
  inputSize: number;
  hidden: number;
  nActions: number;
}

/** What a policy needs from an engine. */
export interface AgentEngine {
  readonly dims: AgentDims;
  /** One step for `batch` rows: inputs `[batch, In]`, hidden `[batch, H]` → Q `[batch, A]`, hidden `[batch, H]`. */
  run(
    inputs: Float32Array,
    hidden: Float32Array,
    batch: number,
  ): Promise<{ qValues: Float32Array; hidden: Float32Array }>;
  /**
   * {@link run} into caller-owned arrays, `qOut` `[batch, A]` and `hOut` `[batch, H]` (`hOut` may be
   * `hidden`), with no allocation on an engine that can avoid it. Returns nothing on an engine that
   * computes synchronously (the sparse engine), so a caller can skip the await.
   */
  runInto(
    inputs: Float32Array,
    hidden: Float32Array,
    batch: number,
    qOut: Float32Array,
    hOut: Float32Array,
  ): Promise<void> | void;
  close(): Promise<void>;
}

/**
 * The batch-agents graph on ONNX Runtime (`ort.ts`'s `BatchAgentsSession`): every agent's action in
 * one call. Declared here, beneath the adapter, so code that may run without onnxruntime-node (and
 * the runtime's published types) never names the adapter's module.
 */
export interface BatchAgentsRunner {
  readonly dims: AgentDims & { nAgents: number; obs: number; lastAction: boolean };
  /** obs `[N·O]`, one-hot last actions `[N·A]`, availability `[N·A]`, hidden `[N·H]` → actions, Q-values `[N·A]`, hidden `[N·H]`. */
  run(
    obs: Float32Array,
    lastAction: Float32Array,
    avail: Float32Array,
    hidden: Float32Array,
  ): Promise<{ actions: number[]; qValues: Float32Array; hidden: Float32Array }>;
  close(): Promise<void>;
}

/** One decision for every agent of an environment, as `OnnxPolicy` asks it. */
export interface AgentsStepInput {
  /** One observation per agent, `[N][O]`, already checked. */
  obs: readonly Float32Array[];
  /** Each agent's last action, −1 before its first. */
  lastActions: readonly number[];
  /** One availability mask per agent, `[N][A]` (1 = available); undefined: all available. */
  avail: readonly Uint8Array[] | undefined;
}

/**
 * Steps every agent at once: the row graph on an {@link AgentEngine} (the policy assembles the inputs
 * and picks greedy actions), or the batch-agents graph (the graph does both).
 */
export interface AgentsStepper {
  /**
   * One step: writes the Q-values into `qOut` `[N, A]` and the next hidden state into `hidden`
   * `[N, H]` (in place) and returns one greedy action per agent.
   */
  step(input: AgentsStepInput, hidden: Float32Array, qOut: Float32Array): Promise<number[]>;
  close(): Promise<void>;
}

/** The input layout and agent count a stepper assembles inputs for. */
export interface StepperLayout {
  inputLayout: InputLayout;
  nAgents: number;
  nActions: number;
}
