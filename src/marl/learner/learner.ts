/**
 * The Q-learner (pymarl's QLearner): online and target agent networks and mixers, a TD loss masked by
 * `filled`, global-norm gradient clipping and an optimizer that keeps pruned weights at zero.
 *
 * Targets: each agent's next-step value is the max over its available actions (double Q: the online
 * network picks, the target network values) or their Soft Mellowmax; the target mixer (WQMIX: the
 * target central critic; RES: a softmax over joint-action variants) turns them into V(s_{t+1});
 * `returns.ts` builds one-step, n-step or λ-returns from those values on plain arrays.
 *
 * Losses: QMIX/VDN the mean squared TD error; OW-/CW-QMIX weight it per sample and add the central
 * critic's regression onto the same targets; RES adds λ·(Q_tot − G_t)² with G_t the discounted return.
 *
 * Under `compute: arrays` (every learner) `train` hands the update to `array-update.ts`, the same
 * update without tfjs; everything else here (stores, target syncs, the networks) is shared.
 */
import * as tf from '@tensorflow/tfjs';
import { runsOnKernels, type MixerConfig, type TrainConfig } from '../../config/types.js';
import { LEARNERS, type LearnerKind } from '../../config/learners.js';
import type { Rng } from '../../util/rng.js';
import { NumericError } from '@mast-toolkit/runtime/internal/util/errors';
import type { RnnAgentArchitecture } from '@mast-toolkit/runtime/internal/snapshot/types';
import { RnnAgent } from '../nets/agent.js';
import { createMixer, type Mixer, type MixerSpec } from '../mixers/index.js';
import { Optimizer } from './optimizer.js';
import type { EpisodeBatch } from '../replay/episode.js';
import { batchAgentInputs, batchAgentInputsPacked } from '../nets/batch-inputs.js';
import type { ParamStore } from '../nets/params.js';
import { maskUnavailable, softMellowmax } from './operators.js';
import { lambdaReturns, returnKindAt, tdTargets } from './returns.js';
import { CentralCritic } from '../mixers/central.js';
import { CentralCriticArrays } from '../mixers/central-arrays.js';
import { resSoftmaxValue } from './res.js';
import { FusedAgentUnroll } from '../nets/fused-agent.js';
import { KernelLinearLayers } from '../nets/kernel-linear.js';
import { RewardScale } from './reward-scale.js';
import type { TrainStats, UpdateContext, UpdateResult } from './update-types.js';
import { ArrayUpdate, createArrayMixer } from './array-update.js';
import { UpdateThread, type WeightTraffic } from './update-thread.js';
import { inputSize } from '../../snapshot/validate.js';

export type { TrainStats, UpdateContext, UpdateResult } from './update-types.js';

/** Q `[T+1, B·N, A]` (step-major, as unrolled) → `[B, T+1, N, A]`. */
function toBatchMajor(q: tf.Tensor3D, b: number, n: number): tf.Tensor4D {
  const [steps, , a] = q.shape;
  return tf.transpose(tf.reshape(q, [steps, b, n, a]), [1, 0, 2, 3]) as tf.Tensor4D;
}

/**
 * Per-episode values `[B, T+1, W]` cut into steps 0..T−1 (`now`) and 1..T (`next`), each `[B, T, W]`,
 * as float32 (what slicing the whole tensor gives, without the tfjs slices).
 */
function stepWindows(
  values: Float32Array | Uint8Array,
  b: number,
  t: number,
  width: number,
): { now: Float32Array; next: Float32Array } {
  const [now, next] = [new Float32Array(b * t * width), new Float32Array(b * t * width)];
  for (let e = 0; e < b; e++) {
    const from = e * (t + 1) * width;
    now.set(values.subarray(from, from + t * width), e * t * width);
    next.set(values.subarray(from + width, from + (t + 1) * width), e * t * width);
  }
  return { now, next };
}

/** A copy of `x` with no gradient path back to the variables it came from. */
function detach<T extends tf.Tensor>(x: T): T {
  return tf.tensor(x.dataSync(), x.shape, 'float32') as T;
}

/**
 * 1 where every agent took its greedy action among the available ones `[B, T]`, from Q `[B, T, N, A]`,
 * one-hot actions `[B, T, N, A]` and availability `[B, T, N, A]`.
 */
