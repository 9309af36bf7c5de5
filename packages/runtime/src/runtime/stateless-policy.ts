/**
 * `StatelessPolicy`: the serving form of a policy. It holds the loaded model and nothing of any
 * episode: each call takes a session's recurrent state (every agent's GRU hidden state and last
 * action) and returns the next one, so a server keeps thousands of sessions as small records and
 * steps many of them in one engine call (`stepMany`): on the row graph, S sessions of N agents are
 * S·N rows of one batch — the sparse engine's SIMD lanes batch sessions as they batch agents, and
 * ONNX Runtime runs once with the bigger batch.
 *
 * @example
 * ```ts
 * import { StatelessPolicy } from 'mast-toolkit';
 * const policy = await StatelessPolicy.create('agent.onnx', { engine: 'sparse' });
 * let state = policy.initialState();                       // at the start of each episode
 * const { actions, state: next } = await policy.step({ obs, avail, state });
 * state = next;                                            // the input state is never changed
 * const many = await policy.stepMany([{ obs, state: s1 }, { obs: obs2, state: s2 }]); // one engine call
 * ```
 */
import { ShapeError } from '../util/errors.js';
import type { AgentModelMetadata } from '../onnx/agent-contract.js';
import { fillAgentInputs } from '../snapshot/inputs.js';
import { greedyAction } from '../snapshot/actions.js';
import type { EngineName } from './engine-types.js';
import { BatchAgentsStepper } from './steppers.js';
import { checkFinite, closedError, OUTPUT_HINT } from './guards.js';
import { loadAgent, type LoadedAgent, type PolicyOptions } from './load-agent.js';
import { checkStepInput } from './step-input.js';

/** One session's recurrent state between two steps. */
export interface PolicyState {
  /** Every agent's GRU hidden state, `[N, H]` row-major. */
  readonly hidden: Float32Array;
  /** Every agent's last action, `[N]`; −1 before its first. */
  readonly lastActions: Int32Array;
}

/** One session's step: its observations, availability masks and state. */
export interface StatelessStep {
  /** One observation per agent, `[N][O]`. */
  obs: readonly Float32Array[];
  /** One availability mask per agent, `[N][A]` (nonzero = available); all actions when omitted. */
  avail?: readonly Uint8Array[];
  /** The state the previous step returned, or {@link StatelessPolicy.initialState}. */
  state: PolicyState;
}

/** One session's decision and its next state. */
export interface StatelessDecision {
  /** One greedy action per agent, among its available ones. */
  actions: number[];
  /** Q-values `[N, A]` row-major. */
  qValues: Float32Array;
  /** The state to pass to the session's next step (fresh arrays). */
  state: PolicyState;
}

/** A greedy multi-agent policy that keeps no episode state: many sessions share one loaded model. */
export class StatelessPolicy {
  private closed = false;
  private readonly batchStepper: BatchAgentsStepper | undefined;

  private constructor(private readonly loaded: LoadedAgent) {
    const r = loaded.runner;
    this.batchStepper = r.kind === 'batch-agents' ? new BatchAgentsStepper(r.session, loaded.layout) : undefined;
  }

  /** Load a model exported by `mast export` (a path or its bytes), as `OnnxPolicy.create` does. */
  static async create(model: string | Uint8Array, options: PolicyOptions = {}): Promise<StatelessPolicy> {
    return new StatelessPolicy(await loadAgent(model, options));
  }

  /** What the model records about itself (agents, actions, input layout, ...). */
  get metadata(): AgentModelMetadata {
    return this.loaded.metadata;
  }

  /** The engine that runs the model (for `engine: 'auto'`, the one chosen at load). */
  get engine(): EngineName {
    return this.loaded.engine;
  }

  /** For `engine: 'auto'`: µs per decision of every agent each engine took at load (null otherwise). */
  get engineTimes(): Record<EngineName, number> | null {
    return this.loaded.engineTimes;
  }

  /**
   * Whether {@link stepMany} runs its sessions in one engine call: true on the row graph (either
   * engine); false on a batch-agents graph (`mast export --batch-agents`), whose batch is one
   * environment's agents, so its sessions run one call each.
   */
  get batchesSessions(): boolean {
    return this.batchStepper === undefined;
  }

  /** The state at the start of an episode: zero hidden states, no last actions. */
  initialState(): PolicyState {
    const { nAgents: n, hidden: h } = this.loaded.metadata;
    return { hidden: new Float32Array(n * h), lastActions: new Int32Array(n).fill(-1) };
  }

  /** One session's step (see {@link stepMany}). */
  async step(input: StatelessStep): Promise<StatelessDecision> {
    return (await this.stepMany([input]))[0] as StatelessDecision;
  }

