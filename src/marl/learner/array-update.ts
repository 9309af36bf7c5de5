/**
 * The learner update without tfjs (`compute: arrays`: every learner, QMIX, VDN, OW-/CW-QMIX and
 * RES-QMIX): the same update as `QLearner.train`'s, on plain arrays and the WebAssembly kernels end
 * to end.
 *
 *   agent unroll (kernels, online and target) → chosen Q → next-step values (max, double Q or Soft
 *   Mellowmax, `operators.ts`'s definitions) → target mixer (RES: over each row's joint-action variants,
 *   softmax-weighted; WQMIX: the target central critic) → `tdTargets` → masked mean TD² loss (RES:
 *   + λ·(Q_tot − G_t)²; WQMIX: each sample's TD² weighted, + the critic's (Q̂* − y)²) →
 *   ∂L/∂Q_tot → mixer backward (`qmix-arrays.ts`) → ∂Q → agent backward through time (kernels);
 *   ∂L/∂Q̂* → critic backward (`central-arrays.ts`) → masked gradients → global-norm clipping and
 *   Adam/RMSprop (kernels) → the new weights assigned to the parameter stores' variables, which stay
 *   the truth for checkpoints, export and target syncs.
 *
 * Results equal the tfjs/kernels update's within float rounding, not bit for bit: the mixing
 * products, softmaxes and the loss are summed in another order (and partly in f64).
 *
 * With a second thread (`updateThreads: 2`, `update-thread.ts`) the batch's episodes are cut in two
 * fixed halves: the worker runs the agent unroll (both forwards, then the backward through time) for
 * the second half while this thread runs it for the first; the mixer, targets, loss, clipping and
 * optimizer stay here, and the worker's agent gradients are added to this thread's (this thread's +
 * the worker's) before clipping. Q and ∂Q are batch-major, so each half is one contiguous slice of the
 * shared buffers. Deterministic for a thread count; 1 and 2 threads sum the agent's gradients over
 * the lanes in another order, so they agree within float rounding.
 */
import type { TrainConfig, ReturnKind, MixerName } from '../../config/types.js';
import { NumericError } from '@mast-toolkit/runtime/internal/util/errors';
import type { InputLayout } from '@mast-toolkit/runtime/internal/snapshot/types';
import type { EpisodeBatch } from '../replay/episode.js';
import type { FusedAgentUnroll } from '../nets/fused-agent.js';
import type { AgentWeights } from '../../kernels/agent-unroll.js';
import type { ParamStore } from '../nets/params.js';
import { batchAgentInputsPacked } from '../nets/batch-inputs.js';
import type { ArrayMixer } from '../mixers/types.js';
import { QmixArrays } from '../mixers/qmix-arrays.js';
import { VdnArrays } from '../mixers/vdn-arrays.js';
import type { CentralCriticArrays } from '../mixers/central-arrays.js';
import type { Optimizer } from './optimizer.js';
import { UNAVAILABLE_Q } from './operators.js';
import { lambdaReturns, tdTargets } from './returns.js';
import { ResBootstrapArrays } from './res-arrays.js';
import { LEARNERS, type LearnerKind } from '../../config/learners.js';
import { greedyAction as greedyAvailable } from '@mast-toolkit/runtime/internal/snapshot/actions';
import type { UpdateContext, UpdateResult } from './update-types.js';
import { sharedFloats, type UpdateThread, type WeightTraffic } from './update-thread.js';

/** The array form of mixer `name` over `store` (the online or the target mixer's). */
export function createArrayMixer(name: MixerName, store: ParamStore, nAgents: number): ArrayMixer {
  return name === 'qmix' ? new QmixArrays(store, nAgents) : new VdnArrays(nAgents);
}

/** The networks one array update runs. */
export interface ArrayNets {
  agent: FusedAgentUnroll;
  target: FusedAgentUnroll;
  mixer: ArrayMixer;
  targetMixer: ArrayMixer;
  /** WQMIX's central critic Q̂* and its target (absent for the other learners). */
  critic?: CentralCriticArrays;
  targetCritic?: CentralCriticArrays;
}

/** Per-batch-shape buffers, reused while episodes and their padded length stay the same. */
interface Buffers {
  key: string;
  targetQs: Float32Array; // [B, T, N, A]
  qs: Float32Array; // [B, T+1, N, A]
  chosen: Float32Array; // [B, T, N]
  next: Float32Array; // [B, T, N]
  statesNow: Float32Array; // [B, T, S]
  statesNext: Float32Array; // [B, T, S]
  dqTot: Float32Array; // [B, T]
  dq: Float32Array; // [B, T+1, N, A]
  greedy: Uint8Array; // [B, T]
  greedyQ: Float32Array; // [B, T, N], each agent's largest available Q (CW-QMIX)
}