function greedyJointAction(qs: tf.Tensor4D, actions: tf.Tensor, avail: tf.Tensor4D): tf.Tensor2D {
  const greedy = tf.oneHot(tf.argMax(maskUnavailable(qs, avail), 3), qs.shape[3]); // [B, T, N, A]
  return tf.min(tf.sum(tf.mul(greedy, actions), 3), 2) as tf.Tensor2D;
}

/** Online + target networks and their update rule. */
export class QLearner {
  readonly agent: RnnAgent;
  readonly targetAgent: RnnAgent;
  readonly mixer: Mixer;
  readonly targetMixer: Mixer;
  /** WQMIX's central critic Q̂* and its target (null for the other learners). */
  readonly critic: CentralCritic | null;
  readonly targetCritic: CentralCritic | null;
  readonly optimizer: Optimizer;
  private readonly gradKeys = new Map<string, string>(); // tf variable name → optimizer key
  /** Running reward statistics (`standardiseRewards`). */
  readonly rewardScale = new RewardScale();
  /** The kernel unrolls of the online and target agents (`compute: kernels`), made on first use. */
  private fused: { agent: FusedAgentUnroll; target: FusedAgentUnroll } | null = null;
  /** What sets this learner apart (its registry entry). */
  private readonly kind: LearnerKind;
  /** The kernel linear layers of the online mixer and critic (`compute: kernels`), paused for dense gradients. */
  private readonly onlineLinear: KernelLinearLayers[] = [];
  /** The last batch's packed agent inputs (`compute: kernels`), overwritten by the next batch of the same shape. */
  private packedInputs: Float32Array | null = null;
  /** The update without tfjs (`compute: arrays`); null: this file's tfjs/kernels update. */
  private readonly arrays: ArrayUpdate | null = null;

  /**
   * @param mixerWidths the mixer's widths when they differ from `config.mixer` (the `tiny` baseline).
   */
  constructor(
    private readonly config: TrainConfig,
    arch: RnnAgentArchitecture,
    mixerSpec: MixerSpec,
    rng: Rng,
    mixerWidths: MixerConfig = config.mixer,
  ) {
    this.kind = LEARNERS[config.alg];
    const mixerName = this.kind.mixer;
    // Under `compute: kernels` each mixer-side network runs its linear layers on kernels of its own.
    const linearLayers = (online: boolean): KernelLinearLayers | null => {
      if (config.compute !== 'kernels') return null;
      const layers = new KernelLinearLayers();
      if (online) this.onlineLinear.push(layers);
      return layers;
    };
    this.agent = RnnAgent.create(arch, rng);
    this.mixer = createMixer(mixerName, mixerSpec, mixerWidths, rng, linearLayers(true));
    this.critic = this.kind.centralCritic
      ? new CentralCritic(mixerSpec, config.wqmix.centralEmbed, rng, linearLayers(true))
      : null;
    // Target networks start as copies; their own initial draws come from a throwaway stream.
    const scratch = rng.split();
    this.targetAgent = RnnAgent.create(arch, scratch);
    this.targetMixer = createMixer(mixerName, mixerSpec, mixerWidths, scratch, linearLayers(false));
    this.targetCritic = this.critic
      ? new CentralCritic(mixerSpec, config.wqmix.centralEmbed, scratch, linearLayers(false))
      : null;
    this.optimizer = new Optimizer(config.optimizer, this.stores(), { kernels: runsOnKernels(config.compute) });
    for (const key of this.optimizer.keys()) this.gradKeys.set(this.optimizer.variable(key).name, key);
    this.updateTargets();
    if (config.compute === 'arrays') {
      const { agent, target } = this.kernelUnrolls();
      const mixers = [this.mixer, this.targetMixer].map((m) =>
        createArrayMixer(mixerName, m.params, mixerSpec.nAgents),
      );
      const critics =
        this.critic && this.targetCritic
          ? {
              critic: new CentralCriticArrays(this.critic.params, mixerSpec.nAgents),
              targetCritic: new CentralCriticArrays(this.targetCritic.params, mixerSpec.nAgents),
            }
          : {};
      const nets = { agent, target, mixer: mixers[0]!, targetMixer: mixers[1]!, ...critics };
      const dims = { inputSize: inputSize(arch), hidden: arch.hidden, nActions: arch.nActions };
      const thread =
        config.updateThreads === 2
          ? new UpdateThread(dims, { online: this.agent.params, target: this.targetAgent.params })
          : null;
      const { inputLayout, nActions } = arch;
      this.arrays = new ArrayUpdate(config, nets, this.optimizer, this.stores(), inputLayout, nActions, thread);
    }
  }

