/**
 * The agent network's unroll over a batch as one differentiable tfjs op backed by the WebAssembly
 * kernels (`src/kernels/agent-unroll.ts`): the forward pass and backpropagation through time run on
 * compressed sparse rows, so their work is proportional to the stored weights. tfjs sees one node
 * whose gradient function returns the parameters' gradients (zero at masked positions, like the
 * masked gradients of the tfjs path); the mixer, the targets and the optimizer stay in tfjs.
 *
 * The weights stay in kernel memory between calls: they are read from the parameter store again
 * only when a parameter was assigned since (tfjs gives an assigned variable new data), and the
 * compressed rows are rebuilt only when a mask changed (a topology update); otherwise only the
 * stored values are refreshed. The target network, assigned only at target syncs, is not read at all
 * between them.
 */
import * as tf from '@tensorflow/tfjs';
import { AgentUnroll, type AgentMasks, type AgentWeights } from '../../kernels/agent-unroll.js';
import { inputSize } from '../../snapshot/validate.js';
import type { RnnAgent } from './agent.js';
import type { ParamStore } from './params.js';
import { residentRefresh, type ResidentKey } from './resident-weights.js';

const PARAMS = [
  'fc1.weight',
  'fc1.bias',
  'gru.weightIh',
  'gru.weightHh',
  'gru.biasIh',
  'gru.biasHh',
  'fc2.weight',
  'fc2.bias',
] as const;
const MASKED = ['fc1.weight', 'gru.weightIh', 'gru.weightHh', 'fc2.weight'] as const;

/**
 * What an agent's kernel copy must be loaded from: the masks (none with `allPositions`, RigL's dense
 * gradient) and the parameters' data, by identity (`resident-weights.ts`).
 */
export function agentResidentKey(params: ParamStore, allPositions: boolean): ResidentKey {
  const masks = MASKED.map((name) => (allPositions ? null : params.mask(name)));
  return { layout: [allPositions, ...masks], data: PARAMS.map((name) => params.get(name).dataId) };
}

/** The agent's weights and the masks of `key` (from {@link agentResidentKey}) for `AgentUnroll.load`. */
export function agentKernelWeights(params: ParamStore, key: ResidentKey): { weights: AgentWeights; masks: AgentMasks } {
  const weights = Object.fromEntries(
    PARAMS.map((name) => [name, params.get(name).dataSync() as Float32Array]),
  ) as unknown as AgentWeights;
  const masks = Object.fromEntries(MASKED.map((name, i) => [name, key.layout[i + 1] as Uint8Array | null]));
  return { weights, masks: masks as AgentMasks };
}

/** Unrolls one agent network (online or target) with the kernels; holds its kernel memory. */
export class FusedAgentUnroll {
  private readonly unroller: AgentUnroll;
  private loaded: ResidentKey | null = null;

  constructor(private readonly agent: RnnAgent) {
    this.unroller = new AgentUnroll({
      inputSize: inputSize(agent.arch),
      hidden: agent.arch.hidden,
      nActions: agent.arch.nActions,
    });
  }

  /**
   * Bring the kernel's weights up to date with the agent's parameters: nothing to do when none was
   * assigned since the last call, the stored values only when the masks are the same ones, else the
   * compressed rows anew. `allPositions` stores every position (RigL's dense gradient).
   */
  private sync(allPositions = false): void {
    const now = agentResidentKey(this.agent.params, allPositions);
    const refresh = residentRefresh(this.loaded, now);
    if (refresh === 'none') return;
    const { weights, masks } = agentKernelWeights(this.agent.params, now);
    if (refresh === 'values') this.unroller.loadValues(weights);
    else this.unroller.load(weights, masks);
    this.loaded = now;
  }

