/**
 * `OnnxPolicy`: the deployment API. It loads an agent exported by `mast export`, keeps every agent's
 * hidden state and last action, and returns greedy actions over the available ones.
 *
 * @example
 * ```ts
 * import { OnnxPolicy } from '@mast-toolkit/runtime';
 * const policy = await OnnxPolicy.create('agent.onnx');  // or { engine: 'sparse' }, or 'auto': the faster here
 * policy.reset();                                   // at the start of each episode
 * const actions = await policy.act(obs, avail);     // obs: Float32Array per agent, avail: Uint8Array per agent
 * await policy.close();
 * ```
 */
import type { AgentModelMetadata } from '../onnx/agent-contract.js';
import type { AgentsStepper, EngineName } from './engine-types.js';
import { BatchAgentsStepper, EngineStepper } from './steppers.js';
import { checkFinite, closedError, OUTPUT_HINT } from './guards.js';
import { loadAgent, type PolicyOptions } from './load-agent.js';
import { checkStepInput } from './step-input.js';

export type { PolicyOptions };

/** Decisions for one step. */
export interface PolicyStep {
  /** One greedy action per agent. */
  actions: number[];
  /** Q-values `[N, A]` row-major. */
  qValues: Float32Array;
}

/** A greedy multi-agent policy served by ONNX Runtime or the sparse engine. */
export class OnnxPolicy {
  private hidden: Float32Array; // [N, H]
  private lastActions: number[];
  private readonly lastQ: Float32Array; // [N, A], the last step's
  private readonly savedHidden: Float32Array; // [N, H], the hidden state before the current step
  private closed = false;

  private constructor(
    private readonly stepper: AgentsStepper,
    readonly metadata: AgentModelMetadata,
    readonly engine: EngineName,
    private readonly what: string,
    /** For `engine: 'auto'`: µs per decision of every agent each engine took at load (null otherwise). */
    readonly engineTimes: Record<EngineName, number> | null = null,
  ) {
    const n = metadata.nAgents;
    this.hidden = new Float32Array(n * metadata.hidden);
    this.lastActions = new Array<number>(n).fill(-1);
    this.lastQ = new Float32Array(n * metadata.nActions);
    this.savedHidden = new Float32Array(n * metadata.hidden);
  }

  /**
   * Load a model exported by `mast export` (a path or its bytes) on the chosen engine. Both engines
   * refuse the same models here: invalid ONNX, sizes beyond the documented limits, NaN/±Inf weights.
   */
  static async create(model: string | Uint8Array, options: PolicyOptions = {}): Promise<OnnxPolicy> {
    const { runner, metadata, engine, engineTimes, layout, what } = await loadAgent(model, options);
    const stepper =
      runner.kind === 'rows'
        ? new EngineStepper(runner.engine, layout)
        : new BatchAgentsStepper(runner.session, layout);
    return new OnnxPolicy(stepper, metadata, engine, what, engineTimes);
  }

  /** Number of agents the policy steps together. */
  get nAgents(): number {
    return this.metadata.nAgents;
  }

  /** Start a new episode: zero hidden states and last actions. */
  reset(): void {
    this.hidden.fill(0);
    this.lastActions.fill(-1);
  }

  /**
   * Decide for every agent and advance the hidden state.
   * @param obs one observation per agent (length `inputLayout.obs`)
   * @param avail one availability mask per agent (length nActions); all actions when omitted
   */
  async step(obs: readonly Float32Array[], avail?: readonly Uint8Array[]): Promise<PolicyStep> {
    const actions = await this.decide('step', obs, avail);
    return { actions, qValues: new Float32Array(this.lastQ) };
  }

  /** Greedy actions for every agent (see {@link step}), without copying out the Q-values. */
  async act(obs: readonly Float32Array[], avail?: readonly Uint8Array[]): Promise<number[]> {
    return this.decide('act', obs, avail);
  }

  /**
   * Q-values `[N, A]` (row-major) for every agent's observation, advancing the hidden state and
   * feeding back the greedy actions, as {@link step} does.
   */
  async qValues(obs: readonly Float32Array[], avail?: readonly Uint8Array[]): Promise<Float32Array> {
    await this.decide('qValues', obs, avail);
    return new Float32Array(this.lastQ);
  }

  /**
   * One step: fills `this.lastQ`, advances the hidden state and last actions, returns the actions.
   * @param caller the public method, named in shape errors
   */
  private async decide(
    caller: 'step' | 'act' | 'qValues',
    obs: readonly Float32Array[],
    avail?: readonly Uint8Array[],
  ): Promise<number[]> {
    const n = this.nAgents;
    const a = this.metadata.nActions;
    if (this.closed) throw closedError(`OnnxPolicy (${this.what})`);
    checkStepInput(this.metadata, `OnnxPolicy.${caller}`, obs, avail);
    this.savedHidden.set(this.hidden); // restored if the step's outputs are not finite
    const actions = await this.stepper.step({ obs, lastActions: this.lastActions, avail }, this.hidden, this.lastQ);
    try {
      checkFinite(this.lastQ, a, `OnnxPolicy.${caller}: the model's Q-values`, OUTPUT_HINT);
      checkFinite(
        this.hidden,
        this.metadata.hidden,
        `OnnxPolicy.${caller}: the model's next hidden state`,
        OUTPUT_HINT,
      );
    } catch (err) {
      this.hidden = new Float32Array(this.savedHidden);
      throw err;
    }
    for (let i = 0; i < n; i++) this.lastActions[i] = actions[i] as number; // the caller owns `actions`
    return actions;
  }

  /** Release the engine; afterwards every call throws `E_CLOSED` (a second close does nothing). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stepper.close();
  }
}