  /** The online parameter stores, keyed as in checkpoints: `agent`, `mixer` and, for WQMIX, `critic`. */
  stores(): Record<string, ParamStore> {
    return {
      agent: this.agent.params,
      mixer: this.mixer.params,
      ...(this.critic ? { critic: this.critic.params } : {}),
    };
  }

  /** The target networks' stores, keyed like {@link stores}. */
  targetStores(): Record<string, ParamStore> {
    return {
      agent: this.targetAgent.params,
      mixer: this.targetMixer.params,
      ...(this.targetCritic ? { critic: this.targetCritic.params } : {}),
    };
  }

  /** Copy the online networks (weights and masks) into the target networks. */
  updateTargets(): void {
    const targets = this.targetStores();
    for (const [key, store] of Object.entries(this.stores())) targets[key]!.copyFrom(store);
  }

  /** Unroll `agent` over a batch with tfjs ops: inputs `[T+1, B·N, In]` → Q `[B, T+1, N, A]`. */
  private unroll(agent: RnnAgent, inputs: tf.Tensor3D, b: number, n: number): tf.Tensor4D {
    let h = tf.zeros([b * n, agent.arch.hidden]) as tf.Tensor2D; // [B·N, H]
    const qs: tf.Tensor2D[] = [];
    for (const x of tf.unstack(inputs) as tf.Tensor2D[]) {
      const out = agent.step(x, h);
      qs.push(out.q); // [B·N, A]
      h = out.hidden;
    }
    return toBatchMajor(tf.stack(qs) as tf.Tensor3D, b, n);
  }

  private kernelUnrolls(): { agent: FusedAgentUnroll; target: FusedAgentUnroll } {
    this.fused ??= { agent: new FusedAgentUnroll(this.agent), target: new FusedAgentUnroll(this.targetAgent) };
    return this.fused;
  }

  /**
   * Per-agent bootstrap values `[B, T, N]` from next-step Q-values: the max (double Q: the online
   * network's greedy action valued by the target network) or the Soft Mellowmax of the target's.
   */
  private nextAgentValues(targetQs: tf.Tensor4D, onlineNextQs: tf.Tensor4D, availNext: tf.Tensor4D): tf.Tensor3D {
    const { operator, omega, alpha } = this.config.targets;
    if (operator === 'soft-mellowmax') return softMellowmax(targetQs, availNext, omega, alpha) as tf.Tensor3D;
    if (!this.config.doubleQ) return tf.max(maskUnavailable(targetQs, availNext), 3) as tf.Tensor3D;
    const greedy = tf.oneHot(tf.argMax(maskUnavailable(onlineNextQs, availNext), 3), targetQs.shape[3]); // [B, T, N, A]
    return tf.sum(tf.mul(targetQs, greedy), 3) as tf.Tensor3D;
  }

  /**
   * V(s_{t+1}) `[B, T]` from the per-agent next values: the target mixer (QMIX, VDN), the target
   * central critic (WQMIX bootstraps from Q̂*), or RES's softmax over per-agent joint-action variants.
   */
  private bootstrapValue(
    next: tf.Tensor3D,
    targetQs: tf.Tensor4D,
    availNext: tf.Tensor4D,
    statesNext: tf.Tensor3D,
  ): tf.Tensor2D {
    if (this.kind.bootstrap === 'res-softmax')
      return resSoftmaxValue(this.targetMixer, next, targetQs, availNext, statesNext, this.config.res.beta);
    if (this.kind.bootstrap === 'target-critic' && this.targetCritic) return this.targetCritic.mix(next, statesNext);
    return this.targetMixer.mix(next, statesNext);
  }

  /**
   * WQMIX's per-sample weights of the QMIX loss `[B, T]` (1 for the other learners). OW: 1 where
   * Q_tot < y, else w. CW: 1 where the taken joint action is the current greedy one or y exceeds
   * Q̂*(s, greedy), else w. Built from detached values: the weights carry no gradient.
   */
  private sampleWeights(
    qTot: tf.Tensor2D,
    y: tf.Tensor2D,
    qsNow: tf.Tensor4D,
    actions: tf.Tensor,
    availNow: tf.Tensor4D,
    statesNow: tf.Tensor3D,
  ): tf.Tensor2D | null {
    const { wqmix } = this.config;
    const { weighting } = this.kind;
    if (weighting === 'ow')
      return tf.where(tf.less(qTot, y), tf.onesLike(qTot), tf.fill(qTot.shape, wqmix.owWeight)) as tf.Tensor2D;
    if (weighting !== 'cw' || !this.critic) return null;
    const masked = maskUnavailable(qsNow, availNow); // [B, T, N, A]
    const isGreedy = greedyJointAction(qsNow, actions, availNow); // [B, T]
    const qStarGreedy = detach(this.critic.mix(tf.max(masked, 3) as tf.Tensor3D, statesNow)); // Q̂*(s, greedy) [B, T]
    const full = tf.logicalOr(tf.greater(isGreedy, 0), tf.greater(y, qStarGreedy));
    return tf.where(full, tf.onesLike(qTot), tf.fill(qTot.shape, wqmix.cwWeight)) as tf.Tensor2D;
  }