/** log Σ exp(x_k) over `x[from .. from + count)`, stably. */
function logSumExp(x: Float64Array, count: number): number {
  let m = -Infinity;
  for (let k = 0; k < count; k++) m = Math.max(m, x[k] as number);
  let sum = 0;
  for (let k = 0; k < count; k++) sum += Math.exp((x[k] as number) - m);
  return m + Math.log(sum);
}

/**
 * Index of the largest available Q in `q[at .. at + A)` (the first on ties, as tfjs's argMax over
 * {@link UNAVAILABLE_Q}-masked values; action 0 where none is available, as that argMax gives).
 */
function greedyAction(q: Float32Array, at: number, avail: Uint8Array, availAt: number, a: number): number {
  return Math.max(0, greedyAvailable(q, at, avail, availAt, a));
}

/**
 * Run this thread's half of work the worker is doing the other half of; if it throws, wait out the
 * worker's answer first (`UpdateThread.settle`), so the error reported is this one and the worker is
 * free for the next update.
 */
function whileWorkerRuns<T>(worker: UpdateThread | null, half: () => T): T {
  try {
    return half();
  } catch (err) {
    worker?.settle();
    throw err;
  }
}

/** The QMIX/VDN/WQMIX/RES-QMIX update on plain arrays and the kernels. */
export class ArrayUpdate {
  private packed: Float32Array | null = null;
  private buffers: Buffers | null = null;
  private readonly scratch: [Float64Array, Float64Array];
  private readonly agentGrads: AgentWeights; // the agent's gradients, rewritten by every backward
  private readonly kind: LearnerKind;
  private readonly res = new ResBootstrapArrays();

  constructor(
    private readonly config: TrainConfig,
    private readonly nets: ArrayNets,
    private readonly optimizer: Optimizer,
    private readonly stores: Record<string, ParamStore>,
    private readonly layout: InputLayout,
    nActions: number,
    private readonly thread: UpdateThread | null = null,
  ) {
    this.kind = LEARNERS[config.alg];
    this.scratch = [new Float64Array(nActions), new Float64Array(nActions)];
    const agent = stores['agent'] as ParamStore;
    this.agentGrads = Object.fromEntries(
      agent.names().map((name) => [name, new Float32Array(agent.get(name).size)]),
    ) as unknown as AgentWeights;
  }

  private buffersFor(b: number, t: number, n: number, a: number, s: number): Buffers {
    const key = `${b}/${t}/${n}/${a}/${s}`;
    if (this.buffers?.key === key) return this.buffers;
    const shared = (size: number): Float32Array => (this.thread ? sharedFloats(size) : new Float32Array(size)); // what the worker writes or reads
    this.buffers = {
      key,
      targetQs: shared(b * t * n * a),
      qs: shared(b * (t + 1) * n * a),
      chosen: new Float32Array(b * t * n),
      next: new Float32Array(b * t * n),
      statesNow: new Float32Array(b * t * s),
      statesNext: new Float32Array(b * t * s),
      dqTot: new Float32Array(b * t),
      dq: shared(b * (t + 1) * n * a),
      greedy: new Uint8Array(b * t),
      greedyQ: new Float32Array(b * t * n),
    };
    return this.buffers;
  }

  /**
   * Each agent's bootstrap value from its next-step Q-values (target `tq` at `tAt`, online `oq` at
   * `oAt`, availability at `avAt`): the max, double Q's online-greedy action valued by the target, or
   * Soft Mellowmax (`operators.ts`).
   */
  private nextValue(
    tq: Float32Array,
    tAt: number,
    oq: Float32Array,
    oAt: number,
    av: Uint8Array,
    avAt: number,
    a: number,
  ): number {
    const { operator, omega, alpha } = this.config.targets;
    if (operator === 'soft-mellowmax') {
      const [z, ex] = this.scratch;
      let m = -Infinity;
      for (let k = 0; k < a; k++) {
        const q = tq[tAt + k] as number;
        const masked = av[avAt + k] ? q : UNAVAILABLE_Q;
        m = Math.max(m, masked);
        z[k] = av[avAt + k] ? Math.fround(alpha * q) : UNAVAILABLE_Q;
      }
      const lse = logSumExp(z, a);
      for (let k = 0; k < a; k++) {
        const masked = av[avAt + k] ? (tq[tAt + k] as number) : UNAVAILABLE_Q;
        ex[k] = (z[k] as number) - lse + omega * (masked - m);
      }
      return m + logSumExp(ex, a) / omega;
    }
    if (this.config.doubleQ) return tq[tAt + greedyAction(oq, oAt, av, avAt, a)] as number;
    let m = -Infinity;
    for (let k = 0; k < a; k++) m = Math.max(m, av[avAt + k] ? (tq[tAt + k] as number) : UNAVAILABLE_Q);
    return m;
  }

