/**
 * `OnnxPolicy`: the deployment API. It loads an agent exported by `mast export`, keeps every agent's
 * hidden state and last action, and returns greedy actions over the available ones.
 *
 * @example
 * ```ts
 * import { OnnxPolicy } from 'mast-toolkit';
 * const policy = await OnnxPolicy.create('agent.onnx');  // or { engine: 'sparse' }
 * policy.reset();                                   // at the start of each episode
 * const actions = await policy.act(obs, avail);     // obs: Float32Array per agent, avail: Uint8Array per agent
 * await policy.close();
 * ```
 */
import { readFileSync, existsSync } from 'node:fs';
import { ToolkitError, ShapeError } from '../util/errors.js';
import { decodeModel } from '../onnx/schema.js';
import { validateModel } from '../onnx/validate.js';
import { checkAgentSignature, readAgentMetadata, type AgentModelMetadata } from '../onnx/export-agent.js';
import { fillAgentInputs } from '../snapshot/inputs.js';
import { greedyAction } from '../snapshot/actions.js';
import { createEngine, type AgentEngine, type EngineName } from './engine.js';

/** Options of {@link OnnxPolicy.create}. */
export interface PolicyOptions {
  /** `ort` (ONNX Runtime, default) or `sparse` (the toolkit's sparse engine: work ∝ nonzeros). */
  engine?: EngineName;
}

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
  private readonly inputs: Float32Array; // [N, In]

  private constructor(private readonly session: AgentEngine, readonly metadata: AgentModelMetadata, readonly engine: EngineName) {
    const n = metadata.nAgents;
    this.hidden = new Float32Array(n * metadata.hidden);
    this.lastActions = new Array<number>(n).fill(-1);
    this.inputs = new Float32Array(n * session.dims.inputSize);
  }

  /** Load a model exported by `mast export` (a path or its bytes) on the chosen engine. */
  static async create(model: string | Uint8Array, options: PolicyOptions = {}): Promise<OnnxPolicy> {
    const what = typeof model === 'string' ? model : 'model bytes';
    if (typeof model === 'string' && !existsSync(model)) throw new ToolkitError('E_ONNX_LOAD', `${model} does not exist`);
    const bytes = typeof model === 'string' ? new Uint8Array(readFileSync(model)) : model;
    const proto = decodeModel(bytes, what);
    validateModel(proto);
    const meta = readAgentMetadata(proto, what);
    checkAgentSignature(proto, meta, what);
    const { obs, lastAction, agentId } = meta.inputLayout;
    const engine = options.engine ?? 'ort';
    const session = await createEngine(engine, bytes, proto, { inputSize: obs + lastAction + agentId, hidden: meta.hidden, nActions: meta.nActions }, what);
    return new OnnxPolicy(session, meta, engine);
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
    const n = this.nAgents;
    const a = this.metadata.nActions;
    if (obs.length !== n) throw new ShapeError(`OnnxPolicy.step: got ${obs.length} observations for ${n} agents`);
    if (avail && (avail.length !== n || avail.some((m) => m.length !== a))) throw new ShapeError(`OnnxPolicy.step: avail must hold ${n} masks of length ${a}`);
    fillAgentInputs(this.metadata.inputLayout, obs, this.lastActions, this.inputs);
    const out = await this.session.run(this.inputs, this.hidden, n);
    this.hidden = new Float32Array(out.hidden);
    const all = new Uint8Array(a).fill(1);
    const actions = Array.from({ length: n }, (_, i) => greedyAction(out.qValues, i * a, avail?.[i] ?? all));
    this.lastActions = [...actions]; // a copy: reset() refills it, and the caller owns `actions`
    return { actions, qValues: new Float32Array(out.qValues) };
  }

  /** Greedy actions for every agent (see {@link step}). */
  async act(obs: readonly Float32Array[], avail?: readonly Uint8Array[]): Promise<number[]> {
    return (await this.step(obs, avail)).actions;
  }

  /** Release the ONNX Runtime session. */
  async close(): Promise<void> {
    await this.session.close();
  }
}