  /**
   * One gradient step on `batch`; throws {@link NumericError} if the loss is not finite.
   * @param context the run's progress (hybrid targets) and whether to return dense gradients.
   */
  train(batch: EpisodeBatch, context: UpdateContext): UpdateResult {
    const { size: b, maxT: t, info } = batch;
    const { nAgents: n, nActions: a, stateShape: s } = info;
    const { gamma } = this.config;
    const layout = this.agent.arch.inputLayout;
    const kind = returnKindAt(this.config.targets, context.tEnv, this.config.steps);
    const stats: TrainStats = {
      loss: NaN,
      tdErrorAbs: NaN,
      qTaken: NaN,
      targetMean: NaN,
      gradNorm: NaN,
      returns: kind,
    };
    let denseGrads: Record<string, Float32Array> | null = null;
    const reward = this.config.standardiseRewards
      ? this.rewardScale.standardise(batch.reward, batch.filled)
      : batch.reward; // [B, T]
    if (this.arrays) return this.arrays.train(batch, context, reward, kind);
    const kernels = this.config.compute === 'kernels' ? this.kernelUnrolls() : null;
    if (kernels) for (const layers of this.onlineLinear) layers.active = !context.denseGrads; // dense gradients come from tfjs
    tf.tidy(() => {
      // the kernels take the inputs packed feature-major, straight into kernel memory; tfjs row-major
      const packed = kernels
        ? (this.packedInputs = batchAgentInputsPacked(batch, layout, this.packedInputs ?? undefined))
        : null; // [T+1, In, lanes]
      const inputs = packed
        ? null
        : tf.tensor3d(batchAgentInputs(batch, layout), [t + 1, b * n, layout.obs + layout.lastAction + layout.agentId]); // [T+1, B·N, In]
      // steps 0..T−1 and 1..T of each episode, cut on the host (no tfjs slices)
      const avail = stepWindows(batch.avail, b, t, n * a); // [B, T+1, N, A] → 2 × [B, T, N, A]
      const availNow = tf.tensor4d(avail.now, [b, t, n, a]); // [B, T, N, A]
      const availNext = tf.tensor4d(avail.next, [b, t, n, a]); // [B, T, N, A]
      const actions = tf.oneHot(tf.tensor3d(batch.actions, [b, t, n], 'int32'), a); // [B, T, N, A]
      const filled = tf.tensor2d(Float32Array.from(batch.filled), [b, t]); // [B, T]
      const states = stepWindows(batch.state, b, t, s); // [B, T+1, S] → 2 × [B, T, S]
      const statesNow = tf.tensor3d(states.now, [b, t, s]); // [B, T, S]
      const statesNext = tf.tensor3d(states.next, [b, t, s]); // [B, T, S]
      const targetQs =
        kernels && packed // [B, T, N, A]: the target network's values from step 1
          ? kernels.target.forwardPacked(packed, t + 1, b * n, n, 1)
          : (tf.slice(
              this.unroll(this.targetAgent, inputs as tf.Tensor3D, b, n),
              [0, 1, 0, 0],
              [b, t, n, a],
            ) as tf.Tensor4D);

      const lossFn = (): tf.Scalar => {
        // with RigL's dense gradient wanted, the kernels differentiate at every position (pruned weights are 0)
        const qs =
          kernels && packed
            ? kernels.agent.applyPacked(packed, t + 1, b * n, n, context.denseGrads ?? false)
            : this.unroll(this.agent, inputs as tf.Tensor3D, b, n); // [B, T+1, N, A]
        const qsNow = tf.slice(qs, [0, 0, 0, 0], [b, t, n, a]) as tf.Tensor4D; // [B, T, N, A]
        const chosen = tf.sum(tf.mul(qsNow, actions), 3) as tf.Tensor3D; // [B, T, N]
        const qTot = this.mixer.mix(chosen, statesNow); // [B, T]

        // --- targets: no gradient flows through them, so they are built on plain arrays
        const next = this.nextAgentValues(targetQs, tf.slice(qs, [0, 1, 0, 0], [b, t, n, a]) as tf.Tensor4D, availNext); // [B, T, N]
        const bootstrap = this.bootstrapValue(next, targetQs, availNext, statesNext).dataSync() as Float32Array; // V(s_{t+1}) [B, T]
        // read out as plain numbers (argMax carries no gradient), so no detached copy of qsNow is needed
        const greedy =
          kind === 'td-lambda' && this.config.targets.cutTraces
            ? Uint8Array.from(greedyJointAction(qsNow, actions, availNow).dataSync())
            : undefined; // [B, T]
        const returns = {
          batch: b,
          steps: t,
          reward,
          terminated: batch.terminated,
          filled: batch.filled,
          bootstrap,
          ...(greedy ? { greedy } : {}),
        };
        const y = tf.tensor2d(tdTargets(kind, returns, gamma, this.config.targets), [b, t]); // [B, T]

        // --- losses, averaged over filled steps
        const count = tf.sum(filled);
        const mean = (x: tf.Tensor): tf.Scalar => tf.div(tf.sum(tf.mul(x, filled)), count) as tf.Scalar;
        const td = tf.sub(qTot, y); // [B, T]
        const weights = this.critic
          ? this.sampleWeights(detach(qTot), y, detach(qsNow), actions, availNow, statesNow)
          : null; // WQMIX
        let loss = mean(weights ? tf.mul(weights, tf.square(td)) : tf.square(td));
        if (this.critic)
          loss = tf.add(loss, mean(tf.square(tf.sub(this.critic.mix(detach(chosen), statesNow), y)))) as tf.Scalar; // Q̂* regression
        if (this.kind.resRegularizer) {
          const mc = tf.tensor2d(lambdaReturns(returns, gamma, 1), [b, t]); // discounted return G_t [B, T]
          loss = tf.add(loss, tf.mul(this.config.res.lambda, mean(tf.square(tf.sub(qTot, mc))))) as tf.Scalar;
        }
        stats.tdErrorAbs = mean(tf.abs(td)).dataSync()[0] as number;
        stats.qTaken = mean(qTot).dataSync()[0] as number;
        stats.targetMean = mean(y).dataSync()[0] as number;
        return loss;
      };
      const { value, grads } = tf.variableGrads(
        lossFn,
        this.optimizer.keys().map((k) => this.optimizer.variable(k)),
      );
      stats.loss = value.dataSync()[0] as number;
      if (!Number.isFinite(stats.loss)) {
        throw new NumericError(`training loss became ${stats.loss}`, {
          hint: 'train a new run with a lower optimizer.lr, and check the environment rewards for NaN or huge values',
        });
      }
      const byKey: Record<string, tf.Tensor> = {};
      if (context.denseGrads) denseGrads = {};
      const stores = this.stores();
      for (const [varName, g] of Object.entries(grads)) {
        const key = this.gradKeys.get(varName) as string;
        const [prefix, ...rest] = key.split('/');
        const store = stores[prefix as string]!;
        const param = rest.join('/');
        // The forward pass reads w (zero where pruned), so g is already the dense gradient ∂L/∂w.
        if (denseGrads && store.maskableNames().includes(param)) denseGrads[key] = g.dataSync() as Float32Array;
        const mask = store.maskTensor(param);
        byKey[key] = mask ? tf.mul(g, mask) : g; // pruned weights receive no update
      }
      stats.gradNorm = this.optimizer.apply(byKey);
    });
    return { stats, denseGrads };
  }

  /**
   * The agent weights sent to the second update thread so far and what reading and posting them took
   * (`updateThreads: 2`); null with one thread.
   */
  get updateThreadTraffic(): WeightTraffic | null {
    return this.arrays?.threadTraffic ?? null;
  }

  /** Release every tensor this learner owns, and stop its second update thread (`updateThreads: 2`). */
  dispose(): void {
    this.arrays?.dispose();
    for (const net of [this.agent, this.targetAgent]) net.dispose();
    for (const m of [this.mixer, this.targetMixer, this.critic, this.targetCritic]) m?.params.dispose();
    this.optimizer.dispose();
  }
}