  /**
   * V(s_{t+1}) `[B·T]` from the per-agent next values `next` `[B·T, N]`: the target mixer (QMIX, VDN),
   * the target central critic (WQMIX) or RES's softmax over joint-action variants.
   */
  private bootstrap(
    next: Float32Array,
    targetQs: Float32Array,
    avail: Uint8Array,
    statesNext: Float32Array,
    dims: { b: number; t: number; n: number; a: number },
  ): Float32Array {
    const bt = dims.b * dims.t;
    if (this.kind.bootstrap === 'res-softmax')
      return this.res.value(this.nets.targetMixer, next, targetQs, avail, statesNext, dims, this.config.res.beta);
    if (this.kind.bootstrap === 'target-critic' && this.nets.targetCritic)
      return this.nets.targetCritic.forward(next, statesNext, bt);
    return this.nets.targetMixer.forward(next, statesNext, bt);
  }

  /**
   * WQMIX's per-sample weights of the QMIX loss `[B·T]` (null for the other learners), from values
   * that carry no gradient (the tfjs path's `sampleWeights`). OW: 1 where Q_tot < y, else w. CW: 1
   * where the taken joint action is the greedy one (`greedy`) or y exceeds Q̂*(s, greedy) (the online
   * critic over each agent's largest available Q, `greedyQ` `[B·T, N]`), else w.
   */
  private sampleWeights(
    qTot: Float32Array,
    y: Float32Array,
    greedy: Uint8Array,
    greedyQ: Float32Array,
    states: Float32Array,
    rows: number,
    dense: boolean,
  ): Float32Array | null {
    const { weighting } = this.kind;
    const { owWeight, cwWeight } = this.config.wqmix;
    if (weighting === 'ow') return qTot.map((q, r) => (q < (y[r] as number) ? 1 : owWeight));
    if (weighting !== 'cw' || !this.nets.critic) return null;
    const qStar = this.nets.critic.forward(greedyQ, states, rows, dense); // Q̂*(s, greedy) [B·T]
    return qStar.map((v, r) => (greedy[r] || (y[r] as number) > v ? 1 : cwWeight));
  }

  /**
   * The central critic's gradients from its regression onto the targets, mean (Q̂* − y)² over the
   * `count` filled steps, through the critic's last forward (whose values are `critic` `[B·T]`).
   */
  private criticBackward(
    critic: Float32Array,
    y: Float32Array,
    filled: Uint8Array,
    count: number,
  ): Record<string, Float32Array> {
    const dValue = critic.map((v, r) => (filled[r] ? (2 * (v - (y[r] as number))) / count : 0)); // [B·T]
    return (this.nets.critic as CentralCriticArrays).backward(dValue);
  }

  /**
   * Both agents' forward passes into `targetQs` `[B, T, N, A]` and `qs` `[B, T+1, N, A]`. With a second
   * thread this thread takes episodes [0, half) and the worker [half, B), each writing its own slice
   * (both are batch-major); a batch of one episode stays here.
   * @returns where the worker's episodes start in `qs` (and so in ∂Q), and the worker; `qAt` is
   *   `qs.length` and the worker null when this thread took every episode
   */
  private agentsForward(
    batch: EpisodeBatch,
    dense: boolean,
    targetQs: Float32Array,
    qs: Float32Array,
  ): { qAt: number; worker: UpdateThread | null } {
    const { size: b, maxT: t, info } = batch;
    const { nAgents: n, nActions: a } = info;
    const half = this.thread && b >= 2 ? Math.ceil(b / 2) : b;
    const worker = half < b ? this.thread : null;
    const [qAt, targetAt] = [half * (t + 1) * n * a, half * t * n * a];
    worker?.startForward(
      batch,
      this.layout,
      { from: half, to: b },
      qs.subarray(qAt),
      targetQs.subarray(targetAt),
      dense,
    );
    const mine = { from: 0, to: half };
    whileWorkerRuns(worker, () => {
      const packed = batchAgentInputsPacked(batch, this.layout, this.packed ?? undefined, mine); // [T+1, In, lanes]
      this.packed = packed;
      this.nets.target.forwardPackedArrays(packed, t + 1, half * n, n, 1, false, targetQs.subarray(0, targetAt));
      this.nets.agent.forwardPackedArrays(packed, t + 1, half * n, n, 0, dense, qs.subarray(0, qAt));
    });
    worker?.finish();
    return { qAt, worker };
  }

