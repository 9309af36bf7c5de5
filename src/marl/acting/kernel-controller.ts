/**
 * A controller that steps the agent network on the WebAssembly kernels from weights handed over as
 * plain arrays, without tfjs: the acting thread's (`actor-worker.ts`). It computes what an
 * {@link AgentController} on the kernels computes from the same weights (the same kernel call on the
 * same compressed rows), so a round played in the thread is the round played in the main thread.
 */
import { AgentUnroll, type AgentMasks, type AgentWeights } from '../../kernels/agent-unroll.js';
import { fillAgentInputs } from '@mast-toolkit/runtime/internal/snapshot/inputs';
import type { RnnAgentArchitecture } from '@mast-toolkit/runtime/internal/snapshot/types';
import { inputSize } from '../../snapshot/validate.js';
import type { EpisodeController } from './select-actions.js';

/** The agent's weights in kernel memory, shared by the controllers of every environment. */
export class KernelAgent {
  readonly unroll: AgentUnroll;
  private masks: AgentMasks | null = null;

  constructor(readonly arch: RnnAgentArchitecture) {
    this.unroll = new AgentUnroll({ inputSize: inputSize(arch), hidden: arch.hidden, nActions: arch.nActions });
  }

  /** Place new weights: only their values when the masks are the ones placed last, else the compressed rows anew. */
  load(weights: AgentWeights, masks: AgentMasks): void {
    if (this.masks !== null && sameMasks(this.masks, masks)) this.unroll.loadValues(weights);
    else this.unroll.load(weights, masks);
    this.masks = masks;
  }
}

function sameMasks(a: AgentMasks, b: AgentMasks): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof AgentMasks>;
  for (const name of names) {
    const [x, y] = [a[name] ?? null, b[name] ?? null];
    if (x === null || y === null) {
      if (x !== y) return false;
    } else if (x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
  }
  return true;
}

/** Steps a {@link KernelAgent} for the agents of one environment, keeping their hidden states and last actions. */
export class KernelController implements EpisodeController {
  private hidden: Float32Array; // [N, H]
  private readonly lastActions: number[];
  private readonly inputs: Float32Array; // [N, In]

  constructor(
    private readonly agent: KernelAgent,
    readonly nAgents: number,
  ) {
    this.hidden = new Float32Array(nAgents * agent.arch.hidden);
    this.lastActions = new Array<number>(nAgents).fill(-1);
    this.inputs = new Float32Array(nAgents * inputSize(agent.arch));
  }

  reset(): void {
    this.hidden.fill(0);
    this.lastActions.fill(-1);
  }

  qValues(obs: readonly Float32Array[]): Float32Array {
    fillAgentInputs(this.agent.arch.inputLayout, obs, this.lastActions, this.inputs);
    const out = this.agent.unroll.step(this.inputs, this.hidden, this.nAgents);
    this.hidden = out.hidden;
    return out.q;
  }

  recordActions(actions: readonly number[]): void {
    actions.forEach((a, i) => (this.lastActions[i] = a));
  }
}