  /**
   * Step many sessions at once: on the row graph one engine call of `inputs.length × nAgents` rows.
   * Every input is checked before anything runs (shape, NaN/±Inf, no available action, a state of
   * the wrong size: the error names the session's index); the input states are never changed. On
   * the sparse engine each session's result is bit-for-bit what it gets stepped alone; on ONNX
   * Runtime, within float rounding (its kernels may sum in another order for another batch size).
   * @throws NumericError when a session's Q-values or next hidden state are not finite (no result is returned then).
   */
  async stepMany(inputs: readonly StatelessStep[]): Promise<StatelessDecision[]> {
    const { what, metadata: meta } = this.loaded;
    if (this.closed) throw closedError(`StatelessPolicy (${what})`);
    inputs.forEach((input, s) =>
      this.checkInput(input, inputs.length > 1 ? `StatelessPolicy.stepMany: session ${s}` : 'StatelessPolicy.step'),
    );
    if (inputs.length === 0) return [];
    const out = this.batchStepper ? await this.stepEach(inputs) : await this.stepRows(inputs);
    out.forEach((d, s) => {
      const who = inputs.length > 1 ? `StatelessPolicy.stepMany: session ${s}` : 'StatelessPolicy.step';
      checkFinite(d.qValues, meta.nActions, `${who}: the model's Q-values`, OUTPUT_HINT);
      checkFinite(d.state.hidden, meta.hidden, `${who}: the model's next hidden state`, OUTPUT_HINT);
    });
    return out;
  }

  private checkInput(input: StatelessStep, who: string): void {
    const { nAgents: n, hidden: h, nActions: a } = this.loaded.metadata;
    checkStepInput(this.loaded.metadata, who, input.obs, input.avail);
    const { hidden, lastActions } = input.state;
    if (!(hidden instanceof Float32Array) || hidden.length !== n * h)
      throw new ShapeError(`${who}: state.hidden must be a Float32Array of ${n}×${h} values`);
    if (!(lastActions instanceof Int32Array) || lastActions.length !== n)
      throw new ShapeError(`${who}: state.lastActions must be an Int32Array of ${n} actions`);
    checkFinite(hidden, h, `${who}: state.hidden`);
    lastActions.forEach((act, i) => {
      if (act < -1 || act >= a)
        throw new RangeError(
          `${who}: state.lastActions[${i}] is ${act}; it must be −1 (none yet) or an action in [0, ${a})`,
        );
    });
  }

  /** The row graph: every session's agents as rows of one engine call. */
  private async stepRows(inputs: readonly StatelessStep[]): Promise<StatelessDecision[]> {
    const { dims, layout, runner } = this.loaded;
    const engine = (runner as Extract<typeof runner, { kind: 'rows' }>).engine;
    const { nAgents: n, nActions: a } = layout;
    const h = dims.hidden;
    const rows = inputs.length * n;
    const rowInputs = new Float32Array(rows * dims.inputSize); // [S·N, In]
    const hiddenIn = new Float32Array(rows * h); // [S·N, H]
    inputs.forEach((input, s) => {
      fillAgentInputs(layout.inputLayout, input.obs, Array.from(input.state.lastActions), rowInputs, s * n);
      hiddenIn.set(input.state.hidden, s * n * h);
    });
    const q = new Float32Array(rows * a); // [S·N, A]
    const hiddenOut = new Float32Array(rows * h); // [S·N, H]
    const pending = engine.runInto(rowInputs, hiddenIn, rows, q, hiddenOut);
    if (pending) await pending; // the sparse engine has already finished
    const allActions = new Uint8Array(a).fill(1);
    return inputs.map((input, s) => {
      const qValues = q.slice(s * n * a, (s + 1) * n * a); // [N, A]
      const actions = Array.from({ length: n }, (_, i) => greedyAction(qValues, i * a, input.avail?.[i] ?? allActions));
      return {
        actions,
        qValues,
        state: { hidden: hiddenOut.slice(s * n * h, (s + 1) * n * h), lastActions: Int32Array.from(actions) },
      };
    });
  }

  /** The batch-agents graph: one call per session. */
  private async stepEach(inputs: readonly StatelessStep[]): Promise<StatelessDecision[]> {
    const { nAgents: n, nActions: a } = this.loaded.layout;
    const out: StatelessDecision[] = [];
    for (const input of inputs) {
      const hidden = new Float32Array(input.state.hidden); // [N, H], stepped in place
      const qValues = new Float32Array(n * a); // [N, A]
      const actions = await (this.batchStepper as BatchAgentsStepper).step(
        { obs: input.obs, lastActions: Array.from(input.state.lastActions), avail: input.avail },
        hidden,
        qValues,
      );
      out.push({ actions, qValues, state: { hidden, lastActions: Int32Array.from(actions) } });
    }
    return out;
  }

  /** Release the engine; afterwards every call throws `E_CLOSED` (a second close does nothing). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const r = this.loaded.runner;
    await (r.kind === 'rows' ? r.engine.close() : r.session.close());
  }
}