  /**
   * The online agent's gradients from ∂Q `[B, T+1, N, A]` of {@link agentsForward}'s episodes: this
   * thread's half and the worker's at once, then the worker's added to this thread's (in that order).
   */
  private agentsBackward(
    dq: Float32Array,
    agents: number,
    { qAt, worker }: { qAt: number; worker: UpdateThread | null },
  ): Record<string, Float32Array> {
    worker?.startBackward(dq.subarray(qAt), agents);
    const mine = whileWorkerRuns(worker, () =>
      this.nets.agent.backwardPackedArrays(dq.subarray(0, qAt), agents, this.agentGrads),
    );
    const grads = mine as unknown as Record<string, Float32Array>;
    if (!worker) return grads;
    const theirs = worker.finish() as unknown as Record<string, Float32Array>;
    for (const [name, g] of Object.entries(grads)) {
      const w = theirs[name] as Float32Array;
      for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) + (w[i] as number); // this thread's + the worker's
    }
    return grads;
  }

  /**
   * One gradient step on `batch` with rewards `reward` `[B, T]` (standardised by the learner when
   * configured) and targets of `kind`; throws {@link NumericError} if the loss is not finite.
   */
  train(batch: EpisodeBatch, context: UpdateContext, reward: Float32Array, kind: ReturnKind): UpdateResult {
    const { size: b, maxT: t, info } = batch;
    const { nAgents: n, nActions: a, stateShape: s } = info;
    const bt = b * t;
    const dense = context.denseGrads ?? false;
    const buf = this.buffersFor(b, t, n, a, s);
    const { targetQs: targetOut, qs: qsOut, chosen, next, statesNow, statesNext, dqTot, dq, greedy, greedyQ } = buf;
    const { avail, actions, filled } = batch;

    // --- agents: the target's Q from step 1, the online network's from step 0 (kept for its backward)
    const split = this.agentsForward(batch, dense, targetOut, qsOut);
    const [targetQs, qs] = [targetOut, qsOut]; // [B, T, N, A], [B, T+1, N, A]

    // --- chosen Q, next-step values, greedy flags (and CW's greedy Qs), state windows
    const cut = kind === 'td-lambda' && this.config.targets.cutTraces;
    const cw = this.kind.weighting === 'cw';
    for (let e = 0; e < b; e++) {
      for (let step = 0; step < t; step++) {
        const row = e * t + step;
        let allGreedy = 1;
        for (let i = 0; i < n; i++) {
          const now = ((e * (t + 1) + step) * n + i) * a; // qs and avail [B, T+1, N, A]
          const then = now + n * a;
          const act = actions[row * n + i] as number;
          chosen[row * n + i] = qs[now + act] as number;
          next[row * n + i] = this.nextValue(targetQs, (row * n + i) * a, qs, then, avail, then, a);
          if (!cut && !cw) continue;
          const best = greedyAvailable(qs, now, avail, now, a); // -1: nothing available
          if (Math.max(0, best) !== act) allGreedy = 0;
          if (cw) greedyQ[row * n + i] = best < 0 ? UNAVAILABLE_Q : (qs[now + best] as number); // max over available
        }
        greedy[row] = allGreedy;
      }
      statesNow.set(batch.state.subarray(e * (t + 1) * s, (e * (t + 1) + t) * s), e * t * s);
      statesNext.set(batch.state.subarray((e * (t + 1) + 1) * s, (e * (t + 1) + t + 1) * s), e * t * s);
    }

    // --- Q_tot, V(s_{t+1}) and the targets
    const qTot = this.nets.mixer.forward(chosen, statesNow, bt, dense); // [B, T]
    const bootstrap = this.bootstrap(next, targetQs, avail, statesNext, { b, t, n, a }); // V(s_{t+1}) [B, T]
    const returns = {
      batch: b,
      steps: t,
      reward,
      terminated: batch.terminated,
      filled,
      bootstrap,
      ...(cut ? { greedy } : {}),
    };
    const y = tdTargets(kind, returns, this.config.gamma, this.config.targets); // [B, T]
    // RES's regulariser λ·(Q_tot − G_t)², G_t the discounted return (its traces cut as the targets' are)
    const mc = this.kind.resRegularizer ? lambdaReturns(returns, this.config.gamma, 1) : null; // [B, T]
    const lambda = this.config.res.lambda;
    // WQMIX: each sample's weight, then the critic's Q̂*(s, u) for the regression (the forward its backward uses)
    const weights = this.sampleWeights(qTot, y, greedy, greedyQ, statesNow, bt, dense); // [B, T] or null
    const critic = this.nets.critic?.forward(chosen, statesNow, bt, dense) ?? null; // Q̂*(s, u) [B, T]

    // --- the masked mean TD² loss (RES's term, WQMIX's weights and critic regression) and its statistics
    let [count, sq, reg, criticSq, abs, taken, target] = [0, 0, 0, 0, 0, 0, 0];
    for (let r = 0; r < bt; r++) {
      if (!filled[r]) continue;
      const td = (qTot[r] as number) - (y[r] as number);
      count += 1;
      sq += (weights ? (weights[r] as number) : 1) * td * td;
      if (mc) reg += ((qTot[r] as number) - (mc[r] as number)) ** 2;
      if (critic) criticSq += ((critic[r] as number) - (y[r] as number)) ** 2;
      abs += Math.abs(td);
      taken += qTot[r] as number;
      target += y[r] as number;
    }
    const loss = Math.fround(sq / count + (mc ? lambda * (reg / count) : 0) + criticSq / count);
    if (!Number.isFinite(loss)) {
      throw new NumericError(`training loss became ${loss}`, {
        hint: 'train a new run with a lower optimizer.lr, and check the environment rewards for NaN or huge values',
      });
    }

    // --- backward: ∂L/∂Q_tot → mixer → ∂Q at the chosen actions → the agent through time
    for (let r = 0; r < bt; r++) {
      if (!filled[r]) {
        dqTot[r] = 0;
        continue;
      }
      const q = qTot[r] as number;
      const w = weights ? (weights[r] as number) : 1;
      dqTot[r] = (2 * w * (q - (y[r] as number)) + (mc ? 2 * lambda * (q - (mc[r] as number)) : 0)) / count;
    }
    const mixed = this.nets.mixer.backward(dqTot);
    const criticGrads = critic ? this.criticBackward(critic, y, filled, count) : {};
    dq.fill(0);
    for (let e = 0; e < b; e++)
      for (let step = 0; step < t; step++)
        for (let i = 0; i < n; i++) {
          const row = (e * t + step) * n + i;
          dq[((e * (t + 1) + step) * n + i) * a + (actions[row] as number)] = mixed.dChosen[row] as number;
        }
    const agentGrads = this.agentsBackward(dq, n, split);

    // --- masked gradients (RigL's dense ones copied first), clipping and the optimizer step. The
    // backward passes stored only the kept positions, so their gradients are already zero at pruned
    // ones; only a dense backward (RigL's grow score) needs the mask applied.
    const grads: Record<string, Float32Array> = {};
    const denseGrads: Record<string, Float32Array> | null = dense ? {} : null;
    for (const [prefix, byName] of [
      ['agent', agentGrads],
      ['mixer', mixed.grads],
      ['critic', criticGrads],
    ] as const) {
      const store = this.stores[prefix];
      if (!store) continue; // no critic
      const maskable = denseGrads ? new Set(store.maskableNames()) : null;
      for (const [name, g] of Object.entries(byName)) {
        const key = `${prefix}/${name}`;
        grads[key] = g;
        if (!denseGrads || !maskable?.has(name)) continue;
        denseGrads[key] = g.slice();
        const mask = store.mask(name);
        if (mask) for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) * (mask[i] as number); // pruned weights get no update
      }
    }
    const gradNorm = this.optimizer.applyArrays(grads);
    return {
      stats: {
        loss,
        tdErrorAbs: abs / count,
        qTaken: taken / count,
        targetMean: target / count,
        gradNorm,
        returns: kind,
      },
      denseGrads,
    };
  }

  /** The weights sent to the second thread so far and what sending them cost (null: one thread). */
  get threadTraffic(): WeightTraffic | null {
    return this.thread ? { ...this.thread.traffic } : null;
  }

  /** Stop the second thread, if any. */
  dispose(): void {
    this.thread?.close();
  }
}
