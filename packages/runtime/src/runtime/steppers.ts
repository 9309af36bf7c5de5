/**
 * The two ways `OnnxPolicy` steps every agent, behind one interface (`AgentsStepper`): the row
 * graph on an engine (the policy assembles each agent's inputs and picks its greedy action over the
 * available ones) and the batch-agents graph on ONNX Runtime (the graph does both itself).
 */
import { ToolkitError } from '../util/errors.js';
import { fillAgentInputs } from '../snapshot/inputs.js';
import { greedyAction } from '../snapshot/actions.js';
import type { AgentEngine, AgentsStepInput, BatchAgentsRunner, AgentsStepper, StepperLayout } from './engine-types.js';

/** The row graph on an engine: one row per agent. */
export class EngineStepper implements AgentsStepper {
  private readonly inputs: Float32Array; // [N, In]
  private readonly allActions: Uint8Array; // [A] of 1, when no availability is given

  constructor(
    private readonly engine: AgentEngine,
    private readonly layout: StepperLayout,
  ) {
    const { obs, lastAction, agentId } = layout.inputLayout;
    this.inputs = new Float32Array(layout.nAgents * (obs + lastAction + agentId));
    this.allActions = new Uint8Array(layout.nActions).fill(1);
  }

  async step(input: AgentsStepInput, hidden: Float32Array, qOut: Float32Array): Promise<number[]> {
    const { nAgents: n, nActions: a } = this.layout;
    fillAgentInputs(this.layout.inputLayout, input.obs, input.lastActions, this.inputs);
    const pending = this.engine.runInto(this.inputs, hidden, n, qOut, hidden);
    if (pending) await pending; // the sparse engine has already finished
    const actions = new Array<number>(n);
    for (let i = 0; i < n; i++) actions[i] = greedyAction(qOut, i * a, input.avail?.[i] ?? this.allActions);
    return actions;
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

/** The batch-agents graph: observations, last actions and availability in; actions out. */
export class BatchAgentsStepper implements AgentsStepper {
  private readonly allActions: Uint8Array; // [A] of 1, when no availability is given

  constructor(
    private readonly session: BatchAgentsRunner,
    private readonly layout: StepperLayout,
  ) {
    this.allActions = new Uint8Array(layout.nActions).fill(1);
  }

  async step(input: AgentsStepInput, hidden: Float32Array, qOut: Float32Array): Promise<number[]> {
    const { nAgents: n, nActions: a } = this.layout;
    const o = this.layout.inputLayout.obs;
    const flatObs = new Float32Array(n * o); // [N, O]
    input.obs.forEach((v, i) => flatObs.set(v.subarray(0, o), i * o));
    const lastOneHot = new Float32Array(n * a); // [N, A]
    input.lastActions.forEach((act, i) => act >= 0 && (lastOneHot[i * a + act] = 1));
    const availFlat = new Float32Array(n * a); // [N, A]
    for (let i = 0; i < n; i++) (input.avail?.[i] ?? this.allActions).forEach((m, k) => (availFlat[i * a + k] = m));
    const out = await this.session.run(flatObs, lastOneHot, availFlat, hidden);
    if (out.hidden.length !== hidden.length)
      throw new ToolkitError(
        'E_ONNX_LOAD',
        `the batch-agents model returned ${out.hidden.length} hidden values for ${n} agents × ${hidden.length / n}`,
        { hint: 'export it again with `mast export --batch-agents`' },
      );
    hidden.set(out.hidden);
    qOut.set(out.qValues);
    return out.actions;
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