  /** The tfjs op around a kernel forward (`run`, after the weights are synced) and its backward. */
  private op<T extends tf.Tensor>(
    denseGradient: boolean,
    shape: number[],
    run: () => Float32Array,
    back: (dy: Float32Array) => AgentWeights,
    extra: tf.Tensor[],
  ): T {
    const f = tf.customGrad(((...inputs: tf.Tensor[]) => {
      this.sync(denseGradient);
      const params = inputs.slice(extra.length);
      return {
        value: tf.tensor(run(), shape, 'float32'),
        gradFunc: (dy: tf.Tensor) => {
          const g = back(dy.dataSync() as Float32Array);
          return [
            ...extra.map((x) => tf.zerosLike(x)),
            ...PARAMS.map((name, i) => tf.tensor(g[name], (params[i] as tf.Tensor).shape)),
          ];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return f(...extra, ...PARAMS.map((name) => this.agent.params.get(name))) as T;
  }

  /**
   * Q-values `[T, R, A]` of R rows over T steps from zero hidden states, differentiable with respect
   * to the agent's parameters (not the inputs).
   * @param inputs `[T, R, In]`
   * @param denseGradient differentiate at every position, pruned ones included (RigL's grow score;
   *   pruned weights are zero, so the values are unchanged, but the work is dense).
   */
  apply(inputs: tf.Tensor3D, denseGradient = false): tf.Tensor3D {
    const [steps, rows] = inputs.shape;
    const u = this.unroller;
    return this.op(
      denseGradient,
      [steps, rows, this.agent.arch.nActions],
      () => u.forwardLoaded(inputs.dataSync() as Float32Array, steps, rows),
      (dy) => u.backward(dy),
      [inputs],
    );
  }

  /**
   * {@link apply} over inputs packed feature-major (`batchAgentInputsPacked`), with Q in the
   * learner's batch-major layout: no transposes and no copy of the inputs through tfjs.
   * @param packed `[T, In, lanes]`; @param rows episodes × agents
   * @returns Q `[episodes, T, agents, A]`
   */
  applyPacked(packed: Float32Array, steps: number, rows: number, agents: number, denseGradient = false): tf.Tensor4D {
    const u = this.unroller;
    return this.op(
      denseGradient,
      [rows / agents, steps, agents, this.agent.arch.nActions],
      () => u.forwardPacked(packed, steps, rows, agents),
      (dy) => u.backwardPacked(dy, agents),
      [],
    );
  }

  /**
   * {@link forwardPacked} on plain arrays (the array update, `compute: arrays`): Q `[episodes,
   * T − firstStep, agents, A]`; from step 0 the activations stay for {@link backwardPackedArrays}.
   * @param denseGradient as in {@link applyPacked}
   * @param out where to write Q, reused across calls (`AgentUnroll.forwardPacked`)
   */
  forwardPackedArrays(
    packed: Float32Array,
    steps: number,
    rows: number,
    agents: number,
    firstStep = 0,
    denseGradient = false,
    out?: Float32Array,
  ): Float32Array {
    this.sync(denseGradient);
    return this.unroller.forwardPacked(packed, steps, rows, agents, firstStep, out);
  }

  /**
   * Every parameter's gradient from ∂L/∂Q `[episodes, T, agents, A]` of the last
   * {@link forwardPackedArrays} from step 0 (zero at pruned positions unless it differentiated densely),
   * into `out`'s arrays when given (reused across calls).
   */
  backwardPackedArrays(dq: Float32Array, agents: number, out?: AgentWeights): AgentWeights {
    return this.unroller.backwardPacked(dq, agents, out);
  }

  /** Read the agent's current weights for {@link step}. */
  load(): void {
    this.sync();
  }

  /**
   * One step for R rows from their hidden states with the weights of the last {@link load} (acting).
   * @param inputs `[R, In]`; @param hidden `[R, H]`
   */
  step(inputs: Float32Array, hidden: Float32Array, rows: number): { q: Float32Array; hidden: Float32Array } {
    return this.unroller.step(inputs, hidden, rows);
  }

  /** Q-values `[T, R, A]` without a gradient (the target network). */
  forward(inputs: Float32Array, steps: number, rows: number): tf.Tensor3D {
    this.sync();
    return tf.tensor3d(this.unroller.forwardLoaded(inputs, steps, rows), [steps, rows, this.agent.arch.nActions]);
  }

  /**
   * {@link forward} over packed inputs, as {@link applyPacked}, without a gradient: Q `[episodes,
   * T − firstStep, agents, A]` from step `firstStep` on (the target network's from step 1).
   */
  forwardPacked(packed: Float32Array, steps: number, rows: number, agents: number, firstStep = 0): tf.Tensor4D {
    this.sync();
    return tf.tensor4d(this.unroller.forwardPacked(packed, steps, rows, agents, firstStep), [
      rows / agents,
      steps - firstStep,
      agents,
      this.agent.arch.nActions,
    ]);
  }
}
